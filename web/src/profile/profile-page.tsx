// F1.7 profile, with the ways to F1.8 (change password) and F1.9 (delete account).
import { useModel, useSignal, type Signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useMemo } from "preact/hooks";
import type { SessionModel } from "../auth/session-model";
import { Link } from "../router/link";
import { routes } from "../router/router";
import { Form, FormError, TextField } from "../ui/form";
import { useTitle } from "../ui/use-title";
import { DeleteAccountDialog } from "./delete-account-dialog";
import { browserTimeZone, countryOptions, timeZoneOptions } from "./profile-options";
import { ProfileForm, type Language, type TimeFormat } from "./profile-model";
import { profileService } from "./profile-service";

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
    { value: "24h", label: "24-hour (14:30)" },
    { value: "12h", label: "12-hour (2:30 PM)" },
  ];
  return (
    <fieldset class="field radio-group">
      <legend>Time format</legend>
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
    text = new Intl.DateTimeFormat(undefined, {
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
      Times will be shown like this: <strong>{text}</strong>
    </p>
  );
}

export function ProfilePage({ session }: { session: SessionModel }) {
  useTitle("Profile");
  const form = useModel(() => new ProfileForm(session, profileService));
  const deleting = useSignal(false);
  const countries = useMemo(() => countryOptions(), []);
  const zones = useMemo(() => timeZoneOptions(), []);
  const user = session.user.value;
  if (!user) return null;

  return (
    <div class="page page-profile">
      <header class="page-header">
        <div>
          <h1>Profile</h1>
          <p class="page-lead">
            Signed in as <strong>{user.email}</strong> · {user.plan.name} plan
          </p>
        </div>
      </header>
      <div class="card card-padded">
        <Form label="Profile" onSubmit={form.submit}>
          <div class="form-columns">
            <TextField name="first-name" label="First name" value={form.firstName} autoComplete="given-name" />
            <TextField name="last-name" label="Last name" value={form.lastName} autoComplete="family-name" />
          </div>
          <div class="form-columns">
            <SelectField name="country" label="Country" value={form.country}>
              <option value="">Not specified</option>
              {countries.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </SelectField>
            <SelectField<Language> name="language" label="Language" value={form.language}>
              <option value="">Same as the browser</option>
              <option value="en">English</option>
              <option value="de">Deutsch</option>
            </SelectField>
          </div>
          <SelectField name="time-zone" label="Time zone" value={form.timeZone} hint="Every time in the cabinet is shown in this zone.">
            <option value="">Same as this browser ({browserTimeZone()})</option>
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
              Settings saved.
            </div>
          )}
          <div class="profile-actions">
            <button type="submit" class="button button-primary" disabled={form.pending.value} aria-busy={form.pending.value}>
              {form.pending.value ? "Saving…" : "Save settings"}
            </button>
            <Link href={routes.changePassword}>Change password</Link>
          </div>
        </Form>
      </div>
      <div class="profile-danger">
        <button type="button" class="link-button button-danger-text" onClick={() => (deleting.value = true)}>
          Delete account
        </button>
      </div>
      {deleting.value && <DeleteAccountDialog session={session} onClose={() => (deleting.value = false)} />}
    </div>
  );
}
