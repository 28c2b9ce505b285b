// The DR ("dynamic range") meter, profile FB108: foobar2000 DR Meter 1.0.8 x64 semantics, as
// specified in shared/specs/analysis.md §1.2. Every rounding step below decides the printed integer,
// so the order of operations follows the spec literally (0.01-dB keys with lround, whole boundary
// bin of the RMS histogram, strict '>' for the second peak, float32 narrowing of the track value).

import type { AudioFormat } from '../../../audio/format.ts';
import { isIntegerKind } from '../../../audio/format.ts';
import type { Analyser, AnalysisChunk } from '../../interface.ts';
import { requirePcm } from '../../interface.ts';
import { AurisError } from '../../../util/errors.ts';
import { drKernel, type DrKernel } from './kernel.ts';

/** Window length coefficient: 132480 / 44100 (binary64 0x4008085bf37612cf). */
export const DR_WINDOW_COEF = 3.0040816326530613;
const HIST_BINS = 10001;
const NO_KEY = -100000;

/** Frames per DR window at `rate`: floor(rate · 3.0040816…) (132480 at 44.1 kHz, 144195 at 48 kHz). */
export function drWindowFrames(rate: number): number {
  return Math.floor(rate * DR_WINDOW_COEF);
}

/** C `lround`: half away from zero. */
export function lround(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
}

/** 20·log10(v), -Infinity for 0. */
export function toDb(v: number): number {
  return v === 0 ? -Infinity : 20 * Math.log10(v);
}

/** The integer a DR value is displayed as: trunc(x + 0.5) (values are ≥ 0). */
export function drDisplay(dr: number): number {
  return Math.trunc(dr + 0.5);
}

/** One channel's DR figures. */
export interface DrChannelResult {
  /** Unrounded channel DR in dB (double). */
  readonly dr: number;
  /** Highest window peak (the channel's sample peak), linear. */
  readonly peak: number;
  /** √(mean of window RMS²), linear, with the ×√2 "DR RMS" factor. */
  readonly rms: number;
}

/** A track's DR figures (the row of a foo_dr.txt log). */
export interface DrResult {
  /** Track DR, float32-narrowed mean of the channel values (unrounded). */
  readonly dr: number;
  /** Displayed integer: trunc(dr + 0.5). */
  readonly drRounded: number;
  /** Peak column in dBFS: highest sample peak over channels (-Infinity for silence). */
  readonly peakDb: number;
  /** RMS column in dB: power mean over channels of the window-averaged DR RMS. */
  readonly rmsDb: number;
  readonly channels: readonly DrChannelResult[];
  readonly frames: number;
  readonly rate: number;
}

export interface DrOptions {
  /** foobar's "Weight multichannel DR by channel loudness" (only applies above 2 channels). */
  readonly weightByChannelLoudness?: boolean;
  /**
   * false: integer blocks go through the JavaScript loop instead of the SIMD kernel (kernel.ts).
   * The results are identical; the loop is the reference the kernels are tested against.
   */
  readonly kernel?: boolean;
}

/** Streaming DR meter for any rate and channel count. */
export class DrMeter implements Analyser<DrResult> {
  private readonly window: number;
  private readonly ch: number;
  private readonly sumSq: Float64Array;
  private readonly curPeak: Float64Array;
  private readonly sumWinRms2: Float64Array;
  private readonly primaryAmp: Float64Array;
  private readonly primaryKey: Float64Array;
  private readonly secondaryAmp: Float64Array;
  private readonly secondaryKey: Float64Array;
  private readonly hist: Uint32Array[];
  /** The thread's kernel for integer blocks of this channel count, or null for the JavaScript loop. */
  private readonly kernel: DrKernel | null;
  private curFrames = 0;
  private windows = 0;
  private totalFrames = 0;
  private finished = false;
  /** Integer formats accumulate raw integers: `scale` = 2^-(validBits-1) is applied per window. */
  private readonly scale: number;
  private readonly scale2: number;

