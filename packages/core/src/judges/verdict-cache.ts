import { createHash } from "node:crypto";
import type { Store } from "../backend.js";
import { uuidV5 } from "../ids.js";
import type { Judge, JudgeItem, Verdict } from "./judge.js";

/** The Store collection holding cached verdicts (one record per judged pair). */
export const JUDGEMENTS_COLLECTION = "hardneg_judgements";

/**
 * Where verdicts are kept so that a pair is paid for once. Only real verdicts are saved: an
 * unjudged item (`relevant: null`) is asked again by the next run.
 */
export interface VerdictCache {
  /** Cached verdicts in item order; undefined where the pair was never judged. */
  lookup(judge: Judge, items: readonly JudgeItem[]): Promise<(Verdict | undefined)[]>;
  /** Saves the judged verdicts of `items` (same order); unjudged ones are skipped. */
  save(judge: Judge, items: readonly JudgeItem[], verdicts: readonly Verdict[]): Promise<void>;
}

/**
 * The deterministic id of one judged pair: a UUIDv5 of the judge id, its version (the prompt
 * version) and SHA-256 hashes of the query text, the gold texts and the candidate text. The gold
 * texts are part of it because both judges show them: the same pair judged against other golds
 * is another question.
 */
export function judgementIdOf(judge: Pick<Judge, "id" | "version">, item: JudgeItem): string {
  const hash = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
  return uuidV5(
    ["judgement", judge.id, judge.version ?? "", hash(item.queryText), hash(JSON.stringify(item.goldTexts)), hash(item.candidateText)].join(
      "|",
    ),
  );
}

/**
 * A {@link VerdictCache} kept as a collection of the run's own Store (default
 * {@link JUDGEMENTS_COLLECTION}), so it works with every backend, survives `kill -9` like the
 * rows do, and travels with the database. Records hold the verdict, the judge id and version,
 * and the query and candidate ids; never texts and never credentials.
 */
export class StoreVerdictCache implements VerdictCache {
  private created = false;

  constructor(
    private readonly store: Store,
    readonly collection: string = JUDGEMENTS_COLLECTION,
  ) {}

  async lookup(judge: Judge, items: readonly JudgeItem[]): Promise<(Verdict | undefined)[]> {
    // Reading never creates the collection, so a dry run leaves the store untouched.
    if (items.length === 0 || !(this.created || (await this.store.hasCollection(this.collection)))) return items.map(() => undefined);
    const ids = items.map((item) => judgementIdOf(judge, item));
    const records = await this.store.getRecords(this.collection, [...new Set(ids)]);
    return ids.map((id) => {
      const properties = records.get(id)?.properties;
      if (properties === undefined || typeof properties["relevant"] !== "boolean") return undefined;
      const verdict: Verdict = { relevant: properties["relevant"] };
      if (typeof properties["score"] === "number") verdict.score = properties["score"];
      if (typeof properties["reason"] === "string") verdict.reason = properties["reason"];
      return verdict;
    });
  }

  async save(judge: Judge, items: readonly JudgeItem[], verdicts: readonly Verdict[]): Promise<void> {
    const records = items.flatMap((item, index) => {
      const verdict = verdicts[index];
      if (verdict === undefined || verdict.relevant === null) return [];
      return [
        {
          id: judgementIdOf(judge, item),
          properties: {
            judge_id: judge.id,
            judge_version: judge.version ?? "",
            query_id: item.queryId,
            candidate_id: item.candidateId,
            relevant: verdict.relevant,
            score: verdict.score ?? null,
            reason: verdict.reason ?? null,
          },
        },
      ];
    });
    if (records.length === 0) return;
    if (!this.created) {
      await this.store.createCollection({ name: this.collection, kind: "records" });
      this.created = true;
    }
    await this.store.upsert(this.collection, records);
  }
}
