/**
 * The URL of a worker thread's entry file beside this one. Under vitest the sources run as
 * TypeScript, which a worker thread cannot load: it runs the built file instead (`pnpm test`
 * builds every package before testing it).
 */
export function workerFile(name: string): URL {
  return import.meta.url.endsWith(".ts")
    ? new URL(`../../dist/bm25/${name}.js`, import.meta.url)
    : new URL(`./${name}.js`, import.meta.url);
}

/** What a worker thread sends back when its work throws: the stack, so the failure names where. */
export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
