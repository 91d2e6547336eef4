import { useModel } from "@preact/signals";
import { Link } from "../router/link";
import { routes } from "../router/router";
import { Form, FormError, SubmitButton, TextField } from "../ui/form";
import { useTitle } from "../ui/use-title";
import { AuthLayout } from "./auth-layout";
import { RegisterForm } from "./auth-forms";
import type { SessionModel } from "./session-model";

export function RegisterPage({ session }: { session: SessionModel }) {
  useTitle("Create an account");
  const form = useModel(() => new RegisterForm(session));
  const footer = (
    <>
      Already have an account? <Link href={routes.login}>Sign in</Link>
    </>
  );

  if (form.sentMessage.value !== null) {
    return (
      <AuthLayout title="Check your inbox" footer={footer}>
        <div class="notice notice-success" role="status">
          <p>{form.sentMessage.value}</p>
        </div>
        <p class="muted">
          Sign in with the password from the e-mail; you will then choose your own. If nothing arrives within a few
          minutes, look in your spam folder.
        </p>
        <div class="stack-actions">
          <Link class="button button-primary button-block" href={routes.login}>
            Go to sign in
          </Link>
          <button type="button" class="button button-ghost button-block" onClick={form.startOver}>
            Use another address
          </button>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Create your account"
      lead="Enter your e-mail address. We will send you a password to sign in with."
      footer={footer}
    >
      <Form label="Create an account" onSubmit={form.submit}>
        <TextField name="email" label="E-mail" type="email" value={form.email} autoComplete="email" required autoFocus />
        <FormError message={form.error.value} />
        <SubmitButton pending={form.pending.value} pendingLabel="Sending…">
          Send my password
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
