import { AuthError, BadInputError, ConnectionError, HardnegError, MissingCollectionError, isTransientError } from "@hardneg/core/adapter";

export const COMPONENT = "qdrant";

/** Client errors without an HTTP status meaning "no usable answer" (timeouts, rate limiting, odd responses). */
const NETWORK_ERRORS = new Set(["QdrantClientTimeoutError", "QdrantClientResourceExhaustedError", "QdrantClientUnexpectedResponseError"]);

/** HTTP status and Qdrant's `status.error` text of a client error (`ApiError` carries `status` and `data`). */
export function statusOf(error: unknown): { status?: number; reason?: string } {
  if (typeof error !== "object" || error === null) return {};
  const record = error as { status?: unknown; data?: { status?: { error?: unknown } } };
  const reason = record.data?.status?.error;
  // The client's own "Unexpected Response: 404 (Not Found)" error carries the status in its text only.
  const fromMessage =
    error instanceof Error && error.name === "QdrantClientUnexpectedResponseError"
      ? /^Unexpected Response: (\d{3})/.exec(error.message)?.[1]
      : undefined;
  const status = typeof record.status === "number" ? record.status : fromMessage === undefined ? undefined : Number(fromMessage);
  return {
    ...(status === undefined ? {} : { status }),
    ...(typeof reason === "string" ? { reason } : {}),
  };
}

/** Transient: timeouts, rate limiting (also the client's own 429 error), 5xx, socket failures. */
export function isQdrantTransient(error: unknown): boolean {
  if (error instanceof Error && (error.name === "QdrantClientTimeoutError" || error.name === "QdrantClientResourceExhaustedError"))
    return true;
  // fetch reports a refused or reset connection as TypeError("fetch failed") with the socket error as cause.
  if (error instanceof TypeError && error.message === "fetch failed") return true;
  return isTransientError(error);
}

/** The delay Qdrant asked for with `Retry-After` (the client keeps it as `retry_after`, seconds). */
export function requestedDelayMs(error: unknown): number | undefined {
  const seconds = (error as { retry_after?: unknown } | null)?.retry_after;
  return typeof seconds === "number" && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/**
 * Turns a client failure into the hardneg error users can act on: 401/403 → AuthError, 404 on a
 * collection → MissingCollectionError, 400 → BadInputError, transient or network failures
 * (after retries) → ConnectionError. The cause is kept; the API key never appears in messages.
 */
export function toHardnegError(error: unknown, action: string, collection?: string): Error {
  if (HardnegError.isInstance(error)) return error;
  const { status, reason } = statusOf(error);
  const detail = [status === undefined ? undefined : `HTTP ${status}`, reason].filter((part) => part !== undefined).join(" ");
  const where = collection === undefined ? {} : { collection };
  const options = { component: COMPONENT, cause: error, ...where };
  if (status === 401 || status === 403) {
    return new AuthError(
      `${action}: Qdrant refused the credentials (${detail}); set QDRANT_API_KEY to a key with access to this collection`,
      options,
    );
  }
  if (status === 404 && collection !== undefined) {
    return new MissingCollectionError(collection, `Qdrant has no collection of that name (${action}); load it first or check the name`, {
      component: COMPONENT,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isQdrantTransient(error) || (status === undefined && error instanceof Error && NETWORK_ERRORS.has(error.name))) {
    return new ConnectionError(
      `${action}: Qdrant did not answer successfully (${detail || message.split("\n")[0]}); check the URL and that the server is up`,
      options,
    );
  }
  if (status === undefined) return error instanceof Error ? error : new Error(message);
  if (status === 400 || status === 422) return new BadInputError(`${action}: Qdrant rejected the request (${detail})`, options);
  return new HardnegError("INTERNAL", `${action}: Qdrant answered ${detail}`, options);
}
