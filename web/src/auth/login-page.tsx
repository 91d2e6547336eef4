import { useModel } from "@preact/signals";
import { useTitle } from "../ui/use-title";
import { Link } from "../router/link";
import { routes } from "../router/router";
import { Form, FormError, SubmitButton, TextField } from "../ui/form";
import { AuthLayout } from "./auth-layout";
import { LoginForm } from "./auth-forms";
import type { SessionModel } from "./session-model";

export function LoginPage({ session }: { session: SessionModel }) {
  useTitle("Sign in");
  const form = useModel(() => new LoginForm(session));
  return (
    <AuthLayout
      title="Sign in to Edgedesk"
      lead="Reach your computers from any browser."
      footer={
        <>
          New to Edgedesk? <Link href={routes.register}>Create an account</Link>
        </>
      }
    >
      <Form label="Sign in" onSubmit={form.submit}>
        <TextField name="email" label="E-mail" type="email" value={form.email} autoComplete="username" required autoFocus={!form.email.value} />
        <TextField
          name="password"
          label="Password"
          type="password"
          value={form.password}
          autoComplete="current-password"
          required
          autoFocus={!!form.email.value}
        />
        <FormError message={form.error.value} />
        <SubmitButton pending={form.pending.value} pendingLabel="Signing in…">
          Sign in
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
