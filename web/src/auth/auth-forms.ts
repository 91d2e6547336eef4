// The state behind the login and change-password forms. The pages only
// render these signals and call submit(); where to go afterwards is decided here.
import { batch, createModel, signal } from "@preact/signals";
import { t } from "../i18n/i18n";
import { navigate, routes } from "../router/router";
import { createSubmission } from "../ui/submission";
import type { SessionModel } from "./session-model";

/** Mirrors NewPassword in protocol/api.ts so the user hears about it before a round trip. */
export const MIN_PASSWORD_LENGTH = 10;

export const LoginForm = createModel((session: SessionModel) => {
  const email = signal(session.lastEmail.value);
  const password = signal("");
  const submission = createSubmission();

  /** On success the app's route guard moves on (to ?next=, the list, or the forced password change). */
  async function submit(): Promise<void> {
    const ok = await submission.run(async () => {
      await session.login(email.value.trim(), password.value);
    });
    if (!ok) password.value = "";
  }

  return { email, password, pending: submission.pending, error: submission.error, submit };
});

/** What is wrong with a new password and its repetition, in the user's words; undefined when nothing is. */
export function newPasswordProblem(password: string, repeated: string, mismatch: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return t("auth.password.tooShort", { count: MIN_PASSWORD_LENGTH });
  if (password !== repeated) return mismatch;
  return undefined;
}

export const ChangePasswordForm = createModel((session: SessionModel) => {
  const currentPassword = signal("");
  const newPassword = signal("");
  const confirmPassword = signal("");
  const submission = createSubmission();

  async function submit(): Promise<void> {
    const problem = newPasswordProblem(newPassword.value, confirmPassword.value, t("auth.password.mismatch"));
    if (problem) {
      submission.error.value = problem;
      return;
    }
    if (newPassword.value === currentPassword.value) {
      submission.error.value = t("auth.password.same");
      return;
    }
    const ok = await submission.run(() => session.changePassword(currentPassword.value, newPassword.value));
    if (ok) navigate(routes.computers, { replace: true });
  }

  return {
    currentPassword,
    newPassword,
    confirmPassword,
    pending: submission.pending,
    error: submission.error,
    submit,
  };
});

/** Signs out and shows the login page (without a "come back here" hint: leaving was the point). */
export async function signOut(session: SessionModel): Promise<void> {
  let request: Promise<void> = Promise.resolve();
  // One batch: the app never sees "signed out" on a cabinet page, which would redirect with ?next=.
  batch(() => {
    navigate(routes.login, { replace: true });
    request = session.logout();
  });
  await request.catch(() => undefined);
}
