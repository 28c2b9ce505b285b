// EBU R128 / ITU-R BS.1770-4 loudness meter (shared/specs/analysis.md §2): integrated loudness with
// the two gates, momentary and short-term maxima on a 10 ms grid, loudness range (Tech 3342, 100 ms
// hop), sample and true peak. Album values pool the gating blocks of every track (§2.2).
//
// The K-weighted, channel-weighted power is summed into "fine" buckets of hop/10 frames (10 ms at
// 44.1/48 kHz); every window (400 ms gating blocks, 3 s short-term) is a sum of whole buckets, so
// the block grid is exactly libebur128's: block k ends at frame (4 + k)·hop.

import type { AudioFormat } from '../../../audio/format.ts';
import type { Analyser, AnalysisChunk } from '../../interface.ts';
import { requirePcm } from '../../interface.ts';
import { AurisError } from '../../../util/errors.ts';
import { KWeightingFilter } from './kweighting.ts';
import { TruePeakChannel } from './true-peak.ts';

/** l(z) = −0.691 + 10·log10(z): loudness in LUFS of a mean-square energy. */
export function energyToLufs(z: number): number {
  return z > 0 ? -0.691 + 10 * Math.log10(z) : -Infinity;
}

const ABS_GATE = 10 ** ((-70 + 0.691) / 10);

/** Channel weights by index (libebur128's default map): L R C LFE Ls Rs; 4 ch = L R Ls Rs, 5 ch = L R C Ls Rs. */
export function channelWeights(channels: number): number[] {
  if (channels === 4) return [1, 1, 1.41, 1.41];
  if (channels === 5) return [1, 1, 1, 1.41, 1.41];
  const map = [1, 1, 1, 0, 1.41, 1.41];
  return Array.from({ length: channels }, (_, i) => map[i] ?? 0);
}

/** Integrated loudness of gating-block energies: absolute gate −70 LUFS, relative gate −10 LU. */
export function gatedLoudness(blocks: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < blocks.length; i++) {
    const z = blocks[i]!;
    if (z >= ABS_GATE) { sum += z; n++; }
  }
  if (n === 0) return -Infinity;
  const rel = (sum / n) * 0.1;
  sum = 0;
  n = 0;
  for (let i = 0; i < blocks.length; i++) {
    const z = blocks[i]!;
    if (z >= ABS_GATE && z >= rel) { sum += z; n++; }
  }
  return n === 0 ? -Infinity : energyToLufs(sum / n);
}

/** Loudness range (EBU Tech 3342) of short-term energies: gates −70 LUFS and −20 LU, 10th to 95th percentile. */
export function loudnessRange(shortTerm: ArrayLike<number>): number {
  const abs: number[] = [];
  for (let i = 0; i < shortTerm.length; i++) if (shortTerm[i]! >= ABS_GATE) abs.push(shortTerm[i]!);
  if (abs.length === 0) return 0;
  const rel = (abs.reduce((s, v) => s + v, 0) / abs.length) * 0.01;
  const kept = abs.filter((v) => v >= rel).sort((a, b) => a - b);
  const n = kept.length;
  if (n === 0) return 0;
  const lo = kept[Math.floor((n - 1) * 0.1 + 0.5)]!;
  const hi = kept[Math.floor((n - 1) * 0.95 + 0.5)]!;
  return energyToLufs(hi) - energyToLufs(lo);
}

/** What the meter reports for one stream. */
export interface LoudnessResult {
  readonly integratedLufs: number;
  readonly momentaryMaxLufs: number;
  readonly shortTermMaxLufs: number;
  readonly lraLu: number;
  /** Largest |sample|, linear, and in dBFS. */
  readonly samplePeak: number;
  readonly samplePeakDbfs: number;
  /** Largest |oversampled sample| (never below the sample peak), linear, and in dBTP. */
  readonly truePeak: number;
  readonly truePeakDbtp: number;
  /** 400 ms gating-block energies, for album (pooled) loudness. */
  readonly blockEnergies: Float64Array;
  /** Short-term (3 s, 100 ms hop) energies, for album loudness range. */
  readonly shortTermEnergies: Float64Array;
  readonly frames: number;
  readonly rate: number;
}

export interface LoudnessOptions {
  /** Compute the true peak (the oversampling FIR is most of the cost); default true. */
  readonly truePeak?: boolean;
}

/** Streaming BS.1770-4 meter for any rate and channel count. */
export class LoudnessMeter implements Analyser<LoudnessResult> {
  /** libebur128's samples_in_100ms: floor((fs + 5) / 10). */
  readonly hop: number;
  /** Fine buckets per hop (10 when hop divides by 10, so maxima use a 10 ms grid). */
  readonly finePerHop: number;
  private readonly fineFrames: number;
  private readonly filters: KWeightingFilter[];
  private readonly peaks: TruePeakChannel[] | null;
  private readonly weights: number[];
  private acc = new Float64Array(0);
  private fine = new Float64Array(1024);
  private fineCount = 0;
  private bucket = 0;
  private bucketFrames = 0;
  private samplePeak = 0;
  private frames = 0;
  private result: LoudnessResult | null = null;

