// MSB-first bit reader over a byte range of a Uint8Array, with a 32-bit cache. It never reads a
// byte at or past `end`: asking for more bits than remain throws BitUnderflow, which the frame
// decoder turns into "need more data" (the window grows) or E_TRUNCATED (at the end of the file).

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

  /**
   * Decodes `count` Rice-coded residuals with parameter `k` (0..30) into dst[start..start+count),
   * un-zigzagged to signed values (RFC 9639 section 9.2.7.3). The hot loop of FLAC decoding.
   */
  readRice(dst: Int32Array, start: number, count: number, k: number): void {
    if (k > 24) {
      this.readRiceWide(dst, start, count, k);
      return;
    }
    const buf = this.buf;
    const end = this.end;
    let cache = this.cache;
    let bits = this.bits;
    let pos = this.pos;
    const stop = start + count;
    const quotientLimit = k === 0 ? 0xffffffff : 0xffffffff >>> k;
    for (let i = start; i < stop; i++) {
      // Top the cache up to 25..32 bits with one 4-byte load while 4 bytes remain (a whole
      // residual usually fits, so the slower refills below rarely run); byte by byte at the end.
      if (bits <= 24) {
        if (pos + 4 <= end) {
          const take = (32 - bits) & ~7;
          const word = (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
          cache |= (word >>> (32 - take)) << (32 - take - bits);
          pos += take >> 3;
          bits += take;
        } else {
          while (bits <= 24 && pos < end) {
            cache |= buf[pos++]! << (24 - bits);
            bits += 8;
          }
        }
      }
      let q = 0;
      while (cache === 0) {
        q += bits;
        bits = 0;
        if (pos >= end) {
          this.cache = cache; this.bits = bits; this.pos = pos;
          throw new BitUnderflow();
        }
        while (bits <= 24 && pos < end) {
          cache |= buf[pos++]! << (24 - bits);
          bits += 8;
        }
      }
      const zeros = Math.clz32(cache);
      q += zeros;
      cache = (cache << zeros) << 1;
      bits -= zeros + 1;
      let v = q;
      if (k !== 0) {
        if (bits < k) {
          while (bits <= 24 && pos < end) {
            cache |= buf[pos++]! << (24 - bits);
            bits += 8;
          }
          if (bits < k) {
            this.cache = cache; this.bits = bits; this.pos = pos;
            throw new BitUnderflow();
          }
        }
        if (q > quotientLimit) throw new RiceOverflow();
        v = (q << k) | (cache >>> (32 - k));
        cache <<= k;
        bits -= k;
      } else if (q > quotientLimit) {
        throw new RiceOverflow();
      }
      dst[i] = (v >>> 1) ^ -(v & 1);
    }
    this.cache = cache;
    this.bits = bits;
    this.pos = pos;
  }

  /** readRice for parameters above 24 bits (rare: only extremely loud noise needs them). */
  private readRiceWide(dst: Int32Array, start: number, count: number, k: number): void {
    const scale = 2 ** k;
    for (let i = start, stop = start + count; i < stop; i++) {
      const v = this.readUnary() * scale + this.readBits(k);
      if (v > 0xffffffff) throw new RiceOverflow();
      dst[i] = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    }
  }
}
