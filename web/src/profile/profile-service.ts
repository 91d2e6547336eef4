// The profile endpoints (F1.7, F1.9); see protocol/api.ts for the shapes.
import type { SocialProvider, SocialSignInsResponse, UpdateProfileRequest, User } from "../../../protocol/api";
import { api, request } from "../api/client";

export const profileService = {
  update: (changes: UpdateProfileRequest) => api.patch<{ user: User }>("/api/me", changes).then((body) => body.user),
  /** 204; 403 wrong_password. */
  deleteAccount: (password: string) => request<void>("DELETE", "/api/me", { password }),
  /** F1.3: the providers offered here, each connected to the account or not. */
  signIns: () => api.get<SocialSignInsResponse>("/api/me/sign-ins"),
  disconnect: (provider: SocialProvider) => api.delete(`/api/me/sign-ins/${provider}`),
  /** Checks the current password; answers where the browser goes to connect (403 wrong_password). */
  connect: (provider: SocialProvider, password: string) => api.post<{ url: string }>(`/api/me/sign-ins/${provider}/connect`, { password }),
};

export type ProfileService = typeof profileService;
