import {
  BadOptionError,
  EMBEDDER_API_KEY_VARIABLES,
  OnnxEmbedder,
  OpenAiCompatibleEmbedder,
  urlHasSecrets,
  type Embedder,
} from "@hardneg/core";

/** The embedder options every command that searches or loads takes. */
export interface EmbedderCommandOptions {
  /** `onnx:<model id or folder>` or `openai:<model>`. */
  embedder?: string;
  /** Base URL of an OpenAI-compatible server (with `openai:`). */
  embedderBaseUrl?: string;
  /** Folder of the embedding cache. Default `.hardneg-cache/embeddings`. */
  embedderCache?: string;
  /** `--vector-index`: exact or approximate vector search, passed to the engine (the local engine). */
  vectorIndex?: "auto" | "exact" | "approximate";
  /** `--search-threads`: threads of the local engine's BM25 searches, passed to the engine. */
  searchThreads?: number | "auto";
}

/** An embedder the CLI opened, with the means to release it. */
export type OpenedEmbedder = Embedder & { close?: () => void | Promise<void> };

/**
 * Creates the embedder named by `--embedder`: `onnx:<model id or folder>` (a local ONNX model
 * on @huggingface/transformers) or `openai:<model>` (any server speaking OpenAI's
 * `/v1/embeddings`; key from HARDNEG_EMBEDDER_API_KEY or OPENAI_API_KEY). Undefined without it.
 */
export function createEmbedder(options: EmbedderCommandOptions): OpenedEmbedder | undefined {
  if (options.embedderBaseUrl !== undefined) checkEmbedderBaseUrl(options.embedderBaseUrl);
  const spec = options.embedder;
  if (spec === undefined) {
    if (options.embedderBaseUrl !== undefined)
      throw new BadOptionError("--embedder-base-url", "only applies with --embedder openai:<model>");
    return undefined;
  }
  const separator = spec.indexOf(":");
  const scheme = separator === -1 ? "" : spec.slice(0, separator);
  const model = separator === -1 ? "" : spec.slice(separator + 1);
  if ((scheme !== "onnx" && scheme !== "openai") || model === "") {
    throw new BadOptionError("--embedder", `expected onnx:<model id or folder> or openai:<model>, got ${JSON.stringify(spec)}`);
  }
  const cache = options.embedderCache === undefined ? {} : { directory: options.embedderCache };
  if (scheme === "onnx") {
    if (options.embedderBaseUrl !== undefined)
      throw new BadOptionError("--embedder-base-url", "only applies with --embedder openai:<model>");
    return new OnnxEmbedder({ model, cache });
  }
  return new OpenAiCompatibleEmbedder({
    model,
    cache,
    ...(options.embedderBaseUrl === undefined ? {} : { baseUrl: options.embedderBaseUrl }),
  });
}

/**
 * Refuses a `--embedder-base-url` that is not an http(s) URL or that carries a secret
 * (`user:password@` or a key in the query), as `--judge-base-url` does: a secret on the command
 * line lands in shell history, process lists and any message quoting the URL. Keys come from
 * the environment only.
 */
function checkEmbedderBaseUrl(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadOptionError("--embedder-base-url", "is not a URL; e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new BadOptionError("--embedder-base-url", `must be an http(s) URL, got ${url.protocol}`);
  if (urlHasSecrets(url)) {
    throw new BadOptionError(
      "--embedder-base-url",
      `must not contain credentials or a key; put the key in ${EMBEDDER_API_KEY_VARIABLES.join(" or ")}`,
    );
  }
}

/** Options minus the embedder and report ones, so they do not travel into a run's options. */
export function withoutEmbedderOptions<T extends object>(options: T): Omit<T, keyof EmbedderCommandOptions | "report"> {
  const {
    embedder: _embedder,
    embedderBaseUrl: _baseUrl,
    embedderCache: _cache,
    vectorIndex: _vectorIndex,
    searchThreads: _searchThreads,
    report: _report,
    ...rest
  } = options as T & EmbedderCommandOptions & { report?: unknown };
  return rest as Omit<T, keyof EmbedderCommandOptions | "report">;
}