  constructor(readonly format: AudioFormat, private readonly options: DrOptions = {}) {
    requirePcm(format, 'the DR meter');
    this.window = drWindowFrames(format.rate);
    this.scale = isIntegerKind(format.sample) ? 2 ** -(format.validBits - 1) : 1;
    this.scale2 = this.scale * this.scale;
    if (this.window < 1) throw new AurisError('E_INVALID_ARGUMENT', `sample rate ${format.rate} Hz is too low for a DR window`);
    const c = (this.ch = format.channels);
    this.sumSq = new Float64Array(c);
    this.curPeak = new Float64Array(c);
    this.sumWinRms2 = new Float64Array(c);
    this.primaryAmp = new Float64Array(c);
    this.primaryKey = new Float64Array(c).fill(NO_KEY);
    this.secondaryAmp = new Float64Array(c);
    this.secondaryKey = new Float64Array(c).fill(NO_KEY);
    this.hist = Array.from({ length: c }, () => new Uint32Array(HIST_BINS));
    this.kernel = this.scale !== 1 && options.kernel !== false ? drKernel(c) : null;
  }

  /** Adds interleaved samples of a float format; windows never depend on how the stream is cut into blocks. */
  pushSamples(x: Float64Array, frames: number): void {
    if (this.scale !== 1) throw new AurisError('E_INVALID_ARGUMENT', 'pushSamples takes float formats; push integer blocks with push()');
    this.accumulate(x, frames);
  }

  /**
   * Integer blocks are measured on the integers themselves: scaling by 2^-(bits-1) commutes with
   * every rounding of the sums (a power of two), so applying it per window gives bit-identical
   * values to normalising each sample first, without the conversion pass.
   */
  push(chunk: AnalysisChunk): void {
    if (chunk.block.kind !== 'int') this.pushSamples(chunk.samples, chunk.frames);
    else if (this.kernel) this.accumulateInt(this.kernel, chunk.block.samples, chunk.frames);
    else this.accumulate(chunk.block.samples, chunk.frames);
  }

  /**
   * `accumulate` for interleaved integers, in the SIMD kernel (kernel.ts): each channel's sum of
   * squares is added in the same order as `accumulate` adds it (v·v equals |v|·|v|), and
   * max(high, -low) is the largest |v|, so the values are bit-identical; integers cannot be NaN.
   */
  private accumulateInt(kernel: DrKernel, x: Int32Array, frames: number): void {
    let i = 0;
    while (i < frames) {
      const n = Math.min(frames - i, this.window - this.curFrames);
      kernel.accumulate(x, i, n, this.sumSq, this.curPeak);
      this.curFrames += n;
      i += n;
      if (this.curFrames === this.window) this.submitWindow(this.window);
    }
    this.totalFrames += frames;
  }

  private accumulate(x: Float64Array | Int32Array, frames: number): void {
    const C = this.ch;
    let i = 0;
    while (i < frames) {
      const n = Math.min(frames - i, this.window - this.curFrames);
      const end = (i + n) * C;
      for (let c = 0; c < C; c++) {
        let s = this.sumSq[c]!;
        let p = this.curPeak[c]!;
        for (let k = i * C + c; k < end; k += C) {
          const v = x[k]!;
          const m = Math.abs(v); // not a branch on the sign, which music makes a coin toss
          s += m * m;
          if (m > p) p = m;
        }
        this.sumSq[c] = s;
        this.curPeak[c] = p;
      }
      this.curFrames += n;
      i += n;
      if (this.curFrames === this.window) this.submitWindow(this.window);
    }
    this.totalFrames += frames;
  }

