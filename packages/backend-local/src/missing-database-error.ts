import { HardnegError } from "@hardneg/core/adapter";

/**
 * There is no hardneg database where a backend opened without `create` (or `readOnly`) was told
 * to look: no file, or a file without hardneg's tables. Bad input from the user (the CLI exits 2);
 * nothing was created. Code "BAD_OPTION", since the path is what the user passed.
 */
export class MissingDatabaseError extends HardnegError {
  /** The database path, absolute. */
  readonly path: string;

  constructor(path: string, problem = "no hardneg database at") {
    super(
      "BAD_OPTION",
      `${problem} ${path}; load one first, e.g. \`hardneg load beir <dir> --engine local:${path}\` (nothing was created)`,
      { component: "local" },
    );
    this.name = "MissingDatabaseError";
    this.path = path;
  }
}
