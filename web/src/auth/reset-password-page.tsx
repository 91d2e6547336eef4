import { useModel } from "@preact/signals";
import { t } from "../i18n/i18n";
import { Link } from "../router/link";
import { currentQuery, routes } from "../router/router";
import { Form, FormError, SubmitButton } from "../ui/form";
import { useTitle } from "../ui/use-title";
import { AuthLayout } from "./auth-layout";
import { NewPasswordFields } from "./new-password-fields";
import { ResetPasswordForm } from "./recovery";

/** F1.5: the page the e-mailed link opens (/reset-password?token=…). */
export function ResetPasswordPage() {
  useTitle(t("auth.reset.title"));
  const form = useModel(() => new ResetPasswordForm(currentQuery.peek().get("token") ?? ""));
  const footer = (
    <>
      <Link href={routes.login}>{t("auth.backToSignIn")}</Link>
    </>
  );

  if (form.invalidToken.value) {
    return (
      <AuthLayout title={t("auth.reset.invalidTitle")} footer={footer}>
        <div class="form-error" role="alert">
          {t("auth.reset.invalidText")}
        </div>
        <div class="stack-actions">
          <Link class="button button-primary button-block" href={routes.recover}>
            {t("auth.reset.sendNewLink")}
          </Link>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t("auth.reset.title")} lead={t("auth.reset.lead")} footer={footer}>
      <Form label={t("auth.reset.title")} onSubmit={form.submit}>
        <NewPasswordFields form={form} autoFocus />
        <FormError message={form.error.value} />
        <SubmitButton pending={form.pending.value} pendingLabel={t("common.saving")}>
          {t("auth.reset.submit")}
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
