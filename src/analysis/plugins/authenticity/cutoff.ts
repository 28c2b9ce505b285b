// Spectral cutoff (shared/specs/analysis.md §3.2): the averaged spectrum in 100 Hz bands, the first
// band above which everything stays 30 dB below the band's neighbourhood, and verdicts: upsampled
// (with the likely source rate) and lossy-like (with a LAME-lowpass bitrate guess). A verdict is a
// hint to look at the spectrogram, never a certainty (natural roll-offs exist).

import type { AudioFormat } from '../../../audio/format.ts';
import type { AnalysisChunk } from '../../interface.ts';
import { fft, hannWindow } from '../../../util/fft.ts';

export interface CutoffResult {
  /** Cutoff frequency in Hz (fs/2 when the spectrum is full band). */
  readonly cutoffHz: number;
  /** Level difference between the passband just below the cutoff and the loudest band above it, dB. */
  readonly depthDb: number;
  /** Drop over the first ~1 kHz above the cutoff, dB (null when full band). */
  readonly slopeDb: number | null;
  readonly upsampled: boolean;
  /** Likely source rate when upsampled. */
  readonly sourceRate: number | null;
  readonly lossyLike: boolean;
  /** MP3 bitrate (kbps) whose LAME lowpass matches the cutoff, when lossy-like. */
  readonly bitrateGuessKbps: number | null;
  /** Frames analysed (not skipped as quieter than −60 dBFS). */
  readonly framesAnalysed: number;
  /** Band levels (dB, 100 Hz bands, smoothed) for display. */
  readonly bandsDb: Float32Array;
  readonly summary: string;
}

/** LAME 3.100 CBR lowpass by bitrate (optimum_bandwidth), Hz. */
export const LAME_LOWPASS: readonly [number, number][] = [[96, 15100], [112, 15600], [128, 17000], [160, 17500], [192, 18600], [224, 19400], [256, 19700], [320, 20500]];
const SOURCE_RATES = [44100, 48000, 88200, 96000, 176400];
const BAND_HZ = 100;
const SILENT_RMS = 0.001;

/** FFT length for `rate`: the power of two nearest rate/5.4 (8192 at 44.1/48 kHz, 16384 at 88.2/96, 32768 at 176.4/192). */
export function cutoffFftLength(rate: number): number {
  return 2 ** Math.max(8, Math.round(Math.log2(rate / 5.4)));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** The bitrate guess: the lowest LAME bitrate whose lowpass reaches the cutoff (within 100 Hz). */
export function lameBitrateFor(cutoffHz: number): number {
  return (LAME_LOWPASS.find(([, lp]) => lp >= cutoffHz - 100) ?? LAME_LOWPASS[LAME_LOWPASS.length - 1]!)[0];
}

/** Streaming spectral-cutoff analysis on the channel mean. */
export class CutoffAnalyser {
  private readonly n: number;
  private readonly window: Float64Array;
  private readonly frame: Float64Array;
  private fill = 0;
  private readonly power: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private frames = 0;

  constructor(readonly format: AudioFormat) {
    this.n = cutoffFftLength(format.rate);
    this.window = hannWindow(this.n);
    this.frame = new Float64Array(this.n);
    this.power = new Float64Array(this.n / 2 + 1);
    this.re = new Float64Array(this.n);
    this.im = new Float64Array(this.n);
  }

  push(chunk: AnalysisChunk): void {
    const C = this.format.channels;
    const x = chunk.samples;
    const inv = 1 / C;
    for (let i = 0; i < chunk.frames; i++) {
      let m = 0;
      for (let c = 0; c < C; c++) m += x[i * C + c]!;
      this.frame[this.fill++] = m * inv;
      if (this.fill === this.n) {
        this.analyseFrame();
        this.frame.copyWithin(0, this.n / 2);
        this.fill = this.n / 2;
      }
    }
  }

  private analyseFrame(): void {
    const { n, frame, re, im, window } = this;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += frame[i]! * frame[i]!;
    if (Math.sqrt(sq / n) < SILENT_RMS) return;
    for (let i = 0; i < n; i++) re[i] = frame[i]! * window[i]!;
    im.fill(0);
    fft(re, im);
    for (let k = 0; k <= n / 2; k++) this.power[k]! += re[k]! * re[k]! + im[k]! * im[k]!;
    this.frames++;
  }

  finish(): CutoffResult {
    const fs = this.format.rate;
    const nyquist = fs / 2;
    const nb = Math.round(nyquist / BAND_HZ);
    const sumW = this.window.reduce((s, v) => s + v, 0);
    const norm = this.frames > 0 ? 1 / (this.frames * (sumW * sumW) / 4) : 0;
    const B = new Array<number>(nb).fill(-300);
    const sums = new Float64Array(nb);
    const counts = new Float64Array(nb);
    for (let k = 0; k <= this.n / 2; k++) {
      const j = Math.floor((k * fs) / this.n / BAND_HZ);
      if (j >= nb) continue;
      sums[j]! += this.power[k]! * norm;
      counts[j]!++;
    }
    for (let j = 0; j < nb; j++) if (counts[j]! > 0 && sums[j]! > 0) B[j] = Math.max(-300, 10 * Math.log10(sums[j]! / counts[j]!));
    const S = B.map((_, j) => median(B.slice(Math.max(0, j - 2), Math.min(nb, j + 3))));
    let cutoffHz = nyquist;
    let depthDb = 0;
    let slopeDb: number | null = null;
    if (this.frames > 0) {
      for (let j = 10; j <= nb - 3; j++) {
        const ref = median(S.slice(j - 10, j));
        let above = -Infinity;
        for (let i = j + 2; i < nb; i++) above = Math.max(above, S[i]!);
        if (above <= ref - 30) {
          cutoffHz = (j + 1) * BAND_HZ;
          depthDb = ref - above;
          slopeDb = ref - median(S.slice(j + 2, Math.min(nb, j + 12)));
          break;
        }
      }
    }
    const upsampled = fs >= 88200 && cutoffHz <= 0.55 * nyquist;
    const tolerance = slopeDb !== null && slopeDb < 40 ? 3000 : 300;
    const sourceRate = upsampled ? (SOURCE_RATES.find((r) => r / 2 >= cutoffHz - tolerance) ?? null) : null;
    const lossyLike = slopeDb !== null && cutoffHz <= 20600 && slopeDb >= 20;
    const bitrateGuessKbps = lossyLike ? lameBitrateFor(cutoffHz) : null;
    const parts: string[] = [];
    if (this.frames === 0) parts.push('too quiet to judge the spectrum');
    else if (!upsampled && !lossyLike) parts.push(cutoffHz >= nyquist ? 'full-band spectrum' : `spectrum ends at ${(cutoffHz / 1000).toFixed(1)} kHz without a brick wall`);
    if (upsampled) parts.push(`spectrum ends at ${(cutoffHz / 1000).toFixed(1)} kHz: upsampled, likely from ${sourceRate ?? '?'} Hz`);
    if (lossyLike) parts.push(`brick-wall cutoff at ${(cutoffHz / 1000).toFixed(1)} kHz (consistent with ~${bitrateGuessKbps} kbps MP3)`);
    return {
      cutoffHz, depthDb, slopeDb, upsampled, sourceRate, lossyLike, bitrateGuessKbps,
      framesAnalysed: this.frames, bandsDb: Float32Array.from(S), summary: parts.join('; '),
    };
  }
}
