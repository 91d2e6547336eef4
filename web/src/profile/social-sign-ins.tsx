// F1.3 on the profile: the providers this cabinet offers, each connected or not. Connecting is
// a plain link (the Worker's start route with connect=1 goes to the provider and comes back
// here with ?connected= or ?error=); disconnecting leaves the password as the way in.
import { useModel } from "@preact/signals";
import type { SocialProvider } from "../../../protocol/api";
import { FacebookMark, GoogleMark } from "../auth/provider-marks";
import { t } from "../i18n/i18n";
import { knownServerText } from "../i18n/server-text";
import { currentQuery } from "../router/router";
import { formatDate } from "../ui/time";
import { profileService } from "./profile-service";
import { SocialSignInsModel } from "./social-sign-ins-model";

const providers: Record<SocialProvider, { name: string; Mark: () => preact.JSX.Element }> = {
  google: { name: "Google", Mark: GoogleMark },
  facebook: { name: "Facebook", Mark: FacebookMark },
};

export function SocialSignIns() {
  const model = useModel(() => new SocialSignInsModel(profileService));
  const query = currentQuery.value;
  const connected = providers[query.get("connected") as SocialProvider];
  const providerError = query.get("error");
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
                {s.connectedAt ? t("profile.signIns.connectedSince", { date: formatDate(s.connectedAt) }) : t("profile.signIns.notConnected")}
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
                <a class="button button-secondary" href={`/api/auth/oauth/${s.provider}/start?connect=1`}>
                  {t("profile.signIns.connect", { provider: name })}
                </a>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
