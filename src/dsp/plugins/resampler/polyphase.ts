// Streaming rational polyphase resampler (dsp.md 4.2): interleaved float64 in, interleaved float64
// out, any channel count. Output sample m sits at input time m*M/L exactly (integer phase
// accumulator, no drift); output 0 is aligned with input 0 and the total output length of a stream
// is round(inputFrames * L / M), so nothing needs trimming and gapless joins stay sample-accurate.

import { AurisError } from '../../../util/errors.ts';
import type { PolyphaseDesign } from './design.ts';

/** Input frames taken into the history buffer per step; bounds memory whatever the block size. */
const CHUNK_FRAMES = 8192;

export class PolyphaseResampler {
  readonly channels: number;
  readonly design: PolyphaseDesign;
  /** Per-channel history: taps-1 samples of past plus up to CHUNK_FRAMES new ones. */
  private readonly history: Float64Array[];
  private readonly capacity: number;
  /** Valid samples in each history buffer. */
  private filled = 0;
  /** History index of the first tap of the next output. */
  private pos = 0;
  /** Phase (0..L-1) of the next output. */
  private phase = 0;
  private framesIn = 0;
  private framesOut = 0;
  private out = new Float64Array(0);
  private readonly zeros: Float64Array;

  constructor(design: PolyphaseDesign, channels: number) {
    if (!Number.isInteger(channels) || channels < 1) throw new AurisError('E_INVALID_ARGUMENT', `bad channel count ${channels}`);
    this.design = design;
    this.channels = channels;
    this.capacity = design.taps + CHUNK_FRAMES;
    this.history = Array.from({ length: channels }, () => new Float64Array(this.capacity));
    this.zeros = new Float64Array(Math.min(CHUNK_FRAMES, design.taps) * channels);
    this.reset();
  }

  /** Input frames of look-ahead the filter needs before an output can be produced (taps/2). */
  get lookahead(): number {
    return this.design.taps / 2;
  }

  /** Clears all state (for a seek or a new stream); the next input frame is time 0 again. */
  reset(): void {
    for (const h of this.history) h.fill(0);
    // History starts with taps/2 - 1 zeros standing for inputs -(taps/2-1)..-1.
    this.filled = this.design.taps / 2 - 1;
    this.pos = 0;
    this.phase = 0;
    this.framesIn = 0;
    this.framesOut = 0;
  }

  /**
   * Resamples `frames` interleaved frames of `input`. Returns the output frames that are complete
   * so far, interleaved; the array is a view of an internal buffer valid until the next call.
   */
  process(input: Float64Array, frames = input.length / this.channels): Float64Array {
    if (!Number.isInteger(frames) || frames < 0 || frames * this.channels > input.length) {
      throw new AurisError('E_INVALID_ARGUMENT', `process: ${frames} frames do not fit an input of ${input.length} samples`);
    }
    const maxOut = Math.ceil(((frames + this.design.taps) * this.design.up) / this.design.down) + 2;
    this.ensureOut(maxOut * this.channels);
    let produced = 0;
    let offset = 0;
    while (offset < frames) {
      const n = Math.min(frames - offset, this.capacity - this.filled);
      this.append(input, offset, n);
      offset += n;
      this.framesIn += n;
      produced = this.run(produced, Infinity);
      this.compact();
    }
    this.framesOut += produced;
    return this.out.subarray(0, produced * this.channels);
  }

  /**
   * Ends the stream: feeds the look-ahead of zeros and returns the last output frames, so the stream
   * totals round(inputFrames * L / M). Then resets, ready for a new stream.
   */
  flush(): Float64Array {
    const target = Math.round((this.framesIn * this.design.up) / this.design.down);
    let remaining = target - this.framesOut;
    this.ensureOut((Math.max(remaining, 0) + 2) * this.channels);
    let produced = 0;
    let zerosLeft = this.design.taps;
    while (remaining > 0 && zerosLeft > 0) {
      const n = Math.min(zerosLeft, this.capacity - this.filled, this.zeros.length / this.channels);
      this.append(this.zeros, 0, n);
      zerosLeft -= n;
      const before = produced;
      produced = this.run(produced, produced + remaining);
      remaining -= produced - before;
      this.compact();
    }
    const result = this.out.subarray(0, produced * this.channels);
    this.reset();
    return result;
  }

  private ensureOut(samples: number): void {
    if (this.out.length < samples) this.out = new Float64Array(Math.max(samples, this.out.length * 2));
  }

  private append(input: Float64Array, frameOffset: number, frames: number): void {
    const ch = this.channels;
    for (let c = 0; c < ch; c++) {
      const h = this.history[c]!;
      let j = frameOffset * ch + c;
      const end = this.filled + frames;
      for (let i = this.filled; i < end; i++, j += ch) h[i] = input[j]!;
    }
    this.filled += frames;
  }

  /** Drops history before the next output's first tap so new input fits. */
  private compact(): void {
    const keep = this.filled - this.pos;
    if (this.pos === 0) return;
    for (const h of this.history) h.copyWithin(0, this.pos, this.filled);
    this.filled = keep;
    this.pos = 0;
  }

  /**
   * Computes outputs while the history holds all their taps (and the count is below `limit`),
   * writing interleaved from output frame `start`. Returns the new output frame count.
   */
  private run(start: number, limit: number): number {
    const { taps, up, coefs } = this.design;
    const down = this.design.down;
    const whole = Math.floor(down / up);
    const rest = down % up;
    const ch = this.channels;
    const out = this.out;
    const filled = this.filled;
    const taps4 = taps & ~3;
    let count = 0;
    for (let c = 0; c < ch; c++) {
      const h = this.history[c]!;
      let pos = this.pos;
      let phase = this.phase;
      let m = start;
      let o = start * ch + c;
      while (pos + taps <= filled && m < limit) {
        const base = phase * taps;
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        let k = 0;
        for (; k < taps4; k += 4) {
          a0 += h[pos + k]! * coefs[base + k]!;
          a1 += h[pos + k + 1]! * coefs[base + k + 1]!;
          a2 += h[pos + k + 2]! * coefs[base + k + 2]!;
          a3 += h[pos + k + 3]! * coefs[base + k + 3]!;
        }
        for (; k < taps; k++) a0 += h[pos + k]! * coefs[base + k]!;
        out[o] = (a0 + a1) + (a2 + a3);
        o += ch;
        m++;
        phase += rest;
        pos += whole;
        if (phase >= up) {
          phase -= up;
          pos++;
        }
      }
      if (c === ch - 1) {
        this.pos = pos;
        this.phase = phase;
        count = m;
      }
    }
    return count;
  }
}
