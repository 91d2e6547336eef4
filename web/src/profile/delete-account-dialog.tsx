import { useModel } from "@preact/signals";
import type { SessionModel } from "../auth/session-model";
import { t } from "../i18n/i18n";
import { Dialog } from "../ui/dialog";
import { FormError, TextField } from "../ui/form";
import { DeleteAccountForm } from "./profile-model";
import { profileService } from "./profile-service";

/** F1.9: deleting needs the current password; afterwards the login page says it is done. */
export function DeleteAccountDialog({ session, onClose }: { session: SessionModel; onClose: () => void }) {
  const form = useModel(() => new DeleteAccountForm(session, profileService));
  const formId = "delete-account-form";
  return (
    <Dialog
      title={t("profile.delete.title")}
      subtitle={session.user.value?.email}
      onClose={onClose}
      footer={
        <>
          <button type="button" class="button button-secondary" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" form={formId} class="button button-danger" disabled={form.pending.value || !form.password.value} aria-busy={form.pending.value}>
            {form.pending.value ? t("profile.delete.deleting") : t("profile.delete.submit")}
          </button>
        </>
      }
    >
      <form
        id={formId}
        class="form"
        aria-label={t("profile.delete.title")}
        onSubmit={(event) => {
          event.preventDefault();
          void form.submit();
        }}
      >
        <div class="notice notice-warning delete-warning">{t("profile.delete.warning")}</div>
        <TextField name="delete-password" label={t("profile.delete.password")} type="password" value={form.password} autoComplete="current-password" required autoFocus />
        <FormError message={form.error.value} />
      </form>
    </Dialog>
  );
}
