import { createHash } from "node:crypto";

/** hardneg's UUIDv5 namespace (a fixed random UUID), so our ids never collide with others'. */
export const HARDNEG_NAMESPACE = "7d3f0c2e-9a51-4b8e-8f36-2c1d5e7a9b40";

/** RFC 9562 UUID version 5 (SHA-1, name-based): the same name always gives the same id. */
export function uuidV5(name: string, namespace: string = HARDNEG_NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (namespaceBytes.length !== 16) throw new TypeError(`not a UUID namespace: ${namespace}`);
  const hash = createHash("sha1").update(namespaceBytes).update(name, "utf8").digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A short stable id for a piece of content (queries with no id field get one from their text). */
export function contentId(text: string): string {
  return `q-${createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16)}`;
}
