import { useModel } from "@preact/signals";
import type { SessionModel } from "../auth/session-model";
import { t } from "../i18n/i18n";
import { PasswordDialog } from "./password-dialog";
import { DeleteAccountForm } from "./profile-model";
import { profileService } from "./profile-service";

/** F1.9: deleting needs the current password; afterwards the login page says it is done. */
export function DeleteAccountDialog({ session, onClose }: { session: SessionModel; onClose: () => void }) {
  const form = useModel(() => new DeleteAccountForm(session, profileService));
  return (
    <PasswordDialog
      form={form}
      title={t("profile.delete.title")}
      subtitle={session.user.value?.email}
      intro={<div class="notice notice-warning delete-warning">{t("profile.delete.warning")}</div>}
      submitLabel={form.pending.value ? t("profile.delete.deleting") : t("profile.delete.submit")}
      danger
      onClose={onClose}
    />
  );
}
