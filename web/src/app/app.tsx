import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { onUnauthenticated } from "../api/client";
import { ChangePasswordPage } from "../auth/change-password-page";
import { LoginPage } from "../auth/login-page";
import { RecoverPage } from "../auth/recover-page";
import { RegisterPage } from "../auth/register-page";
import { ResetPasswordPage } from "../auth/reset-password-page";
import type { SessionModel } from "../auth/session-model";
import { ComputersPage } from "../computers/computers-page";
import { connectReturnPath, currentQuery, currentRoute, navigate, publicPaths, routes, safeReturnPath, type RoutePath } from "../router/router";
import { ComingSoonPage } from "../shell/coming-soon-page";
import { lazyPage } from "../shell/lazy-page";
import { Shell } from "../shell/shell";
import { t } from "../i18n/i18n";
import { BrandingIcon, SupportIcon } from "../ui/icons";
import { timePreferences } from "../ui/time";
import { Logo } from "../ui/logo";
import type { Models } from "./models";

// Loaded on first visit: neither is needed to show the computers list.
const HistoryPage = lazyPage(() => import("../history/history-page").then((m) => m.HistoryPage));
const ProfilePage = lazyPage<{ session: SessionModel }>(() => import("../profile/profile-page").then((m) => m.ProfilePage));

/**
 * Where the current route must send the user instead, or null to render it.
 * Signed out: cabinet pages go to /login. Signed in: the sign-in pages go to the cabinet,
 * and until the e-mailed password is replaced (F1.2) everything goes to /change-password.
 */
function redirectFor(route: RoutePath | null, next: string | null, signedIn: boolean, mustChange: boolean): string | null {
  if (!signedIn) {
    if (route && publicPaths.has(route)) return null;
    return route ? `${routes.login}?next=${encodeURIComponent(route)}` : routes.login;
  }
  if (mustChange) return route === routes.changePassword ? null : routes.changePassword;
  // Right after sign-in this is what sends the user on: to the page they asked for, or the list.
  if (!route || publicPaths.has(route)) return safeReturnPath(next) ?? connectReturnPath(next) ?? routes.computers;
  return null;
}

function Splash({ error }: { error?: string | null }) {
  return (
    <div class="splash" aria-busy={!error}>
      <Logo size={40} />
      {error ? (
        <div class="splash-error" role="alert">
          <p>{error}</p>
          <button type="button" class="button button-secondary" onClick={() => window.location.reload()}>
            {t("common.tryAgain")}
          </button>
        </div>
      ) : (
        <span class="visually-hidden">{t("common.loading")}</span>
      )}
    </div>
  );
}

function CabinetPage({ route, models }: { route: RoutePath; models: Models }): ComponentChildren {
  const { session, computers } = models;
  switch (route) {
    case routes.computers:
      return <ComputersPage computers={computers} session={session} />;
    case routes.changePassword:
      return <ChangePasswordPage session={session} />;
    case routes.support:
      return <ComingSoonPage title={t("shell.support")} description={t("app.supportDescription")} icon={SupportIcon} />;
    case routes.branding:
      return <ComingSoonPage title={t("shell.branding")} description={t("app.brandingDescription")} icon={BrandingIcon} />;
    case routes.history:
      return <HistoryPage />;
    case routes.profile:
      return <ProfilePage session={session} />;
    default:
      return null;
  }
}

function useSessionCheck(session: SessionModel): void {
  // Every absolute time in the cabinet follows the profile's zone and 12/24 h format (F1.7).
  useEffect(
    () =>
      session.user.subscribe((user) => {
        timePreferences.value = { timeZone: user?.timeZone ?? "", timeFormat: user?.timeFormat ?? "" };
      }),
    [session],
  );
  useEffect(() => {
    void session.check();
    // A 401 on any signed-in request means the session is gone: back to the login page.
    return onUnauthenticated(() => session.expire());
  }, [session]);
}

export function App({ models }: { models: Models }) {
  const { session } = models;
  useSessionCheck(session);

  const route = currentRoute.value;
  const ready = session.state.value === "ready";
  const signedIn = session.signedIn.value;
  const redirect = ready ? redirectFor(route, currentQuery.value.get("next"), signedIn, session.mustChangePassword.value) : null;

  useEffect(() => {
    if (!redirect) return;
    // A connection window is a page of its own: loaded, not routed to.
    if (connectReturnPath(redirect)) window.location.replace(redirect);
    else navigate(redirect, { replace: true });
  }, [redirect]);

  if (!ready || redirect || !route) return <Splash />;
  if (!signedIn && session.checkError.value && !publicPaths.has(route)) return <Splash error={session.checkError.value} />;

  if (route === routes.login) return <LoginPage session={session} />;
  if (route === routes.register) return <RegisterPage session={session} />;
  if (route === routes.recover) return <RecoverPage session={session} />;
  if (route === routes.resetPassword) return <ResetPasswordPage />;
  // F1.2: the forced password change stands alone, outside the cabinet frame.
  if (route === routes.changePassword && session.mustChangePassword.value) return <ChangePasswordPage session={session} />;
  return (
    <Shell session={session}>
      <CabinetPage route={route} models={models} />
    </Shell>
  );
}