  constructor(readonly format: AudioFormat, options: LoudnessOptions = {}) {
    requirePcm(format, 'the loudness meter');
    this.hop = Math.floor((format.rate + 5) / 10);
    if (this.hop < 1) throw new AurisError('E_INVALID_ARGUMENT', `sample rate ${format.rate} Hz is too low for loudness`);
    this.finePerHop = [10, 5, 4, 2, 1].find((d) => this.hop % d === 0)!;
    this.fineFrames = this.hop / this.finePerHop;
    this.filters = Array.from({ length: format.channels }, () => new KWeightingFilter(format.rate));
    this.peaks = options.truePeak === false ? null : Array.from({ length: format.channels }, () => new TruePeakChannel(format.rate));
    this.weights = channelWeights(format.channels);
  }

  /** Adds interleaved normalised samples. */
  pushSamples(x: Float64Array, frames: number): void {
    if (this.result) throw new AurisError('E_STATE', 'LoudnessMeter: push after finish');
    const C = this.format.channels;
    if (this.acc.length < frames) this.acc = new Float64Array(frames);
    const acc = this.acc;
    acc.fill(0, 0, frames);
    let sp = this.samplePeak;
    for (let c = 0; c < C; c++) {
      if (this.weights[c]! > 0) this.filters[c]!.process(x, c, C, frames, this.weights[c]!, acc);
      this.peaks?.[c]!.process(x, c, C, frames);
      for (let k = c; k < frames * C; k += C) {
        const v = x[k]!;
        const m = v < 0 ? -v : v;
        if (m > sp) sp = m;
      }
    }
    this.samplePeak = sp;
    let bucket = this.bucket;
    let bf = this.bucketFrames;
    const size = this.fineFrames;
    for (let i = 0; i < frames; i++) {
      bucket += acc[i]!;
      if (++bf === size) {
        if (this.fineCount === this.fine.length) {
          const grown = new Float64Array(this.fine.length * 2);
          grown.set(this.fine);
          this.fine = grown;
        }
        this.fine[this.fineCount++] = bucket;
        bucket = 0;
        bf = 0;
      }
    }
    this.bucket = bucket;
    this.bucketFrames = bf;
    this.frames += frames;
  }

  push(chunk: AnalysisChunk): void {
    this.pushSamples(chunk.samples, chunk.frames);
  }

  /**
   * Mean-square energies of windows of `windowHops` hops, one every `stepFine` fine buckets
   * (the first ends at windowHops·hop frames). Available after finish or at any time.
   */
  windowEnergies(windowHops: number, stepFine: number): Float64Array {
    const len = windowHops * this.finePerHop;
    const n = this.fineCount >= len ? Math.floor((this.fineCount - len) / stepFine) + 1 : 0;
    const out = new Float64Array(n);
    const norm = 1 / (windowHops * this.hop);
    for (let w = 0; w < n; w++) {
      let s = 0;
      const start = w * stepFine;
      for (let i = start; i < start + len; i++) s += this.fine[i]!;
      out[w] = s * norm;
    }
    return out;
  }

  /** Momentary (400 ms) or short-term (3 s) loudness every 10 ms (every fine bucket), in LUFS. */
  series(kind: 'momentary' | 'short-term'): Float64Array {
    return this.windowEnergies(kind === 'momentary' ? 4 : 30, 1).map(energyToLufs);
  }

  finish(): LoudnessResult {
    if (this.result) return this.result;
    const max = (a: Float64Array) => a.reduce((m, v) => Math.max(m, v), 0);
    const blockEnergies = this.windowEnergies(4, this.finePerHop);
    const shortTermEnergies = this.windowEnergies(30, this.finePerHop);
    const truePeak = Math.max(this.samplePeak, this.peaks ? this.peaks.reduce((m, p) => Math.max(m, p.peak), 0) : 0);
    const toDb = (v: number) => (v > 0 ? 20 * Math.log10(v) : -Infinity);
    this.result = {
      integratedLufs: gatedLoudness(blockEnergies),
      momentaryMaxLufs: energyToLufs(max(this.windowEnergies(4, 1))),
      shortTermMaxLufs: energyToLufs(max(this.windowEnergies(30, 1))),
      lraLu: loudnessRange(shortTermEnergies),
      samplePeak: this.samplePeak,
      samplePeakDbfs: toDb(this.samplePeak),
      truePeak,
      truePeakDbtp: toDb(truePeak),
      blockEnergies,
      shortTermEnergies,
      frames: this.frames,
      rate: this.format.rate,
    };
    return this.result;
  }
}

/** Album values from track results: gates applied to the pooled blocks (not a mean of track values). */
export interface AlbumLoudness {
  readonly integratedLufs: number;
  readonly lraLu: number;
  readonly samplePeak: number;
  readonly truePeak: number;
}

export function albumLoudness(tracks: readonly Pick<LoudnessResult, 'blockEnergies' | 'shortTermEnergies' | 'samplePeak' | 'truePeak'>[]): AlbumLoudness {
  const pool = (arrays: Float64Array[]) => {
    const out = new Float64Array(arrays.reduce((s, a) => s + a.length, 0));
    let o = 0;
    for (const a of arrays) { out.set(a, o); o += a.length; }
    return out;
  };
  return {
    integratedLufs: gatedLoudness(pool(tracks.map((t) => t.blockEnergies))),
    lraLu: loudnessRange(pool(tracks.map((t) => t.shortTermEnergies))),
    samplePeak: tracks.reduce((m, t) => Math.max(m, t.samplePeak), 0),
    truePeak: tracks.reduce((m, t) => Math.max(m, t.truePeak), 0),
  };
}
