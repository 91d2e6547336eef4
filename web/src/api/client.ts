// The one place the web app talks HTTP. Every API error arrives as `{ error: { code, message } }`;
// this turns it (and network failures) into an ApiError; errorMessage() words it for the user
// in the UI's language.
import { localValidationText, withoutFieldNames } from "../i18n/server-text";
import { hasKey, language, t } from "../i18n/i18n";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A message already worded for the user (in the UI's language); errorMessage() shows it as is. */
export class DisplayError extends Error {
  override name = "DisplayError";
}

type Listener = (error: ApiError) => void;
const unauthenticatedListeners = new Set<Listener>();

/**
 * Called when a signed-in request answers 401 (the session expired or was revoked elsewhere),
 * so the app can return to the login page from wherever it is.
 */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

function isErrorBody(body: unknown): body is { error: { code: string; message: string } } {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = (body as { error: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    // Status 0: the request never got an HTTP answer.
    throw new ApiError(0, "network", "Cannot reach Edgedesk.");
  }

  const payload = await readBody(response);
  if (response.ok) return payload as T;

  const error = isErrorBody(payload)
    ? new ApiError(response.status, payload.error.code, payload.error.message)
    : new ApiError(response.status, `http_${response.status}`, `HTTP ${response.status}`);
  if (error.code === "unauthenticated") for (const listener of unauthenticatedListeners) listener(error);
  throw error;
}

/** An answer without an error body (a proxy, a crash): worded from the status alone. */
function statusMessage(status: number): string {
  if (status === 429) return t("apiErrors.tooManyAttempts");
  if (status >= 500) return t("apiErrors.serverTrouble");
  return t("apiErrors.httpStatus", { status });
}

/**
 * The words for an API error. In English the server's own sentence is shown: it is English
 * and often more specific (it names the computer, the seconds to wait). In another language
 * the catalog's sentence for the code, or for a validation error the known sentences translated.
 */
export function apiErrorMessage(error: ApiError): string {
  if (error.code === "network") return t("apiErrors.network");
  if (/^http_\d+$/.test(error.code)) return statusMessage(error.status);
  if (language.value === "en") return error.message;
  if (error.code === "invalid_input") return localValidationText(withoutFieldNames(error.message));
  const key = `apiErrors.byCode.${error.code}`;
  return hasKey(key) ? t(key) : error.message;
}

export const api = {
  get: <T>(path: string) => request<T>("GET", path),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, body),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
  delete: (path: string) => request<void>("DELETE", path),
};

/** The message to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return apiErrorMessage(error);
  if (error instanceof DisplayError) return error.message;
  return t("apiErrors.generic");
}
