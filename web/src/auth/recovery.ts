// Password recovery (F1.5): ask for a link by e-mail, then set a new password with its token.
import { createModel, signal } from "@preact/signals";
import { ApiError, api } from "../api/client";
import { t } from "../i18n/i18n";
import { navigate, routes } from "../router/router";
import { createSubmission } from "../ui/submission";
import { newPasswordProblem } from "./auth-forms";

export const recoveryService = {
  /** 202 whether or not the address has an account. */
  recover: (email: string) => api.post<{ status: "sent"; message: string }>("/api/auth/recover", { email }),
  reset: (token: string, newPassword: string) => api.post<void>("/api/auth/reset", { token, newPassword }),
};

export const ResetPasswordForm = createModel((token: string) => {
  const newPassword = signal("");
  const confirmPassword = signal("");
  /** The link is unknown, used or expired: the form is replaced by a way to ask for a new one. */
  const invalidToken = signal(token.length < 20);
  const submission = createSubmission();

  async function submit(): Promise<void> {
    const problem = newPasswordProblem(newPassword.value, confirmPassword.value, t("auth.reset.mismatch"));
    if (problem) {
      submission.error.value = problem;
      return;
    }
    let invalid = false;
    const ok = await submission.run(async () => {
      try {
        await recoveryService.reset(token, newPassword.value);
      } catch (error) {
        if (error instanceof ApiError && error.code === "invalid_token") invalid = true;
        throw error;
      }
    });
    if (invalid) invalidToken.value = true;
    if (ok) navigate(`${routes.login}?notice=password-reset`, { replace: true });
  }

  return { newPassword, confirmPassword, invalidToken, pending: submission.pending, error: submission.error, submit };
});
