// The computers page's dialogs (settings, sharing, system information). Their code is loaded
// the first time one opens, so the list's initial bundle does not carry it.
import { signal } from "@preact/signals";
import type { ComponentType } from "preact";
import { useEffect } from "preact/hooks";
import type { Computer } from "../../../protocol/api";
import { t } from "../i18n/i18n";
import type { ComputersModel, DialogKind } from "./computers-model";

export type DialogProps = { computer: Computer; computers: ComputersModel; onClose: () => void };

const loaders: Record<DialogKind, () => Promise<ComponentType<DialogProps>>> = {
  settings: () => import("./settings-dialog").then((m) => m.SettingsDialog),
  sharing: () => import("./sharing-dialog").then((m) => m.SharingDialog),
  "system-info": () => import("./system-info-dialog").then((m) => m.SystemInfoDialog),
};

const loaded = signal<Partial<Record<DialogKind, ComponentType<DialogProps>>>>({});
const loadError = signal(false);

function load(kind: DialogKind): void {
  if (loaded.peek()[kind]) return;
  loaders[kind]().then(
    (component) => (loaded.value = { ...loaded.peek(), [kind]: component }),
    () => (loadError.value = true),
  );
}

export function DialogHost({ computers }: { computers: ComputersModel }) {
  const open = computers.dialog.value;
  useEffect(() => {
    if (open) {
      loadError.value = false;
      load(open.kind);
    }
  }, [open?.kind]);
  if (!open) return null;
  // Live: the dialog shows the computer as the server last described it.
  const computer = computers.entries.value.get(open.id)?.value;
  if (!computer) return null;
  if (loadError.value) {
    return (
      <div class="notice notice-warning dialog-load-error" role="alert">
        {t("computers.dialogLoadFailed")}{" "}
        <button type="button" class="link-button" onClick={computers.closeDialog}>
          {t("common.close")}
        </button>
      </div>
    );
  }
  const Dialog = loaded.value[open.kind];
  if (!Dialog) return null;
  return <Dialog key={`${open.kind}:${open.id}`} computer={computer} computers={computers} onClose={computers.closeDialog} />;
}
