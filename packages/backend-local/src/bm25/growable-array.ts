/** Typed-array constructors the growable buffers support. */
type NumericArrayConstructor = Uint32ArrayConstructor | Float64ArrayConstructor;

/**
 * An append-only numeric buffer over a typed array that doubles when full: index building
 * appends tens of millions of numbers, which plain JS arrays would box and fragment.
 */
export class GrowableArray<Constructor extends NumericArrayConstructor> {
  private buffer: InstanceType<Constructor>;
  length = 0;

  constructor(
    private readonly constructorOf: Constructor,
    initialCapacity = 1024,
  ) {
    this.buffer = new constructorOf(Math.max(16, initialCapacity)) as InstanceType<Constructor>;
  }

  push(value: number): void {
    if (this.length === this.buffer.length) this.grow(this.length + 1);
    this.buffer[this.length++] = value;
  }

  /** The values appended so far, as a view (no copy). Valid until the next push. */
  view(): InstanceType<Constructor> {
    return this.buffer.subarray(0, this.length) as InstanceType<Constructor>;
  }

  /** The values appended so far, trimmed to an exact-size array (one copy). */
  toTrimmedArray(): InstanceType<Constructor> {
    return this.buffer.slice(0, this.length) as InstanceType<Constructor>;
  }

  private grow(minimumCapacity: number): void {
    let capacity = this.buffer.length * 2;
    while (capacity < minimumCapacity) capacity *= 2;
    const larger = new this.constructorOf(capacity) as InstanceType<Constructor>;
    larger.set(this.buffer);
    this.buffer = larger;
  }
}
