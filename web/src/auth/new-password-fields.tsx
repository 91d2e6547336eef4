import type { Signal } from "@preact/signals";
import { t } from "../i18n/i18n";
import { TextField } from "../ui/form";
import { MIN_PASSWORD_LENGTH } from "./auth-forms";

/** The new password and its repetition: the same two fields when changing a password and when resetting it. */
export function NewPasswordFields({ form, autoFocus = false }: { form: { newPassword: Signal<string>; confirmPassword: Signal<string> }; autoFocus?: boolean }) {
  return (
    <>
      <TextField
        name="new-password"
        label={t("auth.password.new")}
        type="password"
        value={form.newPassword}
        autoComplete="new-password"
        required
        autoFocus={autoFocus}
        minLength={MIN_PASSWORD_LENGTH}
        hint={t("auth.password.hint", { count: MIN_PASSWORD_LENGTH })}
      />
      <TextField name="confirm-password" label={t("auth.password.repeat")} type="password" value={form.confirmPassword} autoComplete="new-password" required />
    </>
  );
}
