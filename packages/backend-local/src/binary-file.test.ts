import { closeSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { alignUp, headerBlock, HEADER_PREFIX_BYTES, openIfReadable, readFully, readHeader, writeFileAtomically } from "./binary-file.js";

const folders: string[] = [];
afterEach(() => {
  while (folders.length > 0) rmSync(folders.pop()!, { recursive: true, force: true });
});

function folder(): string {
  const created = mkdtempSync(join(tmpdir(), "hardneg-binary-file-"));
  folders.push(created);
  return created;
}

describe("binary-file", () => {
  it("writes a header block and data that read back whole, the data starting on an 8-byte boundary", () => {
    const file = join(folder(), "data.bin");
    const data = new Float32Array([1.5, -2, 3.25]);
    writeFileAtomically(file, (append) => {
      append(headerBlock("TESTv001", { rows: 3, checksum: 7 }));
      append(new Uint8Array(data.buffer));
    });
    const descriptor = openIfReadable(file)!;
    try {
      const read = readHeader<{ rows: number }>(descriptor, "TESTv001", "TESTv");
      if (read.status !== "read") throw new Error(`header not read: ${read.status}`);
      expect(read.header).toEqual({ rows: 3, checksum: 7 });
      const dataStart = alignUp(HEADER_PREFIX_BYTES + read.jsonBytes);
      expect(dataStart % 8).toBe(0);
      const back = new Float32Array(3);
      expect(readFully(descriptor, new Uint8Array(back.buffer), dataStart)).toBe(true);
      expect([...back]).toEqual([1.5, -2, 3.25]);
      expect(readFully(descriptor, new Uint8Array(16), dataStart)).toBe(false);
      expect(readHeader(descriptor, "TESTv002", "TESTv")).toEqual({ status: "other-version" });
      expect(readHeader(descriptor, "OTHERv01", "OTHERv")).toEqual({ status: "damaged", reason: "not a file of this format" });
    } finally {
      closeSync(descriptor);
    }
  });

  it("pads the header into a requested slot, and leaves neither a temporary file nor a target after a failed write", () => {
    expect(headerBlock("TESTv001", {}, 64).byteLength).toBe(64);
    const directory = folder();
    const file = join(directory, "data.bin");
    expect(() =>
      writeFileAtomically(file, (append) => {
        append(new Uint8Array([1, 2, 3]));
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    expect(readdirSync(directory)).toEqual([]);
    expect(openIfReadable(file)).toBeUndefined();
  });

  it("replaces an existing file whole", () => {
    const file = join(folder(), "data.bin");
    writeFileAtomically(file, (append) => append(new Uint8Array([1, 2, 3, 4])));
    writeFileAtomically(file, (append) => append(new Uint8Array([9])));
    expect([...readFileSync(file)]).toEqual([9]);
  });
});
