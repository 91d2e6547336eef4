// A dialog that asks for the current password before something a stolen cookie must not do
// (deleting the account, connecting a sign-in provider): the profile's two uses of it.
import type { ComponentChildren } from "preact";
import type { Signal } from "@preact/signals";
import { t } from "../i18n/i18n";
import { Dialog } from "../ui/dialog";
import { FormError, TextField } from "../ui/form";

export type PasswordForm = { password: Signal<string>; pending: Signal<boolean>; error: Signal<string | null>; submit: () => Promise<void> };

export function PasswordDialog({ form, title, subtitle, intro, submitLabel, danger = false, onClose }: {
  form: PasswordForm;
  title: string;
  subtitle?: string;
  /** What happens, above the field. */
  intro: ComponentChildren;
  /** The submit button's words, pending or not. */
  submitLabel: string;
  danger?: boolean;
  onClose: () => void;
}) {
  const formId = "password-dialog-form";
  return (
    <Dialog
      title={title}
      subtitle={subtitle}
      onClose={onClose}
      footer={
        <>
          <button type="button" class="button button-secondary" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" form={formId} class={`button ${danger ? "button-danger" : "button-primary"}`} disabled={form.pending.value || !form.password.value} aria-busy={form.pending.value}>
            {submitLabel}
          </button>
        </>
      }
    >
      <form
        id={formId}
        class="form"
        aria-label={title}
        onSubmit={(event) => {
          event.preventDefault();
          void form.submit();
        }}
      >
        {intro}
        <TextField name="current-password" label={t("profile.currentPassword")} type="password" value={form.password} autoComplete="current-password" required autoFocus />
        <FormError message={form.error.value} />
      </form>
    </Dialog>
  );
}
