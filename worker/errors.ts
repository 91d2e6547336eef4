import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Every error a client can see has a stable code and a message a person can act on.
 * The code decides the HTTP status, so routes only name what went wrong.
 */
const statusByCode = {
  bad_request: 400,
  invalid_input: 400,
  weak_password: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  wrong_password: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  computer_offline: 409,
  already_shared: 409,
  plan_limit: 409,
  user_not_found: 404,
  invalid_token: 400,
  oauth_failed: 400,
  computer_disabled: 403,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  mail_failed: 502,
  unsupported_media_type: 415,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof statusByCode;

/** Every code a client can see (the web app has a sentence in each language for each). */
export const ERROR_CODES = Object.keys(statusByCode) as ErrorCode[];

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = statusByCode[code];
  }
}

/** A 429 for a limiter that asks to wait `waitMs`: the sentence, when to try again, and Retry-After. */
export function rateLimited(waitMs: number, sentence: string): ApiError {
  const seconds = Math.ceil(waitMs / 1000);
  return new ApiError("rate_limited", `${sentence} Try again in ${seconds} seconds.`, { "Retry-After": String(seconds) });
}

export function errorBody(code: ErrorCode | string, message: string, requestId?: string) {
  return { error: { code, message, ...(requestId ? { requestId } : {}) } };
}
