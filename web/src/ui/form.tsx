import type { Signal } from "@preact/signals";
import type { ComponentChildren, TargetedSubmitEvent } from "preact";

type TextFieldProps = {
  label: string;
  value: Signal<string>;
  type?: "email" | "password" | "text";
  autoComplete?: string;
  hint?: ComponentChildren;
  autoFocus?: boolean;
  required?: boolean;
  minLength?: number;
  name: string;
};

/** A labelled input bound to a signal. */
export function TextField({ label, value, hint, name, type = "text", ...input }: TextFieldProps) {
  const id = `field-${name}`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        // Preact types <input> per `type` value; a union of three is fine for all of them.
        type={type as "text"}
        value={value.value}
        onInput={(event) => (value.value = event.currentTarget.value)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        spellcheck={false}
        autoCapitalize={type === "text" ? undefined : "off"}
        {...input}
      />
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** The place a form's error appears; announced to screen readers when it changes. */
export function FormError({ message }: { message: string | null }) {
  return (
    <div class="form-error" role="alert" aria-live="assertive" hidden={!message}>
      {message}
    </div>
  );
}

type SubmitButtonProps = { pending: boolean; children: ComponentChildren; pendingLabel: string };

export function SubmitButton({ pending, children, pendingLabel }: SubmitButtonProps) {
  return (
    <button type="submit" class="button button-primary button-block" disabled={pending} aria-busy={pending}>
      {pending ? pendingLabel : children}
    </button>
  );
}

/** A <form> whose submit is handled in the app, never by a page load. */
export function Form({ onSubmit, children, label }: { onSubmit: () => void; children: ComponentChildren; label: string }) {
  const handle = (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form class="form" onSubmit={handle} aria-label={label}>
      {children}
    </form>
  );
}
