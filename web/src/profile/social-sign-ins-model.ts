// F1.3 on the profile: Google and Facebook as ways to sign in, each connected or not.
import { createModel, signal } from "@preact/signals";
import type { SocialProvider, SocialSignInsResponse } from "../../../protocol/api";
import { ApiError, DisplayError, errorMessage } from "../api/client";
import { t } from "../i18n/i18n";
import { createSubmission } from "../ui/submission";
import type { ProfileService } from "./profile-service";

export type SocialSignIn = SocialSignInsResponse["signIns"][number];

export const SocialSignInsModel = createModel((service: ProfileService) => {
  /** Undefined until the first answer. */
  const signIns = signal<SocialSignIn[] | undefined>(undefined);
  const error = signal<string | null>(null);
  /** The provider being disconnected. */
  const pending = signal<SocialProvider | null>(null);

  async function load(): Promise<void> {
    try {
      signIns.value = (await service.signIns()).signIns;
      error.value = null;
    } catch (caught) {
      error.value = errorMessage(caught);
    }
  }

  async function disconnect(provider: SocialProvider): Promise<void> {
    if (pending.value) return;
    pending.value = provider;
    try {
      await service.disconnect(provider);
      await load();
    } catch (caught) {
      error.value = errorMessage(caught);
    } finally {
      pending.value = null;
    }
  }

  void load();
  return { signIns, error, pending, disconnect };
});

/**
 * Connecting asks for the current password (a stolen cookie must not add a way in); then the
 * browser leaves for the provider and comes back to the profile. `go` is that navigation.
 */
export const ConnectForm = createModel((provider: SocialProvider, service: ProfileService, go: (url: string) => void) => {
  const password = signal("");
  const submission = createSubmission();

  async function submit(): Promise<void> {
    let url = "";
    const ok = await submission.run(async () => {
      try {
        url = (await service.connect(provider, password.value)).url;
      } catch (error) {
        if (error instanceof ApiError && error.code === "wrong_password") throw new DisplayError(t("profile.signIns.wrongPassword"));
        throw error;
      }
    });
    if (ok) go(url);
    else password.value = "";
  }

  return { password, pending: submission.pending, error: submission.error, submit };
});
