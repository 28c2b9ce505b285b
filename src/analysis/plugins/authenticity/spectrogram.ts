// A spectrogram for people to judge cutoffs by eye (what Spek shows): 1024-point Hann frames,
// power averaged into at most 2048 time columns (pairs merge as the stream grows, so memory stays
// bounded for any length), rendered −120…0 dB on a black-blue-red-yellow-white palette.

import type { AudioFormat } from '../../../audio/format.ts';
import type { AnalysisChunk } from '../../interface.ts';
import { fft, hannWindow } from '../../../util/fft.ts';
import { encodePngRgb } from '../../../util/png.ts';

const N = 1024;
const ROWS = N / 2;
const MAX_COLUMNS = 2048;
const FLOOR_DB = -120;

/** Spectrogram data: `db[col * rows + row]`, row 0 = 0 Hz, row rows−1 = just below fs/2. */
export interface SpectrogramData {
  readonly columns: number;
  readonly rows: number;
  readonly rate: number;
  /** Seconds of audio per column. */
  readonly secondsPerColumn: number;
  readonly db: Float32Array;
}

export class SpectrogramAnalyser {
  private readonly window = hannWindow(N);
  private readonly frame = new Float64Array(N);
  private fill = 0;
  private readonly re = new Float64Array(N);
  private readonly im = new Float64Array(N);
  private cols: Float64Array[] = [];
  private current = new Float64Array(ROWS);
  private inCurrent = 0;
  private framesPerColumn = 1;
  private readonly norm: number;

  constructor(readonly format: AudioFormat) {
    const sumW = this.window.reduce((s, v) => s + v, 0);
    this.norm = 4 / (sumW * sumW);
  }

  push(chunk: AnalysisChunk): void {
    const C = this.format.channels;
    const x = chunk.samples;
    for (let i = 0; i < chunk.frames; i++) {
      let m = 0;
      for (let c = 0; c < C; c++) m += x[i * C + c]!;
      this.frame[this.fill++] = m / C;
      if (this.fill === N) {
        this.analyseFrame();
        this.fill = 0;
      }
    }
  }

  private analyseFrame(): void {
    const { re, im } = this;
    for (let i = 0; i < N; i++) re[i] = this.frame[i]! * this.window[i]!;
    im.fill(0);
    fft(re, im);
    for (let k = 0; k < ROWS; k++) this.current[k]! += (re[k]! * re[k]! + im[k]! * im[k]!) * this.norm;
    if (++this.inCurrent === this.framesPerColumn) {
      this.cols.push(this.current.map((p) => p / this.framesPerColumn));
      this.current = new Float64Array(ROWS);
      this.inCurrent = 0;
      if (this.cols.length === MAX_COLUMNS) {
        const merged: Float64Array[] = [];
        for (let c = 0; c < MAX_COLUMNS; c += 2) merged.push(this.cols[c]!.map((p, k) => (p + this.cols[c + 1]![k]!) / 2));
        this.cols = merged;
        this.framesPerColumn *= 2;
      }
    }
  }

  finish(): SpectrogramData {
    const cols = this.cols.length > 0 ? this.cols : this.inCurrent > 0 ? [this.current.map((p) => p / this.inCurrent)] : [];
    const db = new Float32Array(cols.length * ROWS);
    cols.forEach((col, c) => {
      for (let k = 0; k < ROWS; k++) db[c * ROWS + k] = col[k]! > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(col[k]!)) : FLOOR_DB;
    });
    return { columns: cols.length, rows: ROWS, rate: this.format.rate, secondsPerColumn: (this.framesPerColumn * N) / this.format.rate, db };
  }
}

const PALETTE_STOPS: [number, number, number, number][] = [
  [0, 0, 0, 0], [0.2, 0, 0, 120], [0.4, 110, 0, 160], [0.6, 220, 30, 40], [0.8, 255, 180, 0], [1, 255, 255, 230],
];

function colour(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t));
  for (let i = 1; i < PALETTE_STOPS.length; i++) {
    const [t1, r1, g1, b1] = PALETTE_STOPS[i]!;
    if (u <= t1) {
      const [t0, r0, g0, b0] = PALETTE_STOPS[i - 1]!;
      const f = (u - t0) / (t1 - t0);
      return [Math.round(r0 + f * (r1 - r0)), Math.round(g0 + f * (g1 - g0)), Math.round(b0 + f * (b1 - b0))];
    }
  }
  return [255, 255, 230];
}

/**
 * The spectrogram as a PNG: high frequencies at the top, a 1-pixel grey line every 5 kHz, and a
 * 24-pixel colour scale strip on the right (−120 dB at the bottom, 0 dB at the top).
 */
export function spectrogramPng(s: SpectrogramData): Uint8Array {
  const scale = 24;
  const width = Math.max(1, s.columns) + scale;
  const height = s.rows;
  const rgb = new Uint8Array(width * height * 3);
  const gridEvery = 5000 / (s.rate / 2 / s.rows);
  for (let y = 0; y < height; y++) {
    const row = height - 1 - y;
    const grid = row > 0 && Math.floor(row / gridEvery) !== Math.floor((row - 1) / gridEvery);
    for (let x = 0; x < width; x++) {
      let c: [number, number, number];
      if (x >= width - scale) c = x < width - scale + 4 ? [0, 0, 0] : colour(row / (height - 1));
      else if (grid) c = [90, 90, 90];
      else c = s.columns > 0 ? colour((s.db[x * s.rows + row]! - FLOOR_DB) / -FLOOR_DB) : [0, 0, 0];
      rgb.set(c, (y * width + x) * 3);
    }
  }
  return encodePngRgb(width, height, rgb);
}
