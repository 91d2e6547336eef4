// Request and response shapes of the public HTTP API. The Worker validates with these
// schemas and generates /api/openapi.json from them; the web app imports the inferred
// types only (import type), so zod never reaches the browser bundle.
import { z } from "@hono/zod-openapi";

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_input" }),
      message: z.string().openapi({ example: "email: Enter a valid e-mail address." }),
      requestId: z.string().optional(),
    }),
  })
  .openapi("Error");

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "An e-mail address has at most 254 characters.")
  .pipe(z.email("Enter a valid e-mail address."))
  .openapi({ example: "ada@example.com" });

/** Any password a user types to sign in (old ones may predate the current rules). */
export const Password = z.string().min(1, "Enter your password.").max(200, "A password has at most 200 characters.");

/** A password a user chooses now. */
export const NewPassword = z
  .string()
  .min(10, "Choose a password of at least 10 characters.")
  .max(200, "A password has at most 200 characters.");

export const RegisterRequest = z
  .object({
    // RFC 2606 reserves .invalid for names that can never exist; the demo computer's owner
    // (worker/computers/demo.ts) lives there, and mail to such an address goes nowhere.
    email: Email.refine((e) => !/\.invalid$/.test(e), "Addresses under .invalid cannot receive mail; use a real address."),
  })
  .strict()
  .openapi("RegisterRequest");
export const RegisterResponse = z
  .object({ status: z.literal("sent"), message: z.string() })
  .openapi("RegisterResponse");

export const LoginRequest = z.object({ email: Email, password: Password }).strict().openapi("LoginRequest");

export const ChangePasswordRequest = z
  .object({ currentPassword: Password, newPassword: NewPassword })
  .strict()
  .openapi("ChangePasswordRequest");

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    status: z.enum(["pending", "active"]),
    /** True while the password is the generated one that was e-mailed (F1.2). */
    mustChangePassword: z.boolean(),
    firstName: z.string(),
    lastName: z.string(),
    country: z.string(),
    language: z.string(),
    timeZone: z.string(),
    timeFormat: z.enum(["12h", "24h"]),
    /** Whether the introductory tour was shown (F1.6). */
    tourDone: z.boolean(),
    planId: z.string(),
    plan: z.object({ id: z.string(), name: z.string(), maxComputers: z.number(), maxConcurrentSessions: z.number() }),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("User");
export const UserResponse = z.object({ user: User }).openapi("UserResponse");

export const SocialProvider = z.enum(["google", "facebook"]);
export type SocialProvider = z.infer<typeof SocialProvider>;
/** The providers the user can sign in with (F1.3): those this deployment offers, each connected or not. */
export const SocialSignInsResponse = z
  .object({
    signIns: z.array(
      z.object({
        provider: SocialProvider,
        connected: z.boolean(),
        /** The connected identity's address as the provider gave it ("" if it gave none). */
        email: z.string(),
        connectedAt: z.string().nullable().openapi({ format: "date-time" }),
      }),
    ),
  })
  .openapi("SocialSignInsResponse");
export type SocialSignInsResponse = z.infer<typeof SocialSignInsResponse>;
/** Connecting a provider asks for the current password, as a password change does. */
export const ConnectSignInRequest = z.object({ password: Password }).strict().openapi("ConnectSignInRequest");
/** Where the browser goes next: the start route with a short-lived grant. */
export const ConnectSignInResponse = z.object({ url: z.string() }).openapi("ConnectSignInResponse");
export const SocialProviderParam = z.object({ provider: SocialProvider.openapi({ param: { name: "provider", in: "path" } }) });

export const ComputerStatus = z.enum(["online", "offline", "not_installed", "restricted", "disabled"]);
export const OperatingSystem = z.enum(["windows", "macos", "linux", "other"]);

