// A modal window on the native <dialog> element: focus stays inside, Escape and the close
// button close it, the page behind is inert. Mounted = open.
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { t } from "../i18n/i18n";
import { CloseIcon } from "./icons";

type DialogProps = {
  title: ComponentChildren;
  subtitle?: ComponentChildren;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  size?: "normal" | "wide";
};

export function Dialog({ title, subtitle, onClose, children, footer, size = "normal" }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    // Where focus goes back when the dialog closes: the control that opened it. Chromium left
    // it on <body> (the top of the page) when the app closed the dialog.
    const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: close through the app, so its state and the element agree.
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop lands on the <dialog> itself (the panel inside covers the rest).
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div class="dialog-panel">
        <header class="dialog-header">
          <div class="dialog-titles">
            <h2 id={titleId}>{title}</h2>
            {subtitle && <p class="dialog-subtitle">{subtitle}</p>}
          </div>
          <button type="button" class="icon-button" aria-label={t("common.close")} onClick={onClose}>
            <CloseIcon />
          </button>
        </header>
        <div class="dialog-body">{children}</div>
        {footer && <footer class="dialog-footer">{footer}</footer>}
      </div>
    </dialog>
  );
}
