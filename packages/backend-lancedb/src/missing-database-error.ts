import { HardnegError } from "@hardneg/core/adapter";

/**
 * There is no hardneg LanceDB folder where a backend opened with `create: false` (or
 * `readOnly: true`) was told to look: no folder, or one without hardneg's collections table.
 * Bad input from the user (the CLI exits 2); nothing was created. Code "BAD_OPTION".
 */
export class MissingDatabaseError extends HardnegError {
  /** The folder (absolute) or URI that was asked for. */
  readonly path: string;

  constructor(path: string) {
    super(
      "BAD_OPTION",
      `no hardneg LanceDB folder at ${path}; load one first, ` +
        `e.g. \`hardneg load beir <dir> --engine lancedb:${path}\` (nothing was created)`,
      { component: "lancedb" },
    );
    this.name = "MissingDatabaseError";
    this.path = path;
  }
}
