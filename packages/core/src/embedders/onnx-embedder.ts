import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { BadOptionError } from "../errors.js";
import { CachedEmbedding } from "./cached-embedding.js";
import { CachingEmbedder } from "./caching-embedder.js";
import type { EmbedderBaseOptions } from "./embedder.js";
import { prefixSuffix } from "./openai-compatible-embedder.js";

const COMPONENT = "onnx-embedder";
const PACKAGE = "@huggingface/transformers";

/** Options of {@link OnnxEmbedder}. */
export interface OnnxEmbedderOptions extends EmbedderBaseOptions {
  /**
   * A local model folder (config.json, tokenizer.json, onnx/model.onnx) or a Hugging Face model
   * id such as "Xenova/all-MiniLM-L6-v2" (downloaded once into transformers.js' cache).
   */
  model: string;
  /** Weights variant, as transformers.js names them ("fp32" loads onnx/model.onnx). Default "fp32". */
  dtype?: "fp32" | "fp16" | "q8" | "int8" | "uint8" | "q4" | "bnb4" | "q4f16";
  /** How token vectors become one vector. Default "mean" (over real tokens). */
  pooling?: "mean" | "cls";
  /** L2-normalise the pooled vectors. Default true. */
  normalize?: boolean;
  /**
   * Whether a model id may be downloaded. Default: true for a model id, and never for a local
   * folder (loaded with `local_files_only`).
   */
  allowRemoteModels?: boolean;
}

/** The part of transformers.js this embedder uses, typed structurally (it is an optional peer). */
interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline: (task: "feature-extraction", model: string, options: Record<string, unknown>) => Promise<FeatureExtractor>;
}
type FeatureExtractor = ((
  texts: string[],
  options: { pooling: string; normalize: boolean },
) => Promise<{ dims: number[]; data: Float32Array }>) & {
  dispose?: () => Promise<void>;
};

/** transformers.js' `env` is global: loads are serialised so two models never see each other's settings. */
let loading: Promise<unknown> = Promise.resolve();

/**
 * A local ONNX sentence embedder on `@huggingface/transformers` (an optional peer dependency,
 * imported only when the first text is embedded). Runs in-process on the CPU; batches of 32
 * texts, one at a time by default (onnxruntime already uses every core), cached on disk.
 */
export class OnnxEmbedder extends CachingEmbedder {
  readonly id: string;
  protected readonly embedding: CachedEmbedding;
  private readonly folder: string | undefined;
  private extractor: Promise<FeatureExtractor> | undefined;

  constructor(private readonly options: OnnxEmbedderOptions) {
    super();
    const model = options?.model;
    if (typeof model !== "string" || model.trim() === "")
      throw new BadOptionError("model", "name a model folder or a Hugging Face model id", { component: COMPONENT });
    const looksLikePath = /^(\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/])/.test(model);
    if (existsSync(model) && statSync(model).isDirectory()) {
      this.folder = resolve(model);
    } else if (looksLikePath) {
      throw new BadOptionError(
        "model",
        `model folder ${model} does not exist (give a folder with config.json and onnx/model.onnx, or a Hugging Face model id)`,
        { component: COMPONENT },
      );
    }
    const variant = (options.dtype ?? "fp32") === "fp32" ? "" : `:${options.dtype}`;
    const pooling =
      (options.pooling ?? "mean") === "mean" && options.normalize !== false
        ? ""
        : `:${options.pooling ?? "mean"}${options.normalize === false ? "-raw" : ""}`;
    // A folder is identified by its name and a hash of its weights, not its path: the same model
    // copied elsewhere keeps its cache and stored vectors, a retrained one does not reuse them.
    const name = this.folder === undefined ? model : `${basename(this.folder)}@${weightsHash(this.folder, options.dtype ?? "fp32")}`;
    this.id = `onnx:${name}${variant}${pooling}${prefixSuffix(options)}`;
    this.embedding = new CachedEmbedding(this.id, options, { batchSize: 32, concurrency: 1 }, (texts) => this.run(texts));
  }

  /** Releases the model and the cache file. */
  async close(): Promise<void> {
    this.embedding.close();
    const extractor = this.extractor;
    this.extractor = undefined;
    if (extractor !== undefined) await (await extractor.catch(() => undefined))?.dispose?.();
  }

  private async run(texts: string[]): Promise<Float32Array[]> {
    this.extractor ??= this.load();
    const extractor = await this.extractor;
    const output = await extractor(texts, { pooling: this.options.pooling ?? "mean", normalize: this.options.normalize ?? true });
    const [rows, dimension] = output.dims;
    if (rows !== texts.length || dimension === undefined)
      throw new Error(`model returned shape [${output.dims.join(", ")}] for ${texts.length} texts`);
    this.currentDimension = dimension;
    return Array.from({ length: rows }, (_, row) => output.data.slice(row * dimension, (row + 1) * dimension));
  }

  private load(): Promise<FeatureExtractor> {
    const attempt = loading.then(async () => {
      let transformers: TransformersModule;
      try {
        transformers = (await import(PACKAGE)) as unknown as TransformersModule;
      } catch (cause) {
        throw new BadOptionError("embedder", `the onnx embedder needs the optional package ${PACKAGE}; install it next to @hardneg/core`, {
          component: COMPONENT,
          cause,
        });
      }
      const { env, pipeline } = transformers;
      const local = this.folder !== undefined;
      env.allowLocalModels = true;
      env.allowRemoteModels = local ? false : (this.options.allowRemoteModels ?? true);
      if (local) env.localModelPath = `${dirname(this.folder!)}/`;
      try {
        return await pipeline("feature-extraction", local ? basename(this.folder!) : this.options.model, {
          dtype: this.options.dtype ?? "fp32",
          local_files_only: local || env.allowRemoteModels === false,
        });
      } catch (cause) {
        throw new BadOptionError("embedder", `could not load model ${this.options.model}: ${(cause as Error)?.message ?? String(cause)}`, {
          component: COMPONENT,
          cause,
        });
      }
    });
    loading = attempt.catch(() => undefined);
    return attempt;
  }
}

/** File-name suffix transformers.js gives each weights variant (`onnx/model<suffix>.onnx`). */
const DTYPE_SUFFIXES: Record<string, string> = {
  fp32: "",
  fp16: "_fp16",
  q8: "_quantized",
  int8: "_int8",
  uint8: "_uint8",
  q4: "_q4",
  bnb4: "_bnb4",
  q4f16: "_q4f16",
};

/** First 12 hex digits of SHA-256 over config.json and the weights file(s) of the variant used. */
function weightsHash(folder: string, dtype: string): string {
  const hash = createHash("sha256");
  const onnxFolder = join(folder, "onnx");
  const weights = new RegExp(`^model${DTYPE_SUFFIXES[dtype] ?? `_${dtype}`}\\.onnx(_data.*)?$`);
  const onnxFiles = existsSync(onnxFolder)
    ? readdirSync(onnxFolder)
        .filter((file) => weights.test(file))
        .sort()
    : [];
  const files = [join(folder, "config.json"), ...onnxFiles.map((file) => join(onnxFolder, file))];
  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    hash.update(basename(file)).update("\u0000").update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 12);
}