export const Computer = z
  .object({
    id: z.string(),
    name: z.string(),
    os: OperatingSystem,
    status: ComputerStatus,
    online: z.boolean(),
    group: z.string(),
    /** "owner", or "shared" when another user shared it with the viewer. */
    access: z.enum(["owner", "shared"]),
    ownerEmail: z.string(),
    /** The owner's name from the profile, or the e-mail when none is set. */
    ownerName: z.string(),
    /** The viewer's own favorite mark (F2.14). */
    favorite: z.boolean(),
    /** Set while the status is "restricted": when the computer becomes "disabled" (F2.7). */
    restrictedUntil: z.string().nullable().openapi({ format: "date-time" }),
    /** Thumbnail of the screen, refreshed once a minute while online (F2.6); null until the first one. */
    screenshotUrl: z.string().nullable(),
    screenshotAt: z.string().nullable().openapi({ format: "date-time" }),
    hasSystemInfo: z.boolean(),
    settings: z.object({
      allowNonAdminConfig: z.boolean(),
      /** Whether remote OS credentials are stored; they are never sent back (F2.10). */
      hasCredentials: z.boolean(),
    }),
    agentVersion: z.string(),
    publicAccess: z.boolean(),
    location: z.object({ ip: z.string(), city: z.string(), country: z.string() }),
    isDemo: z.boolean(),
    lastSeenAt: z.string().nullable().openapi({ format: "date-time" }),
    lastConnectedAt: z.string().nullable().openapi({ format: "date-time" }),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Computer");
export const ComputerResponse = z.object({ computer: Computer }).openapi("ComputerResponse");
export const ComputerList = z.object({ computers: z.array(Computer) }).openapi("ComputerList");

const DisplayName = z
  .string()
  .trim()
  .min(1, "A name cannot be empty.")
  .max(64, "A name has at most 64 characters.")
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "A name cannot contain control characters.");

const Credentials = z
  .object({
    username: z.string().min(1, "Enter the remote account's user name.").max(256),
    password: z.string().max(1024),
  })
  .strict();

export const UpdateComputerRequest = z
  .object({
    allowNonAdminConfig: z.boolean().optional(),
    publicAccess: z.boolean().optional(),
    /** Remote OS account for automatic sign-in and locking (F2.10); null removes it. Write-only. */
    credentials: Credentials.nullable().optional(),
    name: DisplayName.optional(),
    group: z
      .string()
      .trim()
      .max(64, "A group has at most 64 characters.")
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "A group cannot contain control characters.")
      .optional(),
  })
  .strict()
  .openapi("UpdateComputerRequest");

export const ComputerIdParam = z.object({
  id: z.uuid("A computer id is a UUID.").openapi({ param: { name: "id", in: "path" } }),
});

export const RegisterComputerRequest = z
  .object({
    email: Email,
    password: Password,
    name: DisplayName,
    os: OperatingSystem,
    agentVersion: z.string().max(32),
    installed: z.boolean(),
  })
  .strict()
  .openapi("RegisterComputerRequest");
export const RegisterComputerResponse = z
  .object({
    computerId: z.string(),
    /** The agent's long-lived secret; only its hash is stored. Keep it in the agent's config. */
    agentToken: z.string(),
  })
  .openapi("RegisterComputerResponse");

export const StartSessionResponse = z
  .object({
    sessionId: z.string(),
    /** Path of the viewer's stream WebSocket, ticket included; valid for 60 seconds. */
    viewerPath: z.string(),
    computer: Computer,
  })
  .openapi("StartSessionResponse");

export const FavoriteRequest = z.object({ favorite: z.boolean() }).strict().openapi("FavoriteRequest");

export const Share = z
  .object({ userId: z.string(), email: z.string(), name: z.string(), createdAt: z.string().openapi({ format: "date-time" }) })
  .openapi("Share");
export const ShareList = z.object({ shares: z.array(Share) }).openapi("ShareList");
export const ShareRequest = z.object({ email: Email }).strict().openapi("ShareRequest");
export const ShareIdParam = z.object({
  id: z.uuid("A computer id is a UUID.").openapi({ param: { name: "id", in: "path" } }),
  userId: z.uuid("A user id is a UUID.").openapi({ param: { name: "userId", in: "path" } }),
});

/** System information as the agent reports it (F2.8); the hub validates it with this schema. */
export const SystemInfo = z.object({
  general: z.object({
    os: z.string(),
    osVersion: z.string(),
    hostname: z.string(),
    user: z.string(),
    cpu: z.string(),
    cores: z.number(),
    memoryBytes: z.number(),
    uptimeSeconds: z.number(),
    agentVersion: z.string(),
  }),
  detail: z.object({
    disks: z.array(z.object({ name: z.string(), type: z.string(), sizeBytes: z.number(), usedBytes: z.number().optional(), mount: z.string().optional() })),
    network: z.array(z.object({ name: z.string(), mac: z.string(), ipv4: z.array(z.string()), ipv6: z.array(z.string()), speedMbps: z.number().optional() })),
    displays: z.array(z.object({ name: z.string(), width: z.number(), height: z.number(), primary: z.boolean() })),
    bios: z.object({ vendor: z.string(), version: z.string(), date: z.string() }).optional(),
    board: z.object({ manufacturer: z.string(), model: z.string(), serial: z.string().optional() }).optional(),
  }),
});
export const SystemInfoResponse = z
  .object({ collectedAt: z.string().openapi({ format: "date-time" }), info: SystemInfo })
  .openapi("SystemInfo");

