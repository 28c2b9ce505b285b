// A spectrogram for people to judge cutoffs by eye (what Spek shows): 1024-point Hann frames,
// power averaged into at most 2048 time columns (pairs merge as the stream grows, so memory stays
// bounded for any length), rendered −120…0 dB on a black-blue-red-yellow-white palette, with a
// frequency axis in kHz, a time axis in seconds and the dB colour scale, labelled.

import type { AudioFormat } from '../../../audio/format.ts';
import type { AnalysisChunk } from '../../interface.ts';
import { fft, hannWindow } from '../../../util/fft.ts';
import { encodePngRgb } from '../../../util/png.ts';
import { drawText, GLYPH_HEIGHT, textWidth, type Raster } from '../../../util/pixel-font.ts';

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

/** Label scale of the axis text (3x5 glyphs drawn 2x: 6x10 pixels). */
const TEXT_SCALE = 2;
const TEXT_HEIGHT = GLYPH_HEIGHT * TEXT_SCALE;
const INK: [number, number, number] = [210, 210, 210];
const GRID: [number, number, number] = [90, 90, 90];
/** Margins around the plot: kHz labels on the left, time labels below, titles above, the dB scale on the right. */
const LEFT = 36;
const TOP = 16;
const BOTTOM = 18;
const SCALE_GAP = 8;
const SCALE_BAR = 14;
const RIGHT = SCALE_GAP + SCALE_BAR + 4 + textWidth('-120', TEXT_SCALE) + 2;
const DB_STEP = 20;

/** The smallest of `steps` at least `minPixels` apart at `pixelsPerUnit`, else the largest. */
function tickStep(steps: readonly number[], pixelsPerUnit: number, minPixels: number): number {
  return steps.find((s) => s * pixelsPerUnit >= minPixels) ?? steps.at(-1)!;
}

/** Where the plot sits in the image, and the ticks drawn on its axes (for tests and readers). */
export interface SpectrogramLayout {
  readonly plot: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** Frequency ticks: kHz and the image row of the gridline. */
  readonly kHzTicks: readonly { readonly kHz: number; readonly y: number }[];
  /** Time ticks: seconds and the image column. */
  readonly timeTicks: readonly { readonly seconds: number; readonly x: number }[];
  /** Colour-scale ticks: dB and the image row. */
  readonly dbTicks: readonly { readonly db: number; readonly y: number }[];
  /** Left edge of the colour-scale bar. */
  readonly scaleX: number;
}

/**
 * The spectrogram as an RGB raster: high frequencies at the top, a dotted grey gridline at each labelled
 * frequency, the frequency axis in kHz on the left, time in seconds below, and the colour scale
 * on the right with its dB labels (−120 dB at the bottom, 0 dB at the top).
 */
export function spectrogramImage(s: SpectrogramData): Raster & { readonly layout: SpectrogramLayout } {
  const columns = Math.max(1, s.columns);
  const width = LEFT + columns + RIGHT;
  const height = TOP + s.rows + BOTTOM;
  const rgb = new Uint8Array(width * height * 3);
  const raster: Raster = { width, height, rgb };
  const plotBottom = TOP + s.rows - 1; // image row of frequency row 0
  const hzPerRow = s.rate / 2 / s.rows;
  const fill = (x: number, y: number, c: readonly [number, number, number]) => rgb.set(c, (y * width + x) * 3);

  for (let row = 0; row < s.rows; row++) {
    for (let c = 0; c < columns; c++) {
      fill(LEFT + c, plotBottom - row, s.columns > 0 ? colour((s.db[c * s.rows + row]! - FLOOR_DB) / -FLOOR_DB) : [0, 0, 0]);
    }
  }

  // Frequency axis: dotted gridlines (the data shows between the dots) and labels at least four text heights apart.
  const kHzStep = tickStep([1, 2, 5, 10, 20, 50, 100], 1000 / hzPerRow, 4 * TEXT_HEIGHT);
  const kHzTicks: { kHz: number; y: number }[] = [];
  for (let kHz = 0; kHz * 1000 < s.rate / 2; kHz += kHzStep) {
    const y = plotBottom - Math.round((kHz * 1000) / hzPerRow);
    kHzTicks.push({ kHz, y });
    if (kHz > 0) for (let c = 0; c < columns; c += 4) fill(LEFT + c, y, GRID);
    for (let x = LEFT - 4; x < LEFT; x++) fill(x, y, INK);
    const label = String(kHz);
    drawText(raster, LEFT - 6 - textWidth(label, TEXT_SCALE), Math.min(Math.max(y - TEXT_HEIGHT / 2, TOP), height - BOTTOM - TEXT_HEIGHT), label, INK, TEXT_SCALE);
  }
  drawText(raster, 2, 2, 'kHz', INK, TEXT_SCALE);

  // Time axis: ticks below the plot at a step that leaves room for the widest label.
  const seconds = s.columns * s.secondsPerColumn;
  const widestLabel = Math.max(textWidth(`${Math.ceil(seconds)}s`, TEXT_SCALE), textWidth('0.5s', TEXT_SCALE));
  const timeStep = tickStep([0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600], 1 / s.secondsPerColumn, widestLabel + 12);
  const timeTicks: { seconds: number; x: number }[] = [];
  for (let i = 0; i * timeStep <= seconds + 1e-9; i++) {
    const t = Math.round(i * timeStep * 10) / 10;
    const x = LEFT + Math.min(columns - 1, Math.round(t / s.secondsPerColumn));
    timeTicks.push({ seconds: t, x });
    for (let y = TOP + s.rows; y < TOP + s.rows + 4; y++) fill(x, y, INK);
    const label = `${t}s`;
    const lx = Math.min(Math.max(x - Math.floor(textWidth(label, TEXT_SCALE) / 2), 0), width - textWidth(label, TEXT_SCALE));
    drawText(raster, lx, TOP + s.rows + 6, label, INK, TEXT_SCALE);
  }

  // Colour scale: the palette from FLOOR_DB (bottom) to 0 dB (top), labelled every DB_STEP dB.
  const scaleX = LEFT + columns + SCALE_GAP;
  for (let row = 0; row < s.rows; row++) {
    const c = colour(row / (s.rows - 1));
    for (let x = scaleX; x < scaleX + SCALE_BAR; x++) fill(x, plotBottom - row, c);
  }
  const dbTicks: { db: number; y: number }[] = [];
  for (let db = FLOOR_DB; db <= 0; db += DB_STEP) {
    const y = plotBottom - Math.round(((db - FLOOR_DB) / -FLOOR_DB) * (s.rows - 1));
    dbTicks.push({ db, y });
    for (let x = scaleX + SCALE_BAR; x < scaleX + SCALE_BAR + 3; x++) fill(x, y, INK);
    drawText(raster, scaleX + SCALE_BAR + 4, Math.min(Math.max(y - TEXT_HEIGHT / 2, TOP), height - BOTTOM - TEXT_HEIGHT), String(db), INK, TEXT_SCALE);
  }
  drawText(raster, scaleX, 2, 'dB', INK, TEXT_SCALE);

  return { width, height, rgb, layout: { plot: { x: LEFT, y: TOP, width: columns, height: s.rows }, kHzTicks, timeTicks, dbTicks, scaleX } };
}

/** The spectrogram with its axes and dB scale (spectrogramImage) as a PNG file. */
export function spectrogramPng(s: SpectrogramData): Uint8Array {
  const image = spectrogramImage(s);
  return encodePngRgb(image.width, image.height, image.rgb);
}
