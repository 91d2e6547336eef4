// Who is signed in. Every other model reads `user`; only this one changes it.
import { computed, createModel, signal } from "@preact/signals";
import type { User } from "../../../protocol/api";
import { ApiError, errorMessage } from "../api/client";
import type { AuthService } from "./auth-service";

export type SessionState = "checking" | "ready";

export const SessionModel = createModel((service: AuthService) => {
  const user = signal<User | null>(null);
  /** "checking" until the first GET /api/me answered, so the app never flashes the login page. */
  const state = signal<SessionState>("checking");
  /** An error from the initial check that is not "signed out" (e.g. the network is down). */
  const checkError = signal<string | null>(null);
  /** The address last used to register or sign in, to prefill the next form. */
  const lastEmail = signal("");

  const signedIn = computed(() => user.value !== null);
  const mustChangePassword = computed(() => user.value?.mustChangePassword === true);

  async function check(): Promise<void> {
    try {
      user.value = await service.me();
      checkError.value = null;
    } catch (error) {
      user.value = null;
      checkError.value = error instanceof ApiError && error.status === 401 ? null : errorMessage(error);
    } finally {
      state.value = "ready";
    }
  }

  async function login(email: string, password: string): Promise<User> {
    const signedInUser = await service.login({ email, password });
    lastEmail.value = signedInUser.email;
    user.value = signedInUser;
    return signedInUser;
  }

  /** Forgets the user at once (so no page keeps showing their data) and ends the server session. */
  async function logout(): Promise<void> {
    // The request is sent before the user is cleared, with the cookie it needs; a failure
    // does not keep the UI signed in: the cookie is HttpOnly and the server session expires.
    const request = service.logout();
    user.value = null;
    await request;
  }

  /** E-mails a generated password (F1.1); the page words the confirmation itself. */
  async function register(email: string): Promise<void> {
    await service.register({ email });
    lastEmail.value = email.trim().toLowerCase();
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await service.changePassword({ currentPassword, newPassword });
    // Re-read the user so mustChangePassword (and anything else the server changed) is current.
    user.value = await service.me();
  }

  /** The server said the session is gone (expired, revoked): drop the user without a request. */
  function expire(): void {
    user.value = null;
  }

  return {
    user,
    state,
    checkError,
    lastEmail,
    signedIn,
    mustChangePassword,
    check,
    login,
    logout,
    register,
    changePassword,
    expire,
  };
});

export type SessionModel = InstanceType<typeof SessionModel>;
