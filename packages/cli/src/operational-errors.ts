import { HardnegError } from "@hardneg/core";

/**
 * Operational failures: the machine, not hardneg, said no (a full disk, a locked or unopenable
 * database, a folder where a file should be). They arrive as SQLite's and Node's own errors,
 * whose messages name neither the file nor what to do; this module turns them into one line
 * that does, so the CLI never answers them with a stack trace.
 */

/** What the CLI prints and returns for an operational failure. */
export interface OperationalFailure {
  /** One line: `[hardneg] <file or engine>: <what happened> (<code>); <what to do>`. */
  message: string;
  /**
   * 2 when the path the user gave is wrong (it does not exist, is a folder where a file is
   * needed, has a file where a folder is needed, or is not a database); 1 when the machine
   * refuses (permissions, read-only or full disk, a locked or damaged database, I/O errors).
   */
  exitCode: 1 | 2;
}

/** What one error code means and what to do about it. */
interface CodeMeaning {
  what: string;
  advice: string;
  exitCode: 1 | 2;
}

/** SQLite's primary result codes, by prefix (better-sqlite3 reports extended ones, e.g. SQLITE_IOERR_WRITE). */
const SQLITE_CODES: ReadonlyArray<readonly [prefix: string, meaning: CodeMeaning]> = [
  [
    "SQLITE_BUSY",
    {
      what: "the database is locked by another process",
      advice: "wait for the other command using it to finish, or use another --engine file",
      exitCode: 1,
    },
  ],
  [
    "SQLITE_LOCKED",
    { what: "the database is locked", advice: "wait for the other command using it to finish, or use another --engine file", exitCode: 1 },
  ],
  ["SQLITE_FULL", { what: "the database or its disk is full", advice: "free space on the disk, then run the command again", exitCode: 1 }],
  ["SQLITE_CANTOPEN", { what: "cannot open the database file", advice: "check that its folder exists and is writable", exitCode: 1 }],
  [
    "SQLITE_READONLY",
    { what: "the database is read-only", advice: "make the file and its folder writable, or use another --engine file", exitCode: 1 },
  ],
  [
    "SQLITE_IOERR",
    { what: "disk I/O error", advice: "check the disk: free space, its health, a network file system that went away", exitCode: 1 },
  ],
  [
    "SQLITE_CORRUPT",
    { what: "the database file is damaged", advice: "restore it from a copy, or load into a new --engine file", exitCode: 1 },
  ],
  [
    "SQLITE_NOTADB",
    { what: "is not a SQLite database", advice: "point --engine local:<file> at a hardneg database or at a new path", exitCode: 2 },
  ],
];

/** Node's system error codes hardneg meets when reading and writing files. */
const NODE_CODES: Readonly<Record<string, CodeMeaning>> = {
  ENOSPC: { what: "no space left on the device", advice: "free space on the disk, then run the command again", exitCode: 1 },
  EDQUOT: { what: "disk quota exceeded", advice: "free space within your quota, then run the command again", exitCode: 1 },
  EROFS: { what: "the file system is read-only", advice: "choose a path on a writable disk", exitCode: 1 },
  EACCES: { what: "permission denied", advice: "check the permissions of the file and its folders", exitCode: 1 },
  EPERM: { what: "operation not permitted", advice: "check the permissions and attributes of the file and its folders", exitCode: 1 },
  EIO: { what: "input/output error", advice: "check the disk", exitCode: 1 },
  EMFILE: { what: "too many open files", advice: "raise the open-file limit (ulimit -n) or run fewer commands at once", exitCode: 1 },
  ENFILE: { what: "too many open files on the system", advice: "run fewer commands at once", exitCode: 1 },
  EISDIR: { what: "is a folder, expected a file", advice: "give a file path", exitCode: 2 },
  ENOTDIR: { what: "a part of the path is a file, not a folder", advice: "check the path", exitCode: 2 },
  ENOENT: { what: "no such file or folder", advice: "check the path", exitCode: 2 },
  ENAMETOOLONG: { what: "the path is too long", advice: "choose a shorter path", exitCode: 2 },
};

/**
 * ENOENT when moving a finished temporary file into place: the file or its folder was removed
 * meanwhile (by another program, or a clean-up), which no path the user gave could have prevented.
 */
const RENAME_SOURCE_GONE: CodeMeaning = {
  what: "could not move the finished file into place: the temporary file or its folder was removed meanwhile",
  advice: "run the command again, and keep other programs out of that folder while it runs",
  exitCode: 1,
};

/** EEXIST from mkdir: the path has a file where hardneg needs a folder. */
const FILE_IN_THE_WAY: CodeMeaning = { what: "is a file, but a folder is needed there", advice: "check the path", exitCode: 2 };

/** How deep a `cause` chain is followed; chains are short, and a cycle must not loop forever. */
const MAX_CAUSE_DEPTH = 8;

