// F1.7 profile, with the ways to F1.8 (change password) and F1.9 (delete account).
import { useModel, useSignal, type Signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useMemo } from "preact/hooks";
import type { SessionModel } from "../auth/session-model";
import { locale, t } from "../i18n/i18n";
import { Trans } from "../i18n/trans";
import { Link } from "../router/link";
import { routes } from "../router/router";
import { Form, FormError, TextField } from "../ui/form";
import { useTitle } from "../ui/use-title";
import { DeleteAccountDialog } from "./delete-account-dialog";
import { browserTimeZone, countryOptions, timeZoneOptions } from "./profile-options";
import { ProfileForm, type Language, type TimeFormat } from "./profile-model";
import { profileService } from "./profile-service";
import { SocialSignIns } from "./social-sign-ins";

function SelectField<T extends string>({ name, label, value, children, hint }: {
  name: string;
  label: string;
  value: Signal<T>;
  children: ComponentChildren;
  hint?: string;
}) {
  const id = `field-${name}`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value.value} onChange={(event) => (value.value = event.currentTarget.value as T)} aria-describedby={hint ? `${id}-hint` : undefined}>
        {children}
      </select>
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

function TimeFormatField({ value }: { value: Signal<TimeFormat> }) {
  const options: { value: TimeFormat; label: string }[] = [
    { value: "24h", label: t("profile.format24") },
    { value: "12h", label: t("profile.format12") },
  ];
  return (
    <fieldset class="field radio-group">
      <legend>{t("profile.timeFormat")}</legend>
      <div class="radio-options">
        {options.map((option) => (
          <label key={option.value} class="radio-option">
            <input type="radio" name="time-format" value={option.value} checked={value.value === option.value} onChange={() => (value.value = option.value)} />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** How a time looks with the settings as they stand in the form (before saving). */
function Preview({ timeZone, timeFormat }: { timeZone: string; timeFormat: TimeFormat }) {
  let text: string;
  try {
    text = new Intl.DateTimeFormat(locale.value, {
      dateStyle: "medium",
      timeStyle: "short",
      hourCycle: timeFormat === "12h" ? "h12" : "h23",
      ...(timeZone ? { timeZone } : {}),
    }).format(new Date());
  } catch {
    text = "—";
  }
  return (
    <p class="profile-preview">
      <Trans k="profile.preview" values={{ time: text }} parts={[<strong />]} />
    </p>
  );
}

export function ProfilePage({ session }: { session: SessionModel }) {
  useTitle(t("profile.title"));
  const form = useModel(() => new ProfileForm(session, profileService));
  const deleting = useSignal(false);
  // Country names in the UI's language, sorted the way it sorts.
  const uiLocale = locale.value;
  const countries = useMemo(() => countryOptions(uiLocale), [uiLocale]);
  const zones = useMemo(() => timeZoneOptions(), []);
  const user = session.user.value;
  if (!user) return null;

  return (
    <div class="page page-profile">
      <header class="page-header">
        <div>
          <h1>{t("profile.title")}</h1>
          <p class="page-lead">
            <Trans k="profile.signedInAs" values={{ email: user.email, plan: user.plan.name }} parts={[<strong />]} />
          </p>
        </div>
      </header>
      <div class="card card-padded">
        <Form label={t("profile.formLabel")} onSubmit={form.submit}>
          <div class="form-columns">
            <TextField name="first-name" label={t("profile.firstName")} value={form.firstName} autoComplete="given-name" />
            <TextField name="last-name" label={t("profile.lastName")} value={form.lastName} autoComplete="family-name" />
          </div>
          <div class="form-columns">
            <SelectField name="country" label={t("profile.country")} value={form.country}>
              <option value="">{t("profile.notSpecified")}</option>
              {countries.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </SelectField>
            <SelectField<Language> name="language" label={t("profile.language")} value={form.language}>
              <option value="">{t("profile.sameAsBrowser")}</option>
              {/* Each language by its own name, so it can be found whatever the UI shows now. */}
              <option value="en" lang="en">
                {t("profile.languageNames.en")}
              </option>
              <option value="de" lang="de">
                {t("profile.languageNames.de")}
              </option>
            </SelectField>
          </div>
          <SelectField name="time-zone" label={t("profile.timeZone")} value={form.timeZone} hint={t("profile.timeZoneHint")}>
            <option value="">{t("profile.sameZoneAsBrowser", { zone: browserTimeZone() })}</option>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll("_", " ")}
              </option>
            ))}
          </SelectField>
          <TimeFormatField value={form.timeFormat} />
          <Preview timeZone={form.timeZone.value} timeFormat={form.timeFormat.value} />
          <FormError message={form.error.value} />
          {form.saved.value && !form.dirty.value && (
            <div class="notice notice-success" role="status">
              {t("profile.saved")}
            </div>
          )}
          <div class="profile-actions">
            <button type="submit" class="button button-primary" disabled={form.pending.value} aria-busy={form.pending.value}>
              {form.pending.value ? t("common.saving") : t("profile.save")}
            </button>
            <Link href={routes.changePassword}>{t("profile.changePassword")}</Link>
          </div>
        </Form>
      </div>
      <SocialSignIns />
      <div class="profile-danger">
        <button type="button" class="link-button button-danger-text" onClick={() => (deleting.value = true)}>
          {t("profile.deleteAccount")}
        </button>
      </div>
      {deleting.value && <DeleteAccountDialog session={session} onClose={() => (deleting.value = false)} />}
    </div>
  );
}
