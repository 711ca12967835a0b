import { readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { temporaryFolder } from "../test-support.js";
import { writeReportFile } from "./write-report.js";

const folder = temporaryFolder();
afterAll(() => folder.remove());

describe("writeReportFile", () => {
  it("never writes through a symlink planted at the old temporary name <report>.tmp-<pid>", async () => {
    const victim = join(folder.path, "victim.txt");
    writeFileSync(victim, "not yours to overwrite\n");
    const output = join(folder.path, "planted.html");
    symlinkSync(victim, `${output}.tmp-${process.pid}`);
    expect(await writeReportFile(output, "<p>report</p>\n")).toBe(output);
    expect(readFileSync(victim, "utf8")).toBe("not yours to overwrite\n");
    expect(readlinkSync(`${output}.tmp-${process.pid}`)).toBe(victim);
    expect(readFileSync(output, "utf8")).toBe("<p>report</p>\n");
  });

  it("writes the page as given (ending in one newline), and leaves one of two concurrent reports whole", async () => {
    const output = join(folder.path, "nested", "report.html");
    await writeReportFile(output, "<p>no final newline</p>");
    expect(readFileSync(output, "utf8")).toBe("<p>no final newline</p>\n");
    const pages = ["<p>first</p>\n".repeat(50_000), "<p>second</p>\n".repeat(40_000)];
    await Promise.all(pages.map((page) => writeReportFile(output, page)));
    expect(pages).toContain(readFileSync(output, "utf8"));
    expect(readdirSync(join(folder.path, "nested"))).toEqual(["report.html"]);
  });
});
