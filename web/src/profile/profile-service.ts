// The profile endpoints (F1.7, F1.9); see protocol/api.ts for the shapes.
import type { UpdateProfileRequest, User } from "../../../protocol/api";
import { api, request } from "../api/client";

export const profileService = {
  update: (changes: UpdateProfileRequest) => api.patch<{ user: User }>("/api/me", changes).then((body) => body.user),
  /** 204; 403 wrong_password. */
  deleteAccount: (password: string) => request<void>("DELETE", "/api/me", { password }),
};

export type ProfileService = typeof profileService;
