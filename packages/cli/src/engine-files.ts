import { realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { BadOptionError } from "@hardneg/core";
import { showControlCharacters } from "./control-characters.js";
import { loadEngineFiles } from "./adapter-packages.js";
import { parseEngineSpec } from "./engine.js";

/**
 * Output files that would overwrite an engine's own files. An export, a report or a per-query
 * file written over the local engine's SQLite database (or its WAL, or its index folder)
 * destroys the data it was made from, so the CLI refuses such a path before writing anything.
 * Which files an engine keeps is its adapter's business: the package's `engineFiles` export.
 */

/** A file or folder an engine keeps on this machine, with every path it can be reached at. */
export interface KnownEngineFile {
  /** The `--engine` spec it belongs to, as given. */
  engine: string;
  /** What it is, for messages, e.g. "database file". */
  role: string;
  /** Absolute path as the engine names it. */
  path: string;
  /**
   * Every path it can be reached at: `path`, and the same with symlinks resolved (of the file
   * itself, and of the database it is named after: SQLite puts `-wal` beside the link's target).
   */
  paths: string[];
  /** Whether it is a folder whose contents all belong to the engine. */
  folder: boolean;
}

/**
 * The files and folders the engine named by `engineText` (an `--engine` spec) keeps on this
 * machine, as its adapter package's `engineFiles` export lists them (none for server engines),
 * each with every path it can be reached at: as named, and with symlinks resolved.
 *
 * @throws BadOptionError ("--engine") for a spec `parseEngineSpec` refuses or an adapter that is not installed.
 */
export async function engineFilesOf(engineText: string): Promise<KnownEngineFile[]> {
  const { scheme, location } = parseEngineSpec(engineText);
  const files = await loadEngineFiles(scheme, location);
  return files.map(({ path, role, folder, alsoAt = [] }) => ({
    engine: engineText,
    role,
    path,
    folder: folder === true,
    paths: unique([path, ...alsoAt].flatMap((named) => [named, realPathOf(named)])),
  }));
}

/**
 * Refuses an output path that is one of the engines' files, or inside one of their folders,
 * before anything is written. Paths are compared with symlinks resolved (the output's existing
 * parent folders, the output itself when it is a link, and the engine's path), so
 * `./x/../hardneg.db` or a link to the database is caught; an existing output that is a hard
 * link to an engine file (same device and inode) is caught too.
 *
 * @param option The option naming the output, for the message (e.g. "--output", "--report").
 * @param output The output path as given (relative to the working directory).
 * @param engineTexts The `--engine` specs the command opens.
 * @throws BadOptionError (`option`) naming the output path, the engine file and its engine.
 */
export async function refuseEngineFileOutput(option: string, output: string, engineTexts: readonly string[]): Promise<void> {
  const outputPaths = pathsOfOutput(output);
  const outputIdentity = identityOf(output);
  const files = (await Promise.all(engineTexts.map(engineFilesOf))).flat();
  for (const file of files) {
    const exactly = outputPaths.some((path) => file.paths.includes(path));
    const inside = file.folder && outputPaths.some((path) => file.paths.some((folder) => path.startsWith(folder + sep)));
    // A hard link (or a case-insensitive file system) gives another name to the same file.
    const sameFile = !file.folder && outputIdentity !== undefined && file.paths.some((path) => identityOf(path) === outputIdentity);
    if (exactly || inside || sameFile) {
      // Shown with control characters escaped: the CLI prints this message as it is, on one line.
      throw new BadOptionError(
        option,
        `${showControlCharacters(
          `${JSON.stringify(output)} ${exactly || sameFile ? "is" : "is inside"} ` +
            `the ${file.role} of --engine ${file.engine} (${file.path}); `,
        )}writing it would destroy the engine's data, choose another file`,
      );
    }
  }
}

/**
 * The paths the output can reach: its parent folder with symlinks resolved plus its name (what
 * a rename replaces), and the whole path resolved (where a link at the output itself points).
 */
function pathsOfOutput(output: string): string[] {
  const name = basename(output);
  const parentResolved =
    name === "" || name === "." || name === ".." ? realPathOf(output) : join(realPathOf(dirname(absolute(output))), name);
  return unique([parentResolved, realPathOf(output)]);
}

/**
 * `path` with every symlink resolved the way the kernel does, also when its tail does not exist
 * yet: the longest existing prefix is resolved and the rest appended. The path is not normalised
 * first, because `link/..` is the link target's parent, not the link's folder.
 */
function realPathOf(path: string): string {
  const missing: string[] = [];
  let existing = absolute(path);
  for (;;) {
    try {
      return join(realpathSync.native(existing), ...missing);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return resolve(path);
      missing.unshift(basename(existing));
      existing = parent;
    }
  }
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : `${process.cwd()}${sep}${path}`;
}

/** "device:inode" of an existing file (links followed), or undefined. */
function identityOf(path: string): string | undefined {
  try {
    const stats = statSync(path, { bigint: true });
    return stats.isFile() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}
