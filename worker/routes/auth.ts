import { createRoute } from "@hono/zod-openapi";
import { LoginRequest, RecoverRequest, RegisterRequest, RegisterResponse, ResetPasswordRequest, UserResponse } from "../../protocol/api";
import { requestRecovery, resetPassword } from "../auth/recovery";
import { login, register } from "../auth/accounts";
import { clearSessionCookie, sessionToken, setSessionCookie } from "../auth/session-cookie";
import { openDb } from "../db/client";
import { sha256Hex } from "../lib/bytes";
import { clientIp, userAgent } from "../lib/request";
import { requestLanguage } from "../mail/language";
import { takeMailRequest } from "../auth/mail-throttle";
import { endSignIns } from "../auth/sign-out";
import { deleteAuthSession } from "../queries/auth-sessions";
import { errors, jsonBody, jsonResponse, router } from "./openapi";
import { userWithPlan } from "./dto";

/**
 * The cabinet's own address, for links in mails and the OAuth redirect URI. A deployment sets
 * PUBLIC_URL: the request's Host can be the client's choice (behind a proxy that passes it
 * on), and a recovery link built from it would carry the token to that host. Only a dev
 * server (DEV_MODE) falls back to the request's origin.
 */
export function cabinetUrl(env: Env, requestUrl: string): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, "");
  if (env.DEV_MODE === "true") return new URL(requestUrl).origin;
  throw new Error("PUBLIC_URL is not set: set it to the cabinet's https:// address (wrangler.toml [vars] or `--var`)");
}

export const authRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/register",
      operationId: "register",
      tags: ["Accounts"],
      summary: "Register an e-mail address; a generated password is e-mailed (F1.1)",
      description:
        "Always answers the same, whether or not the address already has an account. An address takes 3 registrations an hour; later ones answer the same but send and change nothing. Addresses under .invalid are refused. A client network makes a limited number of registration and recovery requests an hour together (MAIL_REQUESTS_PER_IP_PER_HOUR, 20 by default; 429 past that). A new account's language is taken from Accept-Language (German if it prefers de, else English); the mail is written in it.",
      request: { body: jsonBody(RegisterRequest) },
      responses: { 202: jsonResponse(RegisterResponse, "A message is on its way."), 400: errors[400], 429: errors[429], 502: errors[502] },
    }),
    async (c) => {
      const { email } = c.req.valid("json");
      await takeMailRequest(c.env, clientIp(c));
      await register(c.env, openDb(c.env.DB), email, cabinetUrl(c.env, c.req.url), requestLanguage(c));
      return c.json({ status: "sent" as const, message: `We sent a password to ${email}.` }, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/login",
      operationId: "login",
      tags: ["Accounts"],
      summary: "Sign in; sets the HttpOnly session cookie (F1.4)",
      request: { body: jsonBody(LoginRequest) },
      responses: {
        200: jsonResponse(UserResponse, "Signed in. The first sign-in activates the account."),
        400: errors[400],
        401: errors[401],
        429: errors[429],
      },
    }),
    async (c) => {
      const { email, password } = c.req.valid("json");
      const db = openDb(c.env.DB);
      const { user, token } = await login(c.env, db, { email, password, ip: clientIp(c), userAgent: userAgent(c) });
      setSessionCookie(c, token);
      return c.json({ user: await userWithPlan(db, user) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/logout",
      operationId: "logout",
      tags: ["Accounts"],
      summary: "Sign out this browser; the remote sessions it started end",
      responses: { 204: { description: "Signed out (also when there was no session)." } },
    }),
    async (c) => {
      const token = sessionToken(c);
      clearSessionCookie(c);
      if (token) {
        const db = openDb(c.env.DB);
        const hash = await sha256Hex(token);
        const userId = await deleteAuthSession(db, hash);
        if (userId) await endSignIns(c.env, db, userId, { only: hash }, "signed out");
      }
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/recover",
      operationId: "recoverPassword",
      tags: ["Accounts"],
      summary: "E-mail a single-use link to reset the password (F1.5)",
      description:
        "Always answers the same, whether or not the address has an account, and before any mail is sent. An address gets at most 3 links an hour; a client network makes a limited number of registration and recovery requests an hour together (MAIL_REQUESTS_PER_IP_PER_HOUR, 20 by default; 429 past that). The mail is in the account's language, else the one Accept-Language prefers.",
      request: { body: jsonBody(RecoverRequest) },
      responses: { 202: jsonResponse(RegisterResponse, "If the address has an account, a link is on its way."), 400: errors[400], 429: errors[429] },
    }),
    async (c) => {
      const { email } = c.req.valid("json");
      await takeMailRequest(c.env, clientIp(c));
      await requestRecovery(c.env, openDb(c.env.DB), email, cabinetUrl(c.env, c.req.url), requestLanguage(c), (work) => c.executionCtx.waitUntil(work));
      return c.json({ status: "sent" as const, message: `If ${email} has an account, we sent it a link to reset the password.` }, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/reset",
      operationId: "resetPassword",
      tags: ["Accounts"],
      summary: "Set a new password with the token from a recovery link (F1.5)",
      description: "Signs out every session and disconnects every Google or Facebook identity linked to the account: a reset proves the mailbox, nothing more.",
      request: { body: jsonBody(ResetPasswordRequest) },
      responses: { 204: { description: "The password is set; every session was signed out and every provider identity disconnected." }, 400: errors[400] },
    }),
    async (c) => {
      const { token, newPassword } = c.req.valid("json");
      await resetPassword(c.env, openDb(c.env.DB), token, newPassword);
      return c.body(null, 204);
    },
  );
