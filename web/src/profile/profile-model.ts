// The profile form (F1.7) and account deletion (F1.9).
import { batch, computed, createModel, signal } from "@preact/signals";
import { ApiError, DisplayError } from "../api/client";
import { t } from "../i18n/i18n";
import type { SessionModel } from "../auth/session-model";
import { navigate, routes } from "../router/router";
import { createSubmission } from "../ui/submission";
import type { ProfileService } from "./profile-service";

export type TimeFormat = "12h" | "24h";
export type Language = "" | "en" | "de";

export const ProfileForm = createModel((session: SessionModel, service: ProfileService) => {
  const user = session.user.peek();
  const firstName = signal(user?.firstName ?? "");
  const lastName = signal(user?.lastName ?? "");
  const country = signal(user?.country ?? "");
  const language = signal<Language>((user?.language ?? "") as Language);
  const timeZone = signal(user?.timeZone ?? "");
  const timeFormat = signal<TimeFormat>(user?.timeFormat ?? "24h");
  const saved = signal(false);
  const submission = createSubmission();

  const dirty = computed(() => {
    const current = session.user.value;
    if (!current) return false;
    return (
      firstName.value.trim() !== current.firstName ||
      lastName.value.trim() !== current.lastName ||
      country.value !== current.country ||
      language.value !== current.language ||
      timeZone.value !== current.timeZone ||
      timeFormat.value !== current.timeFormat
    );
  });

  async function submit(): Promise<void> {
    saved.value = false;
    const ok = await submission.run(async () => {
      const updated = await service.update({
        firstName: firstName.value.trim(),
        lastName: lastName.value.trim(),
        country: country.value,
        language: language.value,
        timeZone: timeZone.value,
        timeFormat: timeFormat.value,
      });
      // Every page that shows the user or a time follows at once.
      session.user.value = updated;
    });
    saved.value = ok;
  }

  return { firstName, lastName, country, language, timeZone, timeFormat, dirty, saved, pending: submission.pending, error: submission.error, submit };
});

export const DeleteAccountForm = createModel((session: SessionModel, service: ProfileService) => {
  const password = signal("");
  const submission = createSubmission();

  async function submit(): Promise<void> {
    const ok = await submission.run(async () => {
      try {
        await service.deleteAccount(password.value);
      } catch (error) {
        if (error instanceof ApiError && error.code === "wrong_password") {
          throw new DisplayError(t("profile.delete.wrongPassword"));
        }
        throw error;
      }
    });
    if (!ok) {
      password.value = "";
      return;
    }
    // One batch: the app never sees "signed out" on a cabinet page (which would add ?next=).
    batch(() => {
      navigate(`${routes.login}?notice=account-deleted`, { replace: true });
      session.expire();
    });
  }

  return { password, pending: submission.pending, error: submission.error, submit };
});
