import { useModel } from "@preact/signals";
import type { SessionModel } from "../auth/session-model";
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
      title="Delete account"
      subtitle={session.user.value?.email}
      onClose={onClose}
      footer={
        <>
          <button type="button" class="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} class="button button-danger" disabled={form.pending.value || !form.password.value} aria-busy={form.pending.value}>
            {form.pending.value ? "Deleting…" : "Delete my account"}
          </button>
        </>
      }
    >
      <form
        id={formId}
        class="form"
        aria-label="Delete account"
        onSubmit={(event) => {
          event.preventDefault();
          void form.submit();
        }}
      >
        <div class="notice notice-warning delete-warning">
          This removes your account for good: your computers, shares given and received, screenshots, uploads and
          connection history. Sessions in progress are closed. It cannot be undone.
        </div>
        <TextField name="delete-password" label="Current password" type="password" value={form.password} autoComplete="current-password" required autoFocus />
        <FormError message={form.error.value} />
      </form>
    </Dialog>
  );
}
