import {
  AuthError,
  BadInputError,
  ConnectionError,
  HardnegError,
  MissingCollectionError,
  UnsupportedCapabilityError,
  isTransientError,
} from "@hardneg/core/adapter";
import type { ElasticErrorBody } from "./elastic-client.js";

export const COMPONENT = "elastic";

/** HTTP status and Elasticsearch error type of a client error or an error response item. */
export function statusOf(error: unknown): { status?: number; type?: string; reason?: string } {
  if (typeof error !== "object" || error === null) return {};
  const record = error as {
    meta?: { statusCode?: number; body?: { error?: ElasticErrorBody } };
    status?: number;
    error?: ElasticErrorBody;
  };
  const body = record.meta?.body?.error ?? record.error;
  // The client reports status 0 when no HTTP answer came at all (connection refused, DNS).
  const status = record.meta?.statusCode || record.status || undefined;
  return {
    ...(status === undefined ? {} : { status }),
    ...(body?.type === undefined ? {} : { type: body.type }),
    ...(body?.reason === undefined ? {} : { reason: body.reason }),
  };
}

/** Client errors meaning "no usable answer from an Elasticsearch server" (the transport's names). */
const NETWORK_ERRORS = new Set([
  "ConnectionError",
  "TimeoutError",
  "NoLivingConnectionsError",
  "ProductNotSupportedError",
  "DeserializationError",
]);

/** Transient: timeouts, socket failures, 408, 429 and 5xx (bulk queue full is a 429). */
export function isElasticTransient(error: unknown): boolean {
  return isTransientError(error);
}

/** True when the cluster refuses a feature for licence reasons (e.g. the `rrf` retriever on Basic before 8.16). */
export function isLicenseRefusal(error: unknown): boolean {
  const { type, reason } = statusOf(error);
  return /licen[cs]e/i.test(reason ?? "") && (type === "security_exception" || /non-compliant/i.test(reason ?? ""));
}

/**
 * Turns a client failure into the hardneg error users can act on: 401/403 → AuthError,
 * missing index → MissingCollectionError, transient or network failures (after retries) →
 * ConnectionError. The original error is kept as `cause`; credentials never appear in messages.
 */
export function toHardnegError(error: unknown, action: string, collection?: string): Error {
  if (HardnegError.isInstance(error)) return error;
  const { status, type, reason } = statusOf(error);
  const detail = [status === undefined ? undefined : `HTTP ${status}`, type, reason].filter((part) => part !== undefined).join(" ");
  const where = collection === undefined ? {} : { collection };
  if (status === 401 || status === 403) {
    if (isLicenseRefusal(error))
      return new UnsupportedCapabilityError(`${action}: the cluster's licence does not allow it (${detail})`, {
        component: COMPONENT,
        cause: error,
        ...where,
      });
    return new AuthError(
      `${action}: Elasticsearch refused the credentials (${detail}); set ELASTICSEARCH_API_KEY, ` +
        `or ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD, with the needed privileges`,
      { component: COMPONENT, cause: error, ...where },
    );
  }
  if (type === "index_not_found_exception" || (status === 404 && collection !== undefined)) {
    return new MissingCollectionError(
      collection ?? "?",
      `Elasticsearch has no index of that name (${action}); load it first or check the name`,
      { component: COMPONENT, cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isElasticTransient(error) || (status === undefined && error instanceof Error && NETWORK_ERRORS.has(error.name))) {
    return new ConnectionError(
      `${action}: Elasticsearch did not answer successfully (${detail || message}); check the URL and that the cluster is up`,
      { component: COMPONENT, cause: error, ...where },
    );
  }
  // Not an answer from Elasticsearch at all: a programming error, kept as it is.
  if (status === undefined) return error instanceof Error ? error : new Error(message);
  if (status === 400)
    return new BadInputError(`${action}: Elasticsearch rejected the request (${detail})`, { component: COMPONENT, cause: error, ...where });
  return new HardnegError("INTERNAL", `${action}: Elasticsearch answered ${detail}`, { component: COMPONENT, cause: error, ...where });
}
