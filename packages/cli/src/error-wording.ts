import type { Command } from "commander";

/** Core's option names that are not their CLI flag's name in camelCase. */
const RENAMED_OPTIONS: Readonly<Record<string, string>> = {
  "hardNegativesCollection.collectionName": "--out-collection",
  "docsCollection.collectionName": "--docs-collection",
  "queriesCollection.collectionName": "--queries-collection",
  "docsCollection.language": "--language",
};

/** Every long flag of the program and its subcommands: "--gold-ids-key", "--mode", ... */
export function cliFlagsOf(program: Command): ReadonlySet<string> {
  const flags = new Set<string>();
  const visit = (command: Command) => {
    for (const option of command.options) if (option.long !== undefined) flags.add(option.long);
    command.commands.forEach(visit);
  };
  visit(program);
  return flags;
}

function flagFor(name: string, flags: ReadonlySet<string>): string | undefined {
  const renamed = RENAMED_OPTIONS[name];
  if (renamed !== undefined) return renamed;
  const flag = `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  return flags.has(flag) ? flag : undefined;
}

/**
 * `message` in the CLI's terms: core names options as the API does ("option rangeMin: is 5,
 * above rangeMax 2", "goldIdsKey"); a CLI user can only act on flags ("--range-min: is 5, above
 * --range-max 2"). Names without a CLI flag are left as they are.
 */
export function inCliTerms(message: string, flags: ReadonlySet<string>): string {
  const located = message.replace(/\boption ([A-Za-z.]+)/g, (whole, name: string) => flagFor(name, flags) ?? whole);
  return located.replace(/(?<![-\w."])[a-z]+(?:[A-Z][a-z0-9]*)+\b/g, (name) => flagFor(name, flags) ?? name);
}

/**
 * A hint for an error a flag would fix, or "". A search mode the engine does not offer is, on
 * the local engine, a missing `--embedder` (it searches by vector only with one).
 */
export function fixHint(message: string, argv: readonly string[]): string {
  const unofferedVectorMode = /--mode: search mode "(vector|hybrid)" is not offered/.test(message);
  if (unofferedVectorMode && !argv.includes("--embedder")) {
    return "; the local engine offers vector and hybrid search with --embedder <spec> (see --help)";
  }
  return "";
}
