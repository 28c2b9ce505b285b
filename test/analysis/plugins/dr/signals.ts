// Signal generators of shared/specs/analysis.md §1.5 for the DR tests.

/**
 * "Shaped window": W frames whose peak is exactly `peak` and whose √(2Σx²/W) is exactly `rms`:
 * x[0] = +peak, x[i] = a·(−1)^i with a = √((rms²·W/2 − peak²)/(W − 1)).
 */
export function shapedWindow(frames: number, peak: number, rms: number): Float64Array {
  const out = new Float64Array(frames);
  out[0] = peak;
  if (frames === 1) return out;
  const a = Math.sqrt((rms * rms * frames / 2 - peak * peak) / (frames - 1));
  if (!(a <= peak)) throw new Error(`shaped window (${peak}, ${rms}) impossible over ${frames} frames`);
  for (let i = 1; i < frames; i++) out[i] = i % 2 === 0 ? a : -a;
  return out;
}

/** Concatenates mono pieces. */
export function concat(...parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Interleaves equal-length channels. */
export function interleave(channels: Float64Array[]): Float64Array {
  const n = channels[0]!.length;
  const c = channels.length;
  const out = new Float64Array(n * c);
  for (let ch = 0; ch < c; ch++) {
    const src = channels[ch]!;
    if (src.length !== n) throw new Error('channels differ in length');
    for (let i = 0; i < n; i++) out[i * c + ch] = src[i]!;
  }
  return out;
}

/** `windows` windows of a bed a·(−1)^n with per-window impulses at k·W + W/2 (null: none). */
export function bedWithImpulses(window: number, beds: number[], impulses: (number | null)[]): Float64Array {
  const out = new Float64Array(window * beds.length);
  for (let k = 0; k < beds.length; k++) {
    const a = beds[k]!;
    for (let i = 0; i < window; i++) out[k * window + i] = (k * window + i) % 2 === 0 ? a : -a;
    const p = impulses[k];
    if (p !== null && p !== undefined) out[k * window + window / 2] = p;
  }
  return out;
}

/** Windows each shaped to (peak, rms), concatenated. */
export function shapedWindows(window: number, specs: [number, number][]): Float64Array {
  return concat(...specs.map(([p, r]) => shapedWindow(window, p, r)));
}

/** n copies of the same element. */
export function times<T>(n: number, v: T): T[] {
  return Array.from({ length: n }, () => v);
}

/** A dB value as a linear amplitude. */
export function fromDb(db: number): number {
  return 10 ** (db / 20);
}
