import { useModel } from "@preact/signals";
import { t } from "../i18n/i18n";
import { Trans } from "../i18n/trans";
import { Link } from "../router/link";
import { routes } from "../router/router";
import { Form, FormError, SubmitButton, TextField } from "../ui/form";
import { useTitle } from "../ui/use-title";
import { AuthLayout } from "./auth-layout";
import { ChangePasswordForm, signOut } from "./auth-forms";
import { NewPasswordFields } from "./new-password-fields";
import type { SessionModel } from "./session-model";

function ChangePasswordFields({ session, forced }: { session: SessionModel; forced: boolean }) {
  const form = useModel(() => new ChangePasswordForm(session));
  return (
    <Form label={t("auth.password.pageTitle")} onSubmit={form.submit}>
      <TextField
        name="current-password"
        label={forced ? t("auth.password.fromEmail") : t("auth.password.current")}
        type="password"
        value={form.currentPassword}
        autoComplete="current-password"
        required
        autoFocus
      />
      <NewPasswordFields form={form} />
      <FormError message={form.error.value} />
      <SubmitButton pending={form.pending.value} pendingLabel={t("common.saving")}>
        {forced ? t("auth.password.saveAndContinue") : t("auth.password.submit")}
      </SubmitButton>
    </Form>
  );
}

/**
 * F1.2: right after the first sign-in the e-mailed password must be replaced, so the page
 * stands alone (no menu to wander off to). Later, from the profile menu, it sits in the cabinet.
 */
export function ChangePasswordPage({ session }: { session: SessionModel }) {
  useTitle(t("auth.password.pageTitle"));
  const forced = session.mustChangePassword.value;
  if (forced) {
    return (
      <AuthLayout
        title={t("auth.password.forcedTitle")}
        lead={t("auth.password.forcedLead")}
        footer={
          <>
            <Trans k="auth.password.signedInAs" values={{ email: session.user.value?.email ?? "" }} parts={[<strong />]} /> ·{" "}
            <button type="button" class="link-button" onClick={() => void signOut(session)}>
              {t("common.signOut")}
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
          <h1>{t("auth.password.pageTitle")}</h1>
          <p class="page-lead">{t("auth.password.lead")}</p>
        </div>
      </header>
      <div class="card card-padded">
        <ChangePasswordFields session={session} forced={false} />
      </div>
      <p class="page-back">
        <Link href={routes.computers}>{t("auth.password.backToComputers")}</Link>
      </p>
    </div>
  );
}
