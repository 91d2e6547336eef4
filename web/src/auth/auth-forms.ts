// The state behind the login, registration and change-password forms. The pages only
// render these signals and call submit(); where to go afterwards is decided here.
import { batch, createModel, signal } from "@preact/signals";
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

export const RegisterForm = createModel((session: SessionModel) => {
  const email = signal(session.lastEmail.value);
  /** The server's confirmation once the request went through. */
  const sentMessage = signal<string | null>(null);
  const submission = createSubmission();

  async function submit(): Promise<void> {
    await submission.run(async () => {
      sentMessage.value = await session.register(email.value.trim());
    });
  }

  function startOver(): void {
    sentMessage.value = null;
  }

  return { email, sentMessage, pending: submission.pending, error: submission.error, submit, startOver };
});

export const ChangePasswordForm = createModel((session: SessionModel) => {
  const currentPassword = signal("");
  const newPassword = signal("");
  const confirmPassword = signal("");
  const submission = createSubmission();

  async function submit(): Promise<void> {
    if (newPassword.value.length < MIN_PASSWORD_LENGTH) {
      submission.error.value = `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`;
      return;
    }
    if (newPassword.value !== confirmPassword.value) {
      submission.error.value = "The two new passwords do not match.";
      return;
    }
    if (newPassword.value === currentPassword.value) {
      submission.error.value = "Choose a password different from the current one.";
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
