/**
 * hardneg's error hierarchy. Every error users can act on is a `HardnegError` with a stable
 * `code`; the CLI prints its message on one line (no stack) and exits 2 for bad input.
 */

const MARKER = Symbol.for("hardneg.error");

/** Where a bad input was found: file and 1-based line, and/or collection and option. */
export interface ErrorLocation {
  file?: string;
  line?: number;
  collection?: string;
  option?: string;
}

/** Stable error codes users and the CLI can branch on. */
export type HardnegErrorCode =
  | "BAD_INPUT"
  | "BAD_OPTION"
  | "MISSING_COLLECTION"
  | "UNSUPPORTED_CAPABILITY"
  | "CONNECTION"
  | "AUTH"
  | "INTERNAL";

export interface HardnegErrorOptions extends ErrorLocation {
  cause?: unknown;
  /** Prefix naming the emitting component, e.g. "local" for backend-local. */
  component?: string;
}

/** Base class. `HardnegError.isInstance` works across duplicate copies of this package. */
export class HardnegError extends Error {
  readonly [MARKER] = true;
  readonly code: HardnegErrorCode;
  readonly location: ErrorLocation;

  constructor(code: HardnegErrorCode, message: string, options: HardnegErrorOptions = {}) {
    const { cause, component, ...location } = options;
    super(formatMessage(message, component, location), cause === undefined ? undefined : { cause });
    this.name = "HardnegError";
    this.code = code;
    this.location = location;
  }

  /** True for any hardneg error, even one thrown by another copy of `@hardneg/core`. */
  static isInstance(value: unknown): value is HardnegError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }

  /** True when the error comes from what the user gave (exit code 2 in the CLI). */
  get isUserError(): boolean {
    return (
      this.code === "BAD_INPUT" ||
      this.code === "BAD_OPTION" ||
      this.code === "MISSING_COLLECTION" ||
      this.code === "UNSUPPORTED_CAPABILITY"
    );
  }
}

function formatMessage(message: string, component: string | undefined, location: ErrorLocation): string {
  const where: string[] = [];
  if (location.file !== undefined) where.push(location.line === undefined ? location.file : `${location.file}:${location.line}`);
  if (location.collection !== undefined) where.push(`collection "${location.collection}"`);
  if (location.option !== undefined) where.push(`option ${location.option}`);
  const prefix = component === undefined ? "[hardneg]" : `[hardneg] [${component}]`;
  // Messages quote URLs from options and engines; none may carry a password or a key.
  return scrubUrlSecrets(where.length === 0 ? `${prefix} ${message}` : `${prefix} ${where.join(", ")}: ${message}`);
}

/** What stands in for a secret removed from a message. */
export const SCRUBBED = "***";

/**
 * The user-info part of a URL, `scheme://user:password@`, up to the last "@" before the host
 * (a password may hold a raw "@"). Quotes and angle brackets end it, so a URL quoted in JSON
 * next to an e-mail address does not swallow the text between them.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"<>`]*@/gi;

/**
 * A query parameter whose name says it holds a secret (`api_key`, `apikey`, `key`, `token`,
 * `access_token`, `secret`, `password`, `auth`, `sig`, ...): its value, up to the next "&", "#",
 * whitespace or quote. Broad on purpose: hiding a harmless value costs nothing.
 */
const SECRET_QUERY_VALUE = /([?&][\w.-]*(?:key|token|secret|passw|pwd|auth|credential|sig)[\w.-]*=)[^&#\s"'<>`]*/gi;

/**
 * `text` with the secrets URLs carry replaced by `***`: credentials (`//user:password@host` →
 * `//***@host`) and the values of key- or token-like query parameters (`?api_key=sk-1` →
 * `?api_key=***`). Every `HardnegError` message goes through it, and the CLI applies it to all
 * it prints, so a URL given on the command line or echoed by a server never leaks a secret.
 */
export function scrubUrlSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${SCRUBBED}@`).replace(SECRET_QUERY_VALUE, `$1${SCRUBBED}`);
}

/**
 * True when a URL carries a secret: user-info (`user:password@`) or a query parameter named like
 * a key or token. Options that take a server URL refuse such URLs, since keys belong in the
 * environment, where no message, report or record can quote them.
 */
export function urlHasSecrets(url: URL): boolean {
  return url.username !== "" || url.password !== "" || scrubUrlSecrets(url.search) !== url.search;
}

/** A file, record or collection content is malformed. Names the file and line. */
export class BadInputError extends HardnegError {
  constructor(message: string, options: HardnegErrorOptions = {}) {
    super("BAD_INPUT", message, options);
    this.name = "BadInputError";
  }
}

/** An option value is invalid or options contradict each other. */
export class BadOptionError extends HardnegError {
  constructor(option: string, message: string, options: Omit<HardnegErrorOptions, "option"> = {}) {
    super("BAD_OPTION", message, { ...options, option });
    this.name = "BadOptionError";
  }
}

/** A collection the run needs does not exist in the store or engine. */
export class MissingCollectionError extends HardnegError {
  constructor(collection: string, hint: string, options: Omit<HardnegErrorOptions, "collection"> = {}) {
    super("MISSING_COLLECTION", `does not exist; ${hint}`, { ...options, collection });
    this.name = "MissingCollectionError";
  }
}

/** The backend does not offer what the run asks for (a search mode, scoreDocuments, ...). */
export class UnsupportedCapabilityError extends HardnegError {
  constructor(message: string, options: HardnegErrorOptions = {}) {
    super("UNSUPPORTED_CAPABILITY", message, options);
    this.name = "UnsupportedCapabilityError";
  }
}

/** The engine could not be reached, or answered with a transient failure after retries. */
export class ConnectionError extends HardnegError {
  constructor(message: string, options: HardnegErrorOptions = {}) {
    super("CONNECTION", message, options);
    this.name = "ConnectionError";
  }
}

/** The engine refused the credentials. */
export class AuthError extends HardnegError {
  constructor(message: string, options: HardnegErrorOptions = {}) {
    super("AUTH", message, options);
    this.name = "AuthError";
  }
}
