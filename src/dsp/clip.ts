// Clip detection after the last gain stage, before dither and quantisation (dsp.md section 2.3):
// counts clipped samples per channel and keeps the per-channel peak, for meters and the UI.

/** Per-channel clip counts and peaks (linear, 1.0 = full scale) since the last reset. */
export interface ClipStats {
  readonly clipped: readonly number[];
  readonly peak: readonly number[];
}

/** Counts samples outside [low, high] per channel and tracks |x| peaks. One stream, one caller. */
export class ClipCounter {
  private readonly clippedByChannel: Float64Array;
  private readonly peakByChannel: Float64Array;

  /**
   * `high`/`low` are the largest/smallest values that do not clip: for N-bit integer output
   * 1 - 2^-(N-1) and -1; for float output 1 and -1.
   */
  constructor(readonly channels: number, readonly low: number, readonly high: number) {
    this.clippedByChannel = new Float64Array(channels);
    this.peakByChannel = new Float64Array(channels);
  }

  /** Clip limits for N-bit integer output. */
  static forIntBits(channels: number, bits: number): ClipCounter {
    return new ClipCounter(channels, -1, 1 - 2 ** -(bits - 1));
  }

  /** Records one sample of channel `ch`; returns true when it clips. */
  note(ch: number, x: number): boolean {
    const a = Math.abs(x);
    if (a > this.peakByChannel[ch]!) this.peakByChannel[ch] = a;
    if (x > this.high || x < this.low) {
      this.clippedByChannel[ch]!++;
      return true;
    }
    return false;
  }

  stats(): ClipStats {
    return { clipped: Array.from(this.clippedByChannel), peak: Array.from(this.peakByChannel) };
  }

  reset(): void {
    this.clippedByChannel.fill(0);
    this.peakByChannel.fill(0);
  }
}
