import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { EngineFilesOf } from "@hardneg/core/adapter";

/** A location with a URI scheme ("s3://", "file://"): LanceDB accepts those besides folders. */
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The LanceDB folder at `location` (also given as a file: URL); none for a remote URI. The convention's `engineFiles` export. */
export const engineFiles: EngineFilesOf = (location) => {
  if (URI.test(location) && !location.startsWith("file://")) return [];
  const path = resolve(location.startsWith("file://") ? fileURLToPath(location) : location);
  return [{ path, role: "LanceDB folder", folder: true }];
};
