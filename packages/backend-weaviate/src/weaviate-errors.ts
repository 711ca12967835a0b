import {
  AuthError,
  BadInputError,
  ConnectionError,
  HardnegError,
  MissingCollectionError,
  isTransientError,
  isTransientStatus,
} from "@hardneg/core/adapter";

export const COMPONENT = "weaviate";

/** gRPC and socket failures worth another try, as weaviate-client v3 words them in messages. */
const TRANSIENT_MESSAGE = /\b(UNAVAILABLE|DEADLINE_EXCEEDED|RESOURCE_EXHAUSTED|ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up)\b/;
/** Messages meaning the credentials were refused. */
const AUTH_MESSAGE = /\b(UNAUTHENTICATED|PERMISSION_DENIED|unauthori[sz]ed|forbidden)\b/i;

/** The HTTP status of a weaviate-client error: `code` on status-code and permission errors. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "number" && code >= 100 && code <= 599) return code;
  if ((error as Error).name === "WeaviateUnauthenticatedError") return 401;
  // Start-up and wrapped errors carry the status only in their text ("... status code: 401 and message: ...").
  const quoted = error instanceof Error ? /status code: (\d{3})\b/.exec(error.message)?.[1] : undefined;
  return quoted === undefined ? undefined : Number(quoted);
}

/** Transient: timeouts, 429 and 5xx statuses, and gRPC unavailability / deadline / exhaustion. */
export function isWeaviateTransient(error: unknown): boolean {
  if (HardnegError.isInstance(error)) return false;
  const status = statusOf(error);
  if (status !== undefined) return isTransientStatus(status);
  if (error instanceof Error && (error.name === "WeaviateRequestTimeoutError" || TRANSIENT_MESSAGE.test(error.message))) return true;
  return isTransientError(error);
}

/** True when the error says the credentials were refused. */
export function isAuthFailure(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 401 || status === 403) return true;
  return (
    error instanceof Error &&
    (error.name === "WeaviateInsufficientPermissionsError" ||
      error.name === "WeaviateUnauthenticatedError" ||
      AUTH_MESSAGE.test(error.message))
  );
}

/**
 * Turns a client failure into the hardneg error users can act on. `collectionExists` is what
 * the caller found when it checked after the failure (Weaviate's wording for a missing
 * collection differs across versions and protocols, so existence is asked, not parsed).
 */
export function toHardnegError(
  error: unknown,
  action: string,
  collection: string | undefined,
  collectionExists: boolean | undefined,
): Error {
  if (HardnegError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  const where = collection === undefined ? {} : { collection };
  const options = { component: COMPONENT, cause: error, ...where };
  if (isAuthFailure(error)) {
    return new AuthError(
      `${action}: Weaviate refused the credentials (${message}); set WEAVIATE_API_KEY to a key with access to this collection`,
      options,
    );
  }
  if (collection !== undefined && collectionExists === false) {
    return new MissingCollectionError(collection, `Weaviate has no collection of that name (${action}); load it first or check the name`, {
      component: COMPONENT,
      cause: error,
    });
  }
  if (isWeaviateTransient(error) || (error instanceof Error && /^Weaviate(StartUp|GRPCUnavailable)Error$/.test(error.name))) {
    return new ConnectionError(
      `${action}: Weaviate did not answer successfully (${message}); check the URL, the gRPC port and that the server is up`,
      options,
    );
  }
  if (error instanceof Error && /^Weaviate(InvalidInput|Query|UnexpectedStatusCode|BatchError)Error$/.test(error.name)) {
    return new BadInputError(`${action}: Weaviate rejected the request (${message})`, options);
  }
  return error instanceof Error ? error : new Error(message);
}
