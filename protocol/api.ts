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

export const RegisterRequest = z.object({ email: Email }).strict().openapi("RegisterRequest");
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
    planId: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("User");
export const UserResponse = z.object({ user: User }).openapi("UserResponse");

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

export const UpdateComputerRequest = z
  .object({
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
