// The account endpoints of the Worker API (see protocol/api.ts for the shapes).
import type { ChangePasswordRequest, LoginRequest, RegisterRequest, User } from "../../../protocol/api";
import { api } from "../api/client";

export type RegisterResult = { status: "sent"; message: string };

export const authService = {
  me: () => api.get<{ user: User }>("/api/me").then((body) => body.user),
  login: (body: LoginRequest) => api.post<{ user: User }>("/api/auth/login", body).then((b) => b.user),
  logout: () => api.post<void>("/api/auth/logout"),
  register: (body: RegisterRequest) => api.post<RegisterResult>("/api/auth/register", body),
  changePassword: (body: ChangePasswordRequest) => api.post<void>("/api/me/password", body),
};

export type AuthService = typeof authService;
