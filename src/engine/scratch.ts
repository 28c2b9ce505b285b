// Buffers that grow and are reused block after block, so steady playback allocates no new
// ArrayBuffer per block. A view handed out stays valid until the next `take` of the same scratch.

type Samples = Uint8Array | Int32Array | Float64Array;

/** One reused typed array: `take(n)` is a view of its first n elements (contents unspecified). */
export class Scratch<T extends Samples> {
  private buffer: T;

  constructor(private readonly make: (length: number) => T) {
    this.buffer = make(0);
  }

  take(length: number): T {
    // Half again the old size, so a slowly growing request settles after a few blocks.
    if (this.buffer.length < length) this.buffer = this.make(Math.max(length, Math.ceil(this.buffer.length * 1.5)));
    return this.buffer.subarray(0, length) as T;
  }

  /** True when `view` shares this scratch's memory (a view it handed out). */
  holds(view: Samples): boolean {
    return view.buffer === this.buffer.buffer;
  }
}

export const byteScratch = (): Scratch<Uint8Array> => new Scratch((n) => new Uint8Array(n));
export const int32Scratch = (): Scratch<Int32Array> => new Scratch((n) => new Int32Array(n));
export const float64Scratch = (): Scratch<Float64Array> => new Scratch((n) => new Float64Array(n));