/** Pushed to open cabinet tabs over GET /api/events (WebSocket), from the account's AccountHub. */
export type AccountEvent =
  | { type: "computer"; computer: Computer }
  | { type: "computer-removed"; id: string };

const Name = z.string().trim().max(64, "A name has at most 64 characters.").refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "A name cannot contain control characters.");

export const UpdateProfileRequest = z
  .object({
    firstName: Name.optional(),
    lastName: Name.optional(),
    country: z.string().regex(/^([A-Z]{2})?$/, "Use a two-letter country code such as DE.").optional(),
    language: z.enum(["", "en", "de"]).optional(),
    /** An IANA time zone such as Europe/Berlin; "" follows the browser. */
    timeZone: z.string().max(64).optional(),
    timeFormat: z.enum(["12h", "24h"]).optional(),
    tourDone: z.boolean().optional(),
  })
  .strict()
  .openapi("UpdateProfileRequest");

export const DeleteAccountRequest = z.object({ password: Password }).strict().openapi("DeleteAccountRequest");

export const RecoverRequest = z.object({ email: Email }).strict().openapi("RecoverRequest");
export const ResetPasswordRequest = z
  .object({ token: z.string().min(20).max(100), newPassword: NewPassword })
  .strict()
  .openapi("ResetPasswordRequest");

export const HistoryQuery = z.object({
  computerId: z.uuid("A computer id is a UUID.").optional(),
  /** ISO date-time: sessions that started at or after it. */
  from: z.iso.datetime({ offset: true, message: "Use an ISO date-time." }).optional(),
  /** ISO date-time: sessions that started before it. */
  to: z.iso.datetime({ offset: true, message: "Use an ISO date-time." }).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

export const HistoryEntry = z
  .object({
    id: z.string(),
    computerId: z.string(),
    computerName: z.string(),
    /** The viewer's e-mail, or null for a guest or a deleted account. */
    viewerEmail: z.string().nullable(),
    /** "outgoing": this account connected; "incoming": someone connected to this account's computer. */
    direction: z.enum(["outgoing", "incoming"]),
    source: z.enum(["cabinet", "permalink", "support", "shared"]),
    viewerIp: z.string(),
    viewerAgent: z.string(),
    startedAt: z.string().openapi({ format: "date-time" }),
    endedAt: z.string().nullable().openapi({ format: "date-time" }),
    durationSeconds: z.number().nullable(),
    active: z.boolean(),
  })
  .openapi("HistoryEntry");
export const HistoryPage = z
  .object({ entries: z.array(HistoryEntry), total: z.number(), page: z.number(), pageSize: z.number() })
  .openapi("HistoryPage");
export const SessionIdParam = z.object({
  id: z.uuid("A session id is a UUID.").openapi({ param: { name: "id", in: "path" } }),
});

export const Health = z.object({ status: z.literal("ok"), time: z.string() }).openapi("Health");

export type ErrorBody = z.infer<typeof ErrorBody>;
export type User = z.infer<typeof User>;
export type Computer = z.infer<typeof Computer>;
export type ComputerStatus = z.infer<typeof ComputerStatus>;
export type OperatingSystem = z.infer<typeof OperatingSystem>;
export type RegisterRequest = z.infer<typeof RegisterRequest>;
export type LoginRequest = z.infer<typeof LoginRequest>;
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;
export type UpdateComputerRequest = z.infer<typeof UpdateComputerRequest>;
export type RegisterComputerRequest = z.infer<typeof RegisterComputerRequest>;
export type RegisterComputerResponse = z.infer<typeof RegisterComputerResponse>;
export type StartSessionResponse = z.infer<typeof StartSessionResponse>;
export type Share = z.infer<typeof Share>;
export type SystemInfoResponse = z.infer<typeof SystemInfoResponse>;
export type SystemInfo = z.infer<typeof SystemInfo>;
export type UpdateProfileRequest = z.infer<typeof UpdateProfileRequest>;
export type HistoryEntry = z.infer<typeof HistoryEntry>;
export type HistoryPage = z.infer<typeof HistoryPage>;
