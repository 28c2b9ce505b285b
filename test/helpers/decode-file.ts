// Decoding whole files and slices through the registry (openFile), for the lossy, ffmpeg and CLI tests.

import { openFile } from '../../src/decoders/registry.ts';
import type { AudioFormat } from '../../src/audio/format.ts';
import type { StreamInfo } from '../../src/decoders/interface.ts';

export interface Decoded {
  readonly format: AudioFormat;
  readonly info: StreamInfo;
  readonly frames: number;
  /** Interleaved samples: Int32Array for integer PCM, Float64Array for float. */
  readonly samples: Int32Array | Float64Array;
}

function concat(parts: (Int32Array | Float64Array)[], float: boolean): Int32Array | Float64Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = float ? new Float64Array(n) : new Int32Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Decodes `path` from `start` (after a seek when > 0) for at most `frames` frames, in reads of `chunk` frames. */
export async function decodeFile(path: string, opts: { start?: number; frames?: number; chunk?: number } = {}): Promise<Decoded> {
  const f = await openFile(path);
  try {
    const d = f.decoder;
    if (opts.start) await d.seek(opts.start);
    const parts: (Int32Array | Float64Array)[] = [];
    let frames = 0;
    const limit = opts.frames ?? Infinity;
    while (frames < limit) {
      const b = await d.read(Math.min(opts.chunk ?? 4096, limit - frames));
      if (!b) break;
      if (b.kind === 'dsd') throw new Error('DSD block in a PCM test');
      parts.push(b.samples);
      frames += b.frames;
    }
    return { format: d.format, info: d.info, frames, samples: concat(parts, d.format.sample === 'f32' || d.format.sample === 'f64') };
  } finally {
    await f.close();
  }
}

/** Largest absolute difference and Pearson correlation of two equally long sample arrays. */
export function compareSignals(a: ArrayLike<number>, b: ArrayLike<number>): { maxDiff: number; correlation: number } {
  let maxDiff = 0, sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!, y = b[i]!;
    maxDiff = Math.max(maxDiff, Math.abs(x - y));
    sa += x; sb += y; sab += x * y; saa += x * x; sbb += y * y;
  }
  const cov = sab - (sa * sb) / n;
  const correlation = cov / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n));
  return { maxDiff, correlation };
}

/** Deterministic pseudo-random integers in [0, max) (a fixed LCG, so failures reproduce). */
export function randomPositions(count: number, max: number, seed = 12345): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s % max);
  }
  return out;
}

/**
 * Seeks one open decoder to each position in turn (forward and backward) and returns the first
 * position whose next `span` frames differ from `full` (a whole-file decode), or null when all match.
 */
export async function firstBadSeek(path: string, full: Decoded, positions: number[], span = 700): Promise<number | null> {
  const f = await openFile(path);
  const ch = full.format.channels;
  try {
    for (const pos of positions) {
      const reached = await f.decoder.seek(pos);
      if (reached !== pos) return pos;
      const want = Math.min(span, full.frames - pos);
      let got = 0;
      while (got < want) {
        const b = await f.decoder.read(want - got);
        if (!b || b.kind === 'dsd') return pos;
        for (let i = 0; i < b.samples.length; i++) if (b.samples[i] !== full.samples[(pos + got) * ch + i]) return pos;
        got += b.frames;
      }
    }
    return null;
  } finally {
    await f.close();
  }
}
