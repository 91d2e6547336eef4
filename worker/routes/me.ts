import { createRoute } from "@hono/zod-openapi";
import {
  ChangePasswordRequest,
  ConnectSignInRequest,
  ConnectSignInResponse,
  DeleteAccountRequest,
  SocialProvider,
  SocialProviderParam,
  SocialSignInsResponse,
  UpdateProfileRequest,
  UserResponse,
} from "../../protocol/api";
import { configuredProvider, oauthProvider } from "../auth/oauth-providers";
import { disconnectProvider, listConnected } from "../queries/social-sign-ins";
import { deleteAccount } from "../auth/delete-account";
import { ApiError } from "../errors";
import { findUserById, updateProfile } from "../queries/users";
import { changePassword, confirmPassword } from "../auth/accounts";
import { mintConnectGrant } from "../auth/connect-grant";
import { clearSessionCookie, requireUser } from "../auth/session-cookie";
import { openDb } from "../db/client";
import { clientIp, iso } from "../lib/request";
import { toUserDto } from "./dto";
import { errors, jsonBody, jsonResponse, router } from "./openapi";

export const meRoutes = router();
meRoutes.use("/me", requireUser);
meRoutes.use("/me/*", requireUser);

meRoutes
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      operationId: "me",
      tags: ["Accounts"],
      summary: "The signed-in user",
      responses: { 200: jsonResponse(UserResponse, "The signed-in user."), 401: errors[401] },
    }),
    async (c) => c.json({ user: toUserDto(c.get("user"), c.get("plan")) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/me/password",
      operationId: "changePassword",
      tags: ["Accounts"],
      summary: "Change the password with the current one (F1.2, F1.8); signs out other browsers and ends their remote sessions",
      request: { body: jsonBody(ChangePasswordRequest) },
      responses: { 204: { description: "Changed." }, 400: errors[400], 401: errors[401], 403: errors[403], 429: errors[429] },
    }),
    async (c) => {
      const body = c.req.valid("json");
      await changePassword(c.env, openDb(c.env.DB), c.get("user"), {
        ...body,
        keepTokenHash: c.get("signIn"),
        ip: clientIp(c),
      });
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/me",
      operationId: "updateProfile",
      tags: ["Accounts"],
      summary: "Update the profile (F1.7): name, country, language, time zone and format",
      request: { body: jsonBody(UpdateProfileRequest) },
      responses: { 200: jsonResponse(UserResponse, "The updated user."), 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const db = openDb(c.env.DB);
      const body = c.req.valid("json");
      if (body.timeZone && !isTimeZone(body.timeZone)) {
        throw new ApiError("invalid_input", `timeZone: ${body.timeZone} is not a time zone; use one such as Europe/Berlin.`);
      }
      const id = c.get("user").id;
      await updateProfile(db, id, body);
      // A profile change leaves the plan as requireUser found it.
      return c.json({ user: toUserDto((await findUserById(db, id))!, c.get("plan")) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/me",
      operationId: "deleteAccount",
      tags: ["Accounts"],
      summary: "Delete the account and all its data (F1.9); needs the current password",
      request: { body: jsonBody(DeleteAccountRequest) },
      responses: { 204: { description: "Deleted; the cookie is cleared." }, 400: errors[400], 401: errors[401], 403: errors[403], 429: errors[429] },
    }),
    async (c) => {
      await deleteAccount(c.env, openDb(c.env.DB), c.get("user"), c.req.valid("json").password, clientIp(c));
      clearSessionCookie(c);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/sign-ins",
      operationId: "listSocialSignIns",
      tags: ["Accounts"],
      summary: "Google and Facebook as ways to sign in (F1.3): those offered here, each connected or not",
      responses: { 200: jsonResponse(SocialSignInsResponse, "The providers."), 401: errors[401] },
    }),
    async (c) => {
      // Newest last: where a provider has two identities (Google links by address as well), the newest is shown.
      const connected = new Map((await listConnected(openDb(c.env.DB), c.get("user").id)).map((l) => [l.provider, l]));
      const signIns = SocialProvider.options
        .filter((name) => oauthProvider(c.env, name) || connected.has(name))
        .map((provider) => {
          const link = connected.get(provider);
          return { provider, connected: !!link, email: link?.email ?? "", connectedAt: iso(link?.createdAt) };
        });
      return c.json({ signIns }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/me/sign-ins/{provider}/connect",
      operationId: "connectSocialSignIn",
      tags: ["Accounts"],
      summary: "Start connecting Google or Facebook to the account (F1.3); needs the current password",
      description:
        "Answers where the browser goes next: the provider's start route with a grant for this sign-in, valid for two minutes. Back from the provider, the profile page says how it went; the account's address is mailed when an identity is connected.",
      request: { params: SocialProviderParam, body: jsonBody(ConnectSignInRequest) },
      responses: {
        200: jsonResponse(ConnectSignInResponse, "Where to go."),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
        429: errors[429],
      },
    }),
    async (c) => {
      const { provider } = c.req.valid("param");
      configuredProvider(c.env, provider);
      const user = c.get("user");
      await confirmPassword(c.env, user, c.req.valid("json").password, clientIp(c));
      const grant = await mintConnectGrant(c.env, { userId: user.id, signIn: c.get("signIn"), provider });
      return c.json({ url: `/api/auth/oauth/${provider}/start?connect=${encodeURIComponent(grant)}` }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/me/sign-ins/{provider}",
      operationId: "disconnectSocialSignIn",
      tags: ["Accounts"],
      summary: "Stop signing in with a provider (F1.3); the password still works",
      request: { params: SocialProviderParam },
      responses: { 204: { description: "Disconnected (or was not connected)." }, 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      await disconnectProvider(openDb(c.env.DB), c.get("user").id, c.req.valid("param").provider);
      return c.body(null, 204);
    },
  );

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
