import type { Engine } from "@hardneg/core";
import { createEmbedder, type EmbedderCommandOptions } from "./embedder-spec.js";
import { openEngine, type EngineAccess } from "./engine.js";
import { nameEngine, namingFailures } from "./operational-errors.js";

/**
 * Opens the engine (with the embedder, if any) for what the command does with it (`access`:
 * only load creates a database, read-only commands open it read-only), runs the command, and
 * always closes both. An operational failure (a SQLite or file-system error) is tagged with the
 * engine, since SQLite's errors name no file.
 */
export async function withEngine(
  spec: string,
  access: EngineAccess,
  run: (engine: Engine) => Promise<void>,
  embedderOptions: EmbedderCommandOptions = {},
): Promise<void> {
  const embedder = createEmbedder(embedderOptions);
  try {
    const engine = await openEngine(spec, {
      access,
      ...(embedder === undefined ? {} : { embedder }),
      ...(embedderOptions.vectorIndex === undefined ? {} : { vectorIndex: embedderOptions.vectorIndex }),
      ...(embedderOptions.searchThreads === undefined ? {} : { searchThreads: embedderOptions.searchThreads }),
    });
    try {
      await run(engine);
    } finally {
      await engine.close?.();
    }
  } catch (error) {
    throw nameEngine(error, spec);
  } finally {
    await embedder?.close?.();
  }
}

/** The `--engine` and `--store` of a command; `store` absent or equal to `engine` means one engine does both. */
export interface EngineAndStoreSpecs {
  engine: string;
  store?: string;
}

/**
 * Runs a command that searches documents in `--engine` and keeps everything else (queries,
 * hard negatives, run records) in `--store`. Without a separate store this is
 * {@link withEngine} with `storeAccess`, the engine passed as both. With one, the engine is
 * opened with `engineAccess` and the embedder, the store with `storeAccess` and no embedder
 * (it only keeps records); each one's failures name it, and both are always closed.
 */
export async function withEngineAndStore(
  specs: EngineAndStoreSpecs,
  access: { engine: EngineAccess; store: EngineAccess },
  run: (engine: Engine, store: Engine) => Promise<void>,
  embedderOptions: EmbedderCommandOptions = {},
): Promise<void> {
  const storeSpec = specs.store;
  if (storeSpec === undefined || storeSpec === specs.engine) {
    return withEngine(specs.engine, access.store, (engine) => run(engine, engine), embedderOptions);
  }
  return withEngine(
    specs.engine,
    access.engine,
    async (engine) => {
      await withEngine(storeSpec, access.store, (store) => run(namingFailures(engine, specs.engine), namingFailures(store, storeSpec)));
    },
    embedderOptions,
  );
}
