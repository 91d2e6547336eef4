// F1.3 on the profile: the providers this cabinet offers, each connected or not. Connecting
// asks for the current password, then goes to the provider (the Worker's start route with the
// grant the password bought), which comes back here with ?connected= or ?error=;
// disconnecting leaves the password as the way in.
import { useModel, useSignal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import type { SocialProvider } from "../../../protocol/api";
import { FacebookMark, GoogleMark } from "../auth/provider-marks";
import { t } from "../i18n/i18n";
import { knownServerText } from "../i18n/server-text";
import { currentQuery, navigate, routes } from "../router/router";
import { formatDate } from "../ui/time";
import { PasswordDialog } from "./password-dialog";
import { profileService } from "./profile-service";
import { ConnectForm, SocialSignInsModel } from "./social-sign-ins-model";

const providers: Record<SocialProvider, { name: string; Mark: () => preact.JSX.Element }> = {
  google: { name: "Google", Mark: GoogleMark },
  facebook: { name: "Facebook", Mark: FacebookMark },
};

function providerNamed(value: string | null): (typeof providers)[SocialProvider] | undefined {
  return value !== null && Object.hasOwn(providers, value) ? providers[value as SocialProvider] : undefined;
}

function ConnectDialog({ provider, onClose }: { provider: SocialProvider; onClose: () => void }) {
  const form = useModel(() => new ConnectForm(provider, profileService, (url) => location.assign(url)));
  const name = providers[provider].name;
  return (
    <PasswordDialog
      form={form}
      title={t("profile.signIns.connect", { provider: name })}
      intro={<p class="field-hint">{t("profile.signIns.confirm", { provider: name })}</p>}
      submitLabel={t("profile.signIns.continue", { provider: name })}
      onClose={onClose}
    />
  );
}

export function SocialSignIns() {
  const model = useModel(() => new SocialSignInsModel(profileService));
  const connecting = useSignal<SocialProvider | null>(null);
  // How the round trip to the provider ended, read once: the address then drops it, so a
  // reload or a bookmark does not say it again.
  const [{ connected, providerError }] = useState(() => {
    const query = currentQuery.peek();
    return { connected: providerNamed(query.get("connected")), providerError: query.get("error") };
  });
  useEffect(() => {
    if (connected || providerError) navigate(routes.profile, { replace: true });
  }, []);
  const signIns = model.signIns.value;
  if (signIns?.length === 0) return null;
  return (
    <section class="card card-padded sign-ins" aria-labelledby="sign-ins-title">
      <h2 id="sign-ins-title">{t("profile.signIns.title")}</h2>
      <p class="field-hint">{t("profile.signIns.lead")}</p>
      {connected && (
        <div class="notice notice-success" role="status">
          {t("profile.signIns.connected", { provider: connected.name })}
        </div>
      )}
      {providerError && (
        <div class="form-error" role="alert">
          {knownServerText(providerError, t("apiErrors.byCode.oauth_failed"))}
        </div>
      )}
      {model.error.value && (
        <div class="form-error" role="alert">
          {model.error.value}
        </div>
      )}
      <ul class="sign-in-list">
        {signIns?.map((s) => {
          const { name, Mark } = providers[s.provider];
          return (
            <li key={s.provider}>
              <Mark />
              <span class="sign-in-name">{name}</span>
              <span class="sign-in-state">
                {!s.connectedAt
                  ? t("profile.signIns.notConnected")
                  : s.email
                    ? t("profile.signIns.connectedAs", { email: s.email, date: formatDate(s.connectedAt) })
                    : t("profile.signIns.connectedSince", { date: formatDate(s.connectedAt) })}
                {/* Google also enters the account that uses the address it verified, connected or not. */}
                {s.provider === "google" && <span class="sign-in-note">{t("profile.signIns.googleByAddress")}</span>}
              </span>
              {s.connected ? (
                <button
                  type="button"
                  class="button button-secondary"
                  disabled={model.pending.value !== null}
                  aria-busy={model.pending.value === s.provider}
                  onClick={() => void model.disconnect(s.provider)}
                >
                  {t("profile.signIns.disconnect", { provider: name })}
                </button>
              ) : (
                <button type="button" class="button button-secondary" onClick={() => (connecting.value = s.provider)}>
                  {t("profile.signIns.connect", { provider: name })}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {connecting.value && <ConnectDialog provider={connecting.value} onClose={() => (connecting.value = null)} />}
    </section>
  );
}
