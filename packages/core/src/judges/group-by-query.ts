import type { JudgeItem } from "./judge.js";

/**
 * Item indexes grouped by query id, groups in order of first appearance and indexes in order
 * within a group: a rerank judge scores one query's golds and candidates in one request.
 */
export function groupByQuery(items: readonly JudgeItem[]): number[][] {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const group = groups.get(item.queryId);
    if (group === undefined) groups.set(item.queryId, [index]);
    else group.push(index);
  });
  return [...groups.values()];
}
