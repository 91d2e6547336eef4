import { useModel } from "@preact/signals";
import { Link } from "../router/link";
import { routes } from "../router/router";
import { Form, FormError, SubmitButton, TextField } from "../ui/form";
import { useTitle } from "../ui/use-title";
import { AuthLayout } from "./auth-layout";
import { ChangePasswordForm, MIN_PASSWORD_LENGTH, signOut } from "./auth-forms";
import type { SessionModel } from "./session-model";

function ChangePasswordFields({ session, forced }: { session: SessionModel; forced: boolean }) {
  const form = useModel(() => new ChangePasswordForm(session));
  return (
    <Form label="Change password" onSubmit={form.submit}>
      <TextField
        name="current-password"
        label={forced ? "Password from the e-mail" : "Current password"}
        type="password"
        value={form.currentPassword}
        autoComplete="current-password"
        required
        autoFocus
      />
      <TextField
        name="new-password"
        label="New password"
        type="password"
        value={form.newPassword}
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
      />
      <TextField
        name="confirm-password"
        label="Repeat the new password"
        type="password"
        value={form.confirmPassword}
        autoComplete="new-password"
        required
      />
      <FormError message={form.error.value} />
      <SubmitButton pending={form.pending.value} pendingLabel="Saving…">
        {forced ? "Save and continue" : "Change password"}
      </SubmitButton>
    </Form>
  );
}

/**
 * F1.2: right after the first sign-in the e-mailed password must be replaced, so the page
 * stands alone (no menu to wander off to). Later, from the profile menu, it sits in the cabinet.
 */
export function ChangePasswordPage({ session }: { session: SessionModel }) {
  useTitle("Change password");
  const forced = session.mustChangePassword.value;
  if (forced) {
    return (
      <AuthLayout
        title="Choose your password"
        lead="You signed in with the password we e-mailed you. Replace it with one only you know."
        footer={
          <>
            Signed in as <strong>{session.user.value?.email}</strong> ·{" "}
            <button type="button" class="link-button" onClick={() => void signOut(session)}>
              Sign out
            </button>
          </>
        }
      >
        <ChangePasswordFields session={session} forced />
      </AuthLayout>
    );
  }
  return (
    <div class="page page-narrow">
      <header class="page-header">
        <div>
          <h1>Change password</h1>
          <p class="page-lead">Enter your current password, then the new one twice.</p>
        </div>
      </header>
      <div class="card card-padded">
        <ChangePasswordFields session={session} forced={false} />
      </div>
      <p class="page-back">
        <Link href={routes.computers}>Back to computers</Link>
      </p>
    </div>
  );
}
