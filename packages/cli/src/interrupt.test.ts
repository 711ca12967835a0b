import { describe, expect, it } from "vitest";
import { interruptMessage } from "./interrupt.js";

describe("interruptMessage", () => {
  it("tells a batch-committing command's user to re-run it to resume", () => {
    for (const command of ["mine", "compare", "judge"]) {
      expect(interruptMessage(command), command).toMatch(
        new RegExp(`^\\[hardneg\\] ${command} interrupted: .*re-run the same command to resume$`),
      );
    }
  });

  it("tells a load's or an export's user nothing half-done was kept, naming the subcommand", () => {
    const message = interruptMessage("load beir");
    expect(message).toMatch(/^\[hardneg\] load beir interrupted: .*nothing half-done/);
    expect(message, "no promise of resuming").not.toMatch(/resume/);
    expect(interruptMessage("export")).toMatch(/^\[hardneg\] export interrupted: .*all or nothing/);
  });
});
