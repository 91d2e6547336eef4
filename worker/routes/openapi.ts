import { OpenAPIHono, type z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { errorBody } from "../errors";
import { ErrorBody } from "../../protocol/api";

/** One line per issue, e.g. "email: Enter a valid e-mail address.", so a person can fix the form. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.join(".");
      const message = i.code === "unrecognized_keys" ? `Unknown field(s): ${i.keys.join(", ")}.` : i.message;
      return path ? `${path}: ${message}` : message;
    })
    .join(" ");
}

/** A router whose validation failures answer 400 { error: { code: "invalid_input", message } }. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(errorBody("invalid_input", describeIssues(result.error), c.get("requestId")), 400);
    },
  });
}

const error = (description: string) => ({ description, content: { "application/json": { schema: ErrorBody } } });

export const errors = {
  400: error("The input is not valid; the message says which field and why."),
  401: error("Not signed in, or the session has expired."),
  403: error("Not allowed."),
  404: error("Not found, or not yours."),
  429: error("Too many attempts; see Retry-After."),
  502: error("The e-mail could not be sent; try again later."),
} as const;

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}
