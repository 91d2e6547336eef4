import { useModel } from "@preact/signals";
import { Trans } from "../i18n/trans";
import { t } from "../i18n/i18n";
import { Link } from "../router/link";
import { routes } from "../router/router";
import { useTitle } from "../ui/use-title";
import { EmailFormPage } from "./email-form-page";
import { EmailRequestForm } from "./email-request-form";
import type { SessionModel } from "./session-model";

/** F1.1: the address gets a generated password; the page says so whatever the server found. */
export function RegisterPage({ session }: { session: SessionModel }) {
  useTitle(t("auth.register.pageTitle"));
  const form = useModel(() => new EmailRequestForm(session.lastEmail.value, (email) => session.register(email)));
  return (
    <EmailFormPage
      form={form}
      title={t("auth.register.title")}
      lead={t("auth.register.lead")}
      submitLabel={t("auth.register.submit")}
      autoComplete="email"
      footer={<Trans k="auth.register.footer" parts={[<Link href={routes.login} />]} />}
      sent={{
        message: <Trans k="auth.register.sent" values={{ email: form.email.value.trim() }} parts={[<strong />]} />,
        hint: t("auth.register.sentHint"),
        next: { href: routes.login, label: t("auth.register.goToSignIn") },
      }}
    />
  );
}
