// Frequency-response plots as PNG: log-frequency axis, dB axis, grid, labels in a tiny built-in
// bitmap font, one coloured curve per channel. Encoded by src/util/png.ts.

import { AurisError } from '../util/errors.ts';
import { encodePngRgb } from '../util/png.ts';

/** One curve: its colour and its dB values at a list of frequencies. */
export interface PlotCurve {
  readonly label: string;
  readonly rgb: readonly [number, number, number];
  readonly db: (hz: readonly number[]) => number[];
}

export interface PlotOptions {
  readonly width: number;
  readonly height: number;
  /** Frequency range of the x axis (log). */
  readonly minHz: number;
  readonly maxHz: number;
  readonly curves: readonly PlotCurve[];
}

// 3x5 glyphs, rows top to bottom, bit 2 = left column.
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  '-': [0, 0, 7, 0, 0], '+': [0, 2, 7, 2, 0], '.': [0, 0, 0, 0, 2], ' ': [0, 0, 0, 0, 0],
  k: [4, 5, 6, 5, 5], H: [5, 5, 7, 5, 5], z: [0, 7, 1, 2, 7], d: [1, 1, 7, 5, 7], B: [6, 5, 6, 5, 6],
  L: [4, 4, 4, 4, 7], R: [6, 5, 6, 5, 5], C: [7, 4, 4, 4, 7], F: [7, 4, 6, 4, 4], E: [7, 4, 6, 4, 7], S: [7, 4, 7, 1, 7],
};

class Canvas {
  readonly rgb: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.rgb = new Uint8Array(width * height * 3).fill(255);
  }

  set(x: number, y: number, c: readonly [number, number, number]): void {
    x = Math.round(x); y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 3;
    this.rgb[o] = c[0]; this.rgb[o + 1] = c[1]; this.rgb[o + 2] = c[2];
  }

  hline(x0: number, x1: number, y: number, c: readonly [number, number, number]): void {
    for (let x = x0; x <= x1; x++) this.set(x, y, c);
  }

  vline(x: number, y0: number, y1: number, c: readonly [number, number, number]): void {
    for (let y = y0; y <= y1; y++) this.set(x, y, c);
  }

  /** A line `thick` pixels wide from (x0, y0) to (x1, y1). */
  line(x0: number, y0: number, x1: number, y1: number, c: readonly [number, number, number], thick = 2): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps, y = y0 + ((y1 - y0) * i) / steps;
      for (let dx = 0; dx < thick; dx++) for (let dy = 0; dy < thick; dy++) this.set(x + dx - (thick >> 1), y + dy - (thick >> 1), c);
    }
  }

  /** Text in the 3x5 font scaled by `scale`, anchored at its top-left. Unknown characters are skipped. */
  text(s: string, x: number, y: number, c: readonly [number, number, number], scale = 2): void {
    let cx = x;
    for (const ch of s) {
      const g = GLYPHS[ch];
      if (g) g.forEach((row, r) => { for (let b = 0; b < 3; b++) if (row & (4 >> b)) for (let i = 0; i < scale; i++) for (let j = 0; j < scale; j++) this.set(cx + b * scale + i, y + r * scale + j, c); });
      cx += 4 * scale;
    }
  }
}

export function textWidth(s: string, scale = 2): number {
  return s.length * 4 * scale - scale;
}

function hzLabel(hz: number): string {
  return hz >= 1000 ? `${hz / 1000}k` : String(hz);
}

/** Renders the curves; the dB range covers them with a margin (at least -12..+12 dB, 3/6/12 dB steps). */
export function renderResponsePng(o: PlotOptions): Uint8Array {
  if (!(Number.isInteger(o.width) && Number.isInteger(o.height) && o.width >= 200 && o.height >= 120 && o.width <= 8192 && o.height <= 8192)) {
    throw new AurisError('E_INVALID_ARGUMENT', `plot size ${o.width}x${o.height} must be within 200x120..8192x8192`);
  }
  const cv = new Canvas(o.width, o.height);
  const left = 44, right = o.width - 12, top = 12, bottom = o.height - 28;
  const lx0 = Math.log(o.minHz), lx1 = Math.log(o.maxHz);
  const xOf = (hz: number) => left + ((Math.log(hz) - lx0) / (lx1 - lx0)) * (right - left);
  // Sample every curve once per pixel column.
  const columns: number[] = [];
  for (let x = left; x <= right; x++) columns.push(Math.exp(lx0 + ((x - left) / (right - left)) * (lx1 - lx0)));
  const all = o.curves.map((c) => c.db(columns));
  // Curves identical to an earlier one (channels with the same EQ) are drawn once.
  const keep = all.map((ys, i) => all.findIndex((zs) => zs.every((v, k) => v === ys[k])) === i);
  const curves = o.curves.filter((_, i) => keep[i]);
  const samples = all.filter((_, i) => keep[i]);
  const finite = samples.flat().filter(Number.isFinite);
  const hi = Math.max(12, ...finite.map((v) => Math.ceil(v / 3) * 3 + 3));
  const lo = Math.min(-12, ...finite.map((v) => Math.floor(v / 3) * 3 - 3));
  const top0 = Math.min(hi, 60), bot0 = Math.max(lo, -60);
  const span = top0 - bot0;
  const step = span <= 30 ? 3 : span <= 60 ? 6 : 12;
  const yOf = (db: number) => top + ((top0 - db) / span) * (bottom - top);
  const grid: [number, number, number] = [225, 225, 225], axis: [number, number, number] = [90, 90, 90], ink: [number, number, number] = [40, 40, 40];
  for (let decade = 10 ** Math.floor(Math.log10(o.minHz)); decade <= o.maxHz; decade *= 10) {
    for (const m of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
      const hz = decade * m;
      if (hz < o.minHz || hz > o.maxHz) continue;
      const x = Math.round(xOf(hz));
      cv.vline(x, top, bottom, m === 1 ? [200, 200, 200] : grid);
      if (m === 1 || m === 2 || m === 5) {
        const label = hzLabel(hz);
        cv.text(label, x - textWidth(label) / 2, bottom + 6, ink);
      }
    }
  }
  for (let db = Math.ceil(bot0 / step) * step; db <= top0; db += step) {
    const y = Math.round(yOf(db));
    cv.hline(left, right, y, db === 0 ? axis : grid);
    const label = db > 0 ? `+${db}` : String(db);
    cv.text(label, left - 6 - textWidth(label), y - 5, ink);
  }
  cv.vline(left, top, bottom, axis);
  cv.vline(right, top, bottom, axis);
  cv.hline(left, right, top, axis);
  cv.hline(left, right, bottom, axis);
  cv.text('Hz', right - textWidth('Hz'), bottom + 18, ink);
  cv.text('dB', 4, 2, ink);
  samples.forEach((ys, i) => {
    const c = curves[i]!;
    const clampY = (v: number) => yOf(Math.max(bot0, Math.min(top0, Number.isFinite(v) ? v : bot0)));
    for (let k = 1; k < ys.length; k++) cv.line(left + k - 1, clampY(ys[k - 1]!), left + k, clampY(ys[k]!), c.rgb);
    cv.text(c.label, right - 10 - textWidth(c.label), top + 6 + i * 14, c.rgb);
  });
  return encodePngRgb(o.width, o.height, cv.rgb);
}