/**
 * Names the engine in which an error happened: the CLI wraps what fails inside a command that
 * opened `--engine`, so a SQLite error (which names no file) can be reported against it.
 */
export class EngineFailure extends Error {
  constructor(
    readonly engine: string,
    cause: unknown,
  ) {
    super(`in engine ${engine}`, { cause });
    this.name = "EngineFailure";
  }
}

/**
 * Wraps `error` in an {@link EngineFailure} naming `engine` when it is an operational failure;
 * returns anything else unchanged (hardneg's own errors already say where they happened).
 */
export function nameEngine(error: unknown, engine: string): unknown {
  if (HardnegError.isInstance(error) || error instanceof EngineFailure) return error;
  return operationalCause(error) === undefined ? error : new EngineFailure(engine, error);
}

/**
 * `engine` with the operational failures of its methods (rejected promises, throws, failing
 * iterations) named after `spec`, as {@link nameEngine} does. With two engines open (`mine
 * --store`) the one that failed is named, not the one the command was started with.
 */
export function namingFailures<T extends object>(engine: T, spec: string): T {
  return new Proxy(engine, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = value.apply(target, args);
        } catch (error) {
          throw nameEngine(error, spec);
        }
        if (result instanceof Promise)
          return result.catch((error: unknown) => {
            throw nameEngine(error, spec);
          });
        const iterable = result as AsyncIterable<unknown> | null | undefined;
        return typeof iterable?.[Symbol.asyncIterator] === "function" ? namingIteration(iterable, spec) : result;
      };
    },
  });
}

async function* namingIteration<T>(iterable: AsyncIterable<T>, spec: string): AsyncGenerator<T> {
  try {
    yield* iterable;
  } catch (error) {
    throw nameEngine(error, spec);
  }
}

/**
 * The one-line message and exit code of an operational failure (see {@link OperationalFailure}),
 * or undefined when `error` is not one: not a SQLite or Node system error listed here, nor
 * caused by one (the `cause` chain is followed). Hardneg's own errors are never operational:
 * they carry their own message.
 *
 * The line names the file (for a rename, the destination), else the engine the CLI was using,
 * and keeps the messages of errors that wrapped the system error, outermost first.
 */
export function describeOperationalError(error: unknown): OperationalFailure | undefined {
  if (HardnegError.isInstance(error)) return undefined;
  const found = operationalCause(error);
  if (found === undefined) return undefined;
  const { failure, meaning, engine, context } = found;
  const code = stringField(failure, "code")!;
  const syscall = stringField(failure, "syscall");
  const path = stringField(failure, "path");
  const destination = stringField(failure, "dest");
  const where = destination ?? path ?? engine ?? (code.startsWith("SQLITE_") ? "the SQLite database" : "a file");
  const details = [code.startsWith("SQLITE_") ? `${code}: ${messageOf(failure)}` : code];
  if (syscall !== undefined) details.push(destination === undefined || path === undefined ? syscall : `${syscall} from ${path}`);
  const parts = [where, ...context, `${meaning.what} (${details.join(", ")})`];
  return { message: `[hardneg] ${parts.join(": ")}; ${meaning.advice}`, exitCode: meaning.exitCode };
}

interface FoundCause {
  failure: object;
  meaning: CodeMeaning;
  /** The engine named by an {@link EngineFailure} on the way down. */
  engine: string | undefined;
  /** Messages of the errors that wrapped the failure (EngineFailure excluded), outermost first. */
  context: string[];
}

function operationalCause(error: unknown): FoundCause | undefined {
  let engine: string | undefined;
  const context: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === "object" && current !== null; depth += 1) {
    if (HardnegError.isInstance(current)) return undefined;
    const meaning = meaningOf(current);
    if (meaning !== undefined) return { failure: current, meaning, engine, context };
    if (current instanceof EngineFailure) engine = current.engine;
    else context.push(messageOf(current));
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function meaningOf(error: object): CodeMeaning | undefined {
  const code = stringField(error, "code");
  if (code === undefined) return undefined;
  if (code.startsWith("SQLITE_")) return SQLITE_CODES.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))?.[1];
  // Node's system errors carry the failing call; without one a same-named code is someone else's.
  const syscall = stringField(error, "syscall");
  if (syscall === undefined) return undefined;
  if (code === "ENOENT" && syscall === "rename") return RENAME_SOURCE_GONE;
  if (code === "EEXIST" && syscall === "mkdir") return FILE_IN_THE_WAY;
  return NODE_CODES[code];
}

function stringField(error: object, name: string): string | undefined {
  const value = (error as Record<string, unknown>)[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function messageOf(error: object): string {
  const message = (error as { message?: unknown }).message;
  return typeof message === "string" && message !== "" ? message : String(error);
}
