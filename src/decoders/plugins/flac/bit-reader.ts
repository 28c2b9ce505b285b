// MSB-first bit reader over a byte range of a Uint8Array, with a 32-bit cache, for frame and
// subframe headers (the residuals, the bulk of a frame, are read by the kernel: kernel.ts). It
// never reads a byte at or past `end`: asking for more bits than remain throws BitUnderflow, which
// the frame decoder turns into "need more data" (the window grows) or E_TRUNCATED (at the end of
// the file).

/** Thrown when a read needs bits past the end of the reader's range. */
export class BitUnderflow extends Error {
  constructor() {
    super('bit reader ran past the end of its data');
    this.name = 'BitUnderflow';
  }
}

/** Thrown when a Rice code decodes to a value that does not fit 32 bits (corrupt data). */
export class RiceOverflow extends Error {
  constructor() {
    super('Rice-coded residual does not fit in 32 bits');
    this.name = 'RiceOverflow';
  }
}

export class BitReader {
  private buf: Uint8Array = new Uint8Array(0);
  /** Next byte to load into the cache. */
  private pos = 0;
  /** First byte the reader may not read. */
  private end = 0;
  /** Unread bits, left-aligned; every bit below the `bits` valid ones is zero. */
  private cache = 0;
  /** Valid bits in `cache` (0..32). */
  private bits = 0;

  /** Starts reading `buf` at byte `start`; bytes at `end` and beyond are never read. */
  reset(buf: Uint8Array, start: number, end: number): void {
    this.buf = buf;
    this.pos = start;
    this.end = Math.min(end, buf.length);
    this.cache = 0;
    this.bits = 0;
  }

  /** The buffer being read. */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /** Index of the next unread byte; only meaningful when byte-aligned. */
  bytePosition(): number {
    return this.pos - (this.bits >>> 3);
  }

  /** Bits left before `end`. */
  bitsLeft(): number {
    return (this.end - this.pos) * 8 + this.bits;
  }

  isByteAligned(): boolean {
    return (this.bits & 7) === 0;
  }

  /** Skips to the next byte boundary and returns the skipped bits (FLAC requires them to be zero). */
  alignToByte(): number {
    const n = this.bits & 7;
    return n === 0 ? 0 : this.readBits(n);
  }

  private refill(): void {
    let cache = this.cache;
    let bits = this.bits;
    let pos = this.pos;
    const end = this.end;
    const buf = this.buf;
    while (bits <= 24 && pos < end) {
      cache |= buf[pos++]! << (24 - bits);
      bits += 8;
    }
    this.cache = cache;
    this.bits = bits;
    this.pos = pos;
  }

  /** Reads `n` bits (0..32) as an unsigned number. */
  readBits(n: number): number {
    if (n > 24) {
      const high = this.readBits(n - 16);
      return high * 65536 + this.readBits(16);
    }
    if (n === 0) return 0;
    if (this.bits < n) {
      this.refill();
      if (this.bits < n) throw new BitUnderflow();
    }
    const v = this.cache >>> (32 - n);
    this.cache <<= n;
    this.bits -= n;
    return v;
  }

  /** Reads an `n`-bit two's-complement number (1..33 bits; 33 comes from side channels of 32-bit audio). */
  readSigned(n: number): number {
    if (n === 33) {
      const negative = this.readBits(1);
      const low = this.readBits(32);
      return negative ? low - 4294967296 : low;
    }
    const v = this.readBits(n);
    return n === 32 ? v | 0 : (v << (32 - n)) >> (32 - n);
  }

  /** Counts zero bits up to and including the next one bit; returns the number of zeros. */
  readUnary(): number {
    let count = 0;
    while (this.cache === 0) {
      count += this.bits;
      this.bits = 0;
      if (this.pos >= this.end) throw new BitUnderflow();
      this.refill();
    }
    const zeros = Math.clz32(this.cache);
    this.cache = (this.cache << zeros) << 1;
    this.bits -= zeros + 1;
    return count + zeros;
  }

  /** Bits read since the start of the buffer (not of the range): where the kernel takes over. */
  bitPosition(): number {
    return this.pos * 8 - this.bits;
  }

  /** Continues at bit `position` of the buffer (as bitPosition counts), inside the range. */
  seekBit(position: number): void {
    this.pos = position >>> 3;
    this.cache = 0;
    this.bits = 0;
    const skip = position & 7;
    if (skip !== 0) this.readBits(skip);
  }
}
