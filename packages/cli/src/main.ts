#!/usr/bin/env node
import { run } from "./program.js";

// A reader that stops reading (`hardneg export --output - | head`) ends the command quietly, as with
// other Unix tools, instead of an unhandled EPIPE stack trace. A run stopped this way resumes when re-run.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

process.exitCode = await run(process.argv.slice(2));
