import { useModel } from "@preact/signals";
import { Trans } from "../i18n/trans";
import { t } from "../i18n/i18n";
import { Link } from "../router/link";
import { routes } from "../router/router";
import { useTitle } from "../ui/use-title";
import { EmailFormPage } from "./email-form-page";
import { EmailRequestForm } from "./email-request-form";
import { recoveryService } from "./recovery";
import type { SessionModel } from "./session-model";

/** F1.5: the same confirmation whether or not the address has an account. */
export function RecoverPage({ session }: { session: SessionModel }) {
  useTitle(t("auth.recover.title"));
  const form = useModel(() => new EmailRequestForm(session.lastEmail.value, (email) => recoveryService.recover(email).then(() => undefined)));
  return (
    <EmailFormPage
      form={form}
      title={t("auth.recover.title")}
      lead={t("auth.recover.lead")}
      submitLabel={t("auth.recover.submit")}
      autoComplete="username"
      footer={<Trans k="auth.recover.footer" parts={[<Link href={routes.login} />]} />}
      sent={{
        message: <Trans k="auth.recover.sent" values={{ email: form.email.value.trim() }} parts={[<strong />]} />,
        hint: t("auth.recover.sentHint"),
        next: { href: routes.login, label: t("auth.backToSignIn") },
      }}
    />
  );
}
