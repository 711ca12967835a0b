import { vi } from "vitest";
import { ParallelScan } from "../bm25/parallel-build.js";

/**
 * Sends the first "lay out" request to its build thread without its part: the thread fails in its
 * own code and answers with the error, as a real failure would. Returns whether that happened yet.
 * Restored by `vi.restoreAllMocks()`.
 */
export function breakFirstLayOut(): () => boolean {
  const ask = ParallelScan.prototype.ask;
  let broken = false;
  vi.spyOn(ParallelScan.prototype, "ask").mockImplementation(function (this: ParallelScan, thread, request) {
    const breaking = request.kind === "lay out" && !broken;
    broken ||= breaking;
    return ask.call(this, thread, breaking ? { ...request, part: undefined as never } : request);
  });
  return () => broken;
}
