/**
 * Caps how many operations run at once across every caller sharing the limiter: a judge keeps
 * one, so concurrent `judge()` calls (one per mining batch in flight) never exceed the judge's
 * own concurrency towards the service.
 */
export class RequestLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be a whole number of at least 1, got ${concurrency}`);
  }

  /** Runs `operation` once a slot is free; the slot is released however it ends. */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await operation();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), else free it.
      const next = this.waiting.shift();
      if (next === undefined) this.active--;
      else next();
    }
  }
}
