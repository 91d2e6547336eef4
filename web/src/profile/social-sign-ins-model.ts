// F1.3 on the profile: Google and Facebook as ways to sign in, each connected or not.
import { createModel, signal } from "@preact/signals";
import type { SocialProvider, SocialSignInsResponse } from "../../../protocol/api";
import { errorMessage } from "../api/client";
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
