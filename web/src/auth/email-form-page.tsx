// The page shape registration and recovery share: one e-mail field, then "check your inbox"
// with what happens next, a way on and a way to use another address.
import type { ComponentChildren } from "preact";
import { Link } from "../router/link";
import { t } from "../i18n/i18n";
import { Form, FormError, SubmitButton, TextField } from "../ui/form";
import { AuthLayout } from "./auth-layout";
import type { EmailRequestForm } from "./email-request-form";

type EmailFormPageProps = {
  form: EmailRequestForm;
  title: string;
  lead: string;
  submitLabel: string;
  /** "email" for a new address, "username" for an account's. */
  autoComplete: "email" | "username";
  footer: ComponentChildren;
  /** The confirmation once sent: what was done, what to do next, and the main way on. */
  sent: { message: ComponentChildren; hint: string; next: { href: string; label: string } };
};

export function EmailFormPage({ form, title, lead, submitLabel, autoComplete, footer, sent }: EmailFormPageProps) {
  if (form.sent.value) {
    return (
      <AuthLayout title={t("auth.checkInbox")} footer={footer}>
        <div class="notice notice-success" role="status">
          <p>{sent.message}</p>
        </div>
        <p class="muted">
          {sent.hint} {t("auth.spamHint")}
        </p>
        <div class="stack-actions">
          <Link class="button button-primary button-block" href={sent.next.href}>
            {sent.next.label}
          </Link>
          <button type="button" class="button button-ghost button-block" onClick={form.startOver}>
            {t("auth.useAnotherAddress")}
          </button>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={title} lead={lead} footer={footer}>
      <Form label={title} onSubmit={form.submit}>
        <TextField name="email" label={t("common.email")} type="email" value={form.email} autoComplete={autoComplete} required autoFocus />
        <FormError message={form.error.value} />
        <SubmitButton pending={form.pending.value} pendingLabel={t("common.sending")}>
          {submitLabel}
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
