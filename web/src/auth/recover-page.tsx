import { useModel } from "@preact/signals";
import { Link } from "../router/link";
import { routes } from "../router/router";
import { Form, FormError, SubmitButton, TextField } from "../ui/form";
import { useTitle } from "../ui/use-title";
import { AuthLayout } from "./auth-layout";
import { RecoverForm } from "./recovery";
import type { SessionModel } from "./session-model";

/** F1.5: the same confirmation whether or not the address has an account. */
export function RecoverPage({ session }: { session: SessionModel }) {
  useTitle("Reset your password");
  const form = useModel(() => new RecoverForm(session.lastEmail.value));
  const footer = (
    <>
      Remembered it? <Link href={routes.login}>Back to sign in</Link>
    </>
  );

  if (form.sent.value) {
    return (
      <AuthLayout title="Check your inbox" footer={footer}>
        <div class="notice notice-success" role="status">
          <p>
            If <strong>{form.email.value.trim()}</strong> has an Edgedesk account, we sent it a link to choose a new password.
          </p>
        </div>
        <p class="muted">The link works once and expires soon. If nothing arrives within a few minutes, look in your spam folder.</p>
        <div class="stack-actions">
          <Link class="button button-primary button-block" href={routes.login}>
            Back to sign in
          </Link>
          <button type="button" class="button button-ghost button-block" onClick={form.startOver}>
            Use another address
          </button>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Reset your password" lead="Enter your account's e-mail address and we will send you a link to choose a new password." footer={footer}>
      <Form label="Reset your password" onSubmit={form.submit}>
        <TextField name="email" label="E-mail" type="email" value={form.email} autoComplete="username" required autoFocus />
        <FormError message={form.error.value} />
        <SubmitButton pending={form.pending.value} pendingLabel="Sending…">
          Send reset link
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
