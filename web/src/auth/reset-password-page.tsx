import { useModel } from "@preact/signals";
import { Link } from "../router/link";
import { currentQuery, routes } from "../router/router";
import { Form, FormError, SubmitButton, TextField } from "../ui/form";
import { useTitle } from "../ui/use-title";
import { MIN_PASSWORD_LENGTH } from "./auth-forms";
import { AuthLayout } from "./auth-layout";
import { ResetPasswordForm } from "./recovery";

/** F1.5: the page the e-mailed link opens (/reset-password?token=…). */
export function ResetPasswordPage() {
  useTitle("Choose a new password");
  const form = useModel(() => new ResetPasswordForm(currentQuery.peek().get("token") ?? ""));
  const footer = (
    <>
      <Link href={routes.login}>Back to sign in</Link>
    </>
  );

  if (form.invalidToken.value) {
    return (
      <AuthLayout title="This link no longer works" footer={footer}>
        <div class="form-error" role="alert">
          The password reset link is invalid, has expired or was already used. Ask for a new one.
        </div>
        <div class="stack-actions">
          <Link class="button button-primary button-block" href={routes.recover}>
            Send a new link
          </Link>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Choose a new password" lead="Enter your new password twice. Other browsers signed in to your account are signed out." footer={footer}>
      <Form label="Choose a new password" onSubmit={form.submit}>
        <TextField
          name="new-password"
          label="New password"
          type="password"
          value={form.newPassword}
          autoComplete="new-password"
          required
          autoFocus
          minLength={MIN_PASSWORD_LENGTH}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        />
        <TextField name="confirm-password" label="Repeat the new password" type="password" value={form.confirmPassword} autoComplete="new-password" required />
        <FormError message={form.error.value} />
        <SubmitButton pending={form.pending.value} pendingLabel="Saving…">
          Set new password
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
