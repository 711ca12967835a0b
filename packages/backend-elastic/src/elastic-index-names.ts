import { BadOptionError } from "@hardneg/core";

/** Characters Elasticsearch forbids in index names (its documented "Create index" rules). */
const FORBIDDEN = /[\\/*?"<>| ,#:]/;

/**
 * Throws a {@link BadOptionError} unless `name` is a valid Elasticsearch index name: lowercase,
 * none of `\ / * ? " < > | , # :` or spaces, not starting with `-`, `_` or `+`, not `.` or `..`,
 * at most 255 bytes. Names are used as they are (never rewritten), so two hardneg collections
 * can never silently land in one index.
 */
export function assertIndexName(name: unknown): asserts name is string {
  const problem = typeof name !== "string" || name === "" ? "must be a non-empty string"
    : name !== name.toLowerCase() ? `must be lowercase (Elasticsearch index names are); use "${name.toLowerCase()}"`
    : FORBIDDEN.test(name) ? "must not contain \\ / * ? \" < > | , # : or spaces"
    : /^[-_+]/.test(name) ? "must not start with -, _ or +"
    : name === "." || name === ".." ? "must not be . or .."
    : Buffer.byteLength(name, "utf8") > 255 ? "must be at most 255 bytes"
    : undefined;
  if (problem !== undefined) {
    throw new BadOptionError("collection", `invalid Elasticsearch index name ${JSON.stringify(name)}: ${problem}`, { component: "elastic" });
  }
}