  private submitWindow(frames: number): void {
    for (let c = 0; c < this.ch; c++) {
      const rms2 = (2 * (this.sumSq[c]! * this.scale2)) / frames;
      const rms = Math.sqrt(rms2);
      this.sumWinRms2[c]! += rms2;
      const peak = this.curPeak[c]! * this.scale;
      if (peak > 0) {
        const key = 0.01 * lround(2000 * Math.log10(peak));
        if (key > this.primaryKey[c]!) {
          this.secondaryAmp[c] = this.primaryAmp[c]!;
          this.secondaryKey[c] = this.primaryKey[c]!;
          this.primaryAmp[c] = peak;
          this.primaryKey[c] = key;
        } else if (key > this.secondaryKey[c]!) {
          this.secondaryAmp[c] = peak;
          this.secondaryKey[c] = key;
        }
      }
      if (rms !== 0) {
        let k = 0.01 * lround(2000 * Math.log10(rms));
        k = Math.min(0, Math.max(-100, k));
        const bin = Math.min(HIST_BINS - 1, Math.max(0, lround(100 * k + 10000)));
        this.hist[c]![bin]!++;
      }
      this.sumSq[c] = 0;
      this.curPeak[c] = 0;
    }
    this.windows++;
    this.curFrames = 0;
  }

  private channelResult(c: number): DrChannelResult {
    const N = this.windows;
    const rms = N > 0 ? Math.sqrt(this.sumWinRms2[c]! / N) : 0;
    const target = Math.max(1, Math.floor(N / 5));
    const hist = this.hist[c]!;
    let cnt = 0;
    let pow = 0;
    for (let b = HIST_BINS - 1; b >= 0; b--) {
      const n = hist[b]!;
      if (!n) continue;
      cnt += n;
      pow += Math.pow(10, (b * 0.01 - 100) / 10) * n;
      if (cnt >= target) break;
    }
    const primary = this.primaryAmp[c]!;
    const secondary = this.secondaryAmp[c]!;
    const sel = secondary > 0 ? secondary : primary;
    let dr = 0;
    if (sel > 0 && cnt > 0) {
      const loud = Math.sqrt(pow / cnt);
      dr = -20 * Math.log10(loud / sel);
      if (dr < 0) dr = Math.max(-20 * Math.log10(loud / primary), 0);
    }
    return { dr, peak: primary, rms };
  }

  finish(): DrResult {
    if (this.finished) throw new AurisError('E_STATE', 'DrMeter.finish() called twice');
    this.finished = true;
    if (this.curFrames > 0) this.submitWindow(this.curFrames);
    const channels = Array.from({ length: this.ch }, (_, c) => this.channelResult(c));
    let dr: number;
    const weighted = this.options.weightByChannelLoudness === true && this.ch > 2;
    const sumRms = channels.reduce((s, r) => s + r.rms, 0);
    if (weighted && sumRms > 0) {
      dr = Math.fround(channels.reduce((s, r) => s + r.rms * r.dr, 0) / sumRms);
    } else {
      dr = Math.fround(channels.reduce((s, r) => s + r.dr, 0) / this.ch);
    }
    const peak = channels.reduce((m, r) => Math.max(m, Math.fround(r.peak)), 0);
    let power = 0;
    for (const r of channels) {
      const rf = Math.fround(r.rms);
      power += Math.fround(rf * rf);
    }
    return {
      dr,
      drRounded: drDisplay(dr),
      peakDb: toDb(peak),
      rmsDb: toDb(Math.sqrt(power / this.ch)),
      channels,
      frames: this.totalFrames,
      rate: this.format.rate,
    };
  }
}

/** Album ("Official") DR: float32 mean of the unrounded float32 track values, DR0 tracks included. */
export function albumDr(trackDrs: readonly number[]): { dr: number; drRounded: number } {
  if (trackDrs.length === 0) return { dr: 0, drRounded: 0 };
  const dr = Math.fround(trackDrs.reduce((s, v) => s + v, 0) / trackDrs.length);
  return { dr, drRounded: drDisplay(dr) };
}

/** foobar's optional "Weight album DR by track lengths": float32 of Σ dr·dur / Σ dur. */
export function albumDrWeighted(tracks: readonly { dr: number; frames: number; rate: number }[]): { dr: number; drRounded: number } {
  let num = 0;
  let den = 0;
  for (const t of tracks) {
    const dur = t.frames / t.rate;
    num += t.dr * dur;
    den += dur;
  }
  const dr = den > 0 ? Math.fround(num / den) : 0;
  return { dr, drRounded: drDisplay(dr) };
}
