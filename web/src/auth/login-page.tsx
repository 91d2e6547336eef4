import { useModel } from "@preact/signals";
import { t, type Key } from "../i18n/i18n";
import { knownServerText } from "../i18n/server-text";
import { Trans } from "../i18n/trans";
import { useTitle } from "../ui/use-title";
import { Link } from "../router/link";
import { currentQuery, routes } from "../router/router";
import { Form, FormError, SubmitButton, TextField } from "../ui/form";
import { AuthLayout } from "./auth-layout";
import { FacebookMark, GoogleMark } from "./provider-marks";
import { LoginForm } from "./auth-forms";
import type { SessionModel } from "./session-model";

/** Messages other pages leave for the login page (?notice=…). */
const notices: Record<string, Key> = {
  "password-reset": "auth.noticePasswordReset",
  "account-deleted": "auth.noticeAccountDeleted",
};

/** A failed social sign-in, as the Worker's redirect words it: only its own known sentences are shown (translated). */
function providerErrorText(message: string): string {
  return knownServerText(message, t("apiErrors.byCode.oauth_failed"));
}

/** F1.3: plain links; the Worker redirects to the provider and back. */
function SocialSignIn() {
  return (
    <div class="social-sign-in">
      <a class="button button-secondary button-block social-button" href="/api/auth/oauth/google/start">
        <GoogleMark />
        {t("auth.continueWithGoogle")}
      </a>
      <a class="button button-secondary button-block social-button" href="/api/auth/oauth/facebook/start">
        <FacebookMark />
        {t("auth.continueWithFacebook")}
      </a>
      <div class="divider" role="separator">
        <span>{t("auth.orWithEmail")}</span>
      </div>
    </div>
  );
}

export function LoginPage({ session }: { session: SessionModel }) {
  useTitle(t("auth.loginPageTitle"));
  const form = useModel(() => new LoginForm(session));
  const query = currentQuery.value;
  const providerError = query.get("error");
  const notice = notices[query.get("notice") ?? ""];
  return (
    <AuthLayout
      title={t("auth.loginTitle")}
      lead={t("auth.loginLead")}
      footer={<Trans k="auth.newHere" parts={[<Link href={routes.register} />]} />}
    >
      {providerError && (
        <div class="form-error auth-alert" role="alert">
          {providerErrorText(providerError)}
        </div>
      )}
      {notice && (
        <div class="notice notice-success auth-alert" role="status">
          {t(notice)}
        </div>
      )}
      <SocialSignIn />
      <Form label={t("common.signIn")} onSubmit={form.submit}>
        <TextField name="email" label={t("common.email")} type="email" value={form.email} autoComplete="username" required autoFocus={!form.email.value} />
        <TextField
          name="password"
          label={t("common.password")}
          type="password"
          value={form.password}
          autoComplete="current-password"
          required
          autoFocus={!!form.email.value}
        />
        <p class="forgot-link">
          <Link href={routes.recover}>{t("auth.forgotPassword")}</Link>
        </p>
        <FormError message={form.error.value} />
        <SubmitButton pending={form.pending.value} pendingLabel={t("auth.signingIn")}>
          {t("common.signIn")}
        </SubmitButton>
      </Form>
    </AuthLayout>
  );
}
