import { useModel } from "@preact/signals";
import { t, type Key } from "../i18n/i18n";
import { knownServerText } from "../i18n/server-text";
import { Trans } from "../i18n/trans";
import { useTitle } from "../ui/use-title";
import { Link } from "../router/link";
import { currentQuery, routes } from "../router/router";
import { Form, FormError, SubmitButton, TextField } from "../ui/form";
import { AuthLayout } from "./auth-layout";
import { LoginForm } from "./auth-forms";
import type { SessionModel } from "./session-model";

/** Messages other pages leave for the login page (?notice=…). */
const notices: Record<string, Key> = {
  "password-reset": "auth.noticePasswordReset",
  "account-deleted": "auth.noticeAccountDeleted",
};

function GoogleMark() {
  return (
    <svg width="18" height="18" viewBox="0 0 48 48" aria-hidden="true">
      <path fill="#FFC107" d="M43.6 20.5H42V20H24v8h11.3C33.7 32.7 29.2 36 24 36c-6.6 0-12-5.4-12-12s5.4-12 12-12c3.1 0 5.8 1.2 7.9 3l5.7-5.7C34 6.1 29.3 4 24 4 12.9 4 4 12.9 4 24s8.9 20 20 20 20-8.9 20-20c0-1.3-.1-2.4-.4-3.5z" />
      <path fill="#FF3D00" d="M6.3 14.7l6.6 4.8C14.7 15.1 19 12 24 12c3.1 0 5.8 1.2 7.9 3l5.7-5.7C34 6.1 29.3 4 24 4 16.3 4 9.7 8.3 6.3 14.7z" />
      <path fill="#4CAF50" d="M24 44c5.2 0 9.9-2 13.4-5.2l-6.2-5.2C29.2 35.1 26.7 36 24 36c-5.2 0-9.6-3.3-11.3-8l-6.5 5C9.5 39.6 16.2 44 24 44z" />
      <path fill="#1976D2" d="M43.6 20.5H42V20H24v8h11.3c-.8 2.2-2.2 4.2-4.1 5.6l6.2 5.2C37 39.2 44 34 44 24c0-1.3-.1-2.4-.4-3.5z" />
    </svg>
  );
}

function FacebookMark() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
      <circle cx="12" cy="12" r="12" fill="#1877F2" />
      <path fill="#fff" d="M15.1 12.9l.4-2.8h-2.7V8.3c0-.8.4-1.5 1.6-1.5h1.2V4.4s-1.1-.2-2.2-.2c-2.2 0-3.7 1.4-3.7 3.8v2.1H7.3v2.8h2.4V20h3.1v-7.1h2.3z" />
    </svg>
  );
}

/** F1.3: plain links; the Worker redirects to the provider and back. */
/** A failed social sign-in, as the Worker's redirect words it: only its own known sentences are shown (translated). */
function providerErrorText(message: string): string {
  return knownServerText(message, t("apiErrors.byCode.oauth_failed"));
}

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
