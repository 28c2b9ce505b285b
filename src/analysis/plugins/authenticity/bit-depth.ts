// Effective bit depth (shared/specs/analysis.md §3.1): exact padding by the OR of all samples,
// float files on an integer grid, and the lattice test that sees 16-bit data through a later gain
// change (gaps between the distinct values in the middle 80 % of the distribution).

import type { AudioFormat } from '../../../audio/format.ts';
import { isIntegerKind } from '../../../audio/format.ts';
import type { AnalysisChunk } from '../../interface.ts';

/** What the bit-depth analysis found. */
export interface BitDepthResult {
  /** Bits of the container as the file declares them (validBits; 32/64 for float). */
  readonly containerBits: number;
  readonly float: boolean;
  /** Bits actually used: container minus trailing zero bits of the OR of all samples; null for silence or float off-grid. */
  readonly orBits: number | null;
  /** Float files: the smallest k ∈ {8, 16, 20, 24} with every x·2^(k−1) an integer, else null. */
  readonly floatGridBits: number | null;
  /** Lattice test (integer files of more than 16 bits, enough frames and range), else null. */
  readonly lattice: { readonly distinctValues: number; readonly gapFraction: number; readonly medianGap: number } | null;
  /** The best estimate of the source depth; null for digital silence. */
  readonly effectiveBits: number | null;
  readonly verdict: 'silent' | 'genuine' | 'padded' | 'upscaled' | 'float-on-grid' | 'float';
  /** The finding in words. */
  readonly summary: string;
}

const LATTICE_BITS = 24;
const COARSE_SHIFT = 12;
const MIN_FRAMES = 2 ** 20;
const MIN_RANGE = 2 ** 17;
const FLOAT_GRIDS = [8, 16, 20, 24];

/** Streaming effective-bit-depth analysis. */
export class BitDepthAnalyser {
  private mask = 0;
  private frames = 0;
  private readonly intBits: number;
  private readonly gridOk = FLOAT_GRIDS.map(() => true);
  private floatNonZero = false;
  /** Presence bitset of 24-bit values (offset by 2^23) and a coarse histogram for percentiles. */
  private readonly seen: Uint32Array | null;
  private readonly coarse: Float64Array | null;
  private min = Infinity;
  private max = -Infinity;

  constructor(readonly format: AudioFormat) {
    this.intBits = isIntegerKind(format.sample) ? format.validBits : 0;
    const lattice = this.intBits > 16;
    this.seen = lattice ? new Uint32Array(2 ** LATTICE_BITS / 32) : null;
    this.coarse = lattice ? new Float64Array(2 ** (LATTICE_BITS - COARSE_SHIFT)) : null;
  }

  push(chunk: AnalysisChunk): void {
    this.frames += chunk.frames;
    const b = chunk.block;
    if (b.kind === 'int') {
      const s = b.samples;
      let mask = this.mask;
      for (let i = 0; i < s.length; i++) mask |= s[i]!;
      // Only the low `bits` bits matter: sign extension sets the high ones.
      this.mask = this.intBits >= 32 ? mask : mask & ((2 ** this.intBits) - 1);
      const seen = this.seen;
      const coarse = this.coarse;
      if (seen && coarse) {
        const shift = LATTICE_BITS - Math.min(this.intBits, LATTICE_BITS);
        const down = Math.max(0, this.intBits - LATTICE_BITS);
        let mn = this.min, mx = this.max;
        for (let i = 0; i < s.length; i++) {
          const v = ((s[i]! >> down) << shift) + 0x800000;
          seen[v >>> 5]! |= 1 << (v & 31);
          coarse[v >>> COARSE_SHIFT]!++;
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        this.min = mn;
        this.max = mx;
      }
    } else {
      const x = b.samples;
      for (let g = 0; g < FLOAT_GRIDS.length; g++) {
        if (!this.gridOk[g]) continue;
        const scale = 2 ** (FLOAT_GRIDS[g]! - 1);
        for (let i = 0; i < x.length; i++) {
          const v = x[i]! * scale;
          if (v !== Math.floor(v)) { this.gridOk[g] = false; break; }
        }
      }
      if (!this.floatNonZero) for (let i = 0; i < x.length; i++) if (x[i] !== 0) { this.floatNonZero = true; break; }
    }
  }

  private latticeTest(): BitDepthResult['lattice'] {
    const seen = this.seen;
    const coarse = this.coarse;
    if (!seen || !coarse || this.frames < MIN_FRAMES || this.max - this.min <= MIN_RANGE) return null;
    const total = coarse.reduce((s, v) => s + v, 0);
    let acc = 0;
    let loBin = -1;
    let hiBin = -1;
    for (let i = 0; i < coarse.length; i++) {
      acc += coarse[i]!;
      if (loBin < 0 && acc >= total * 0.1) loBin = i;
      if (hiBin < 0 && acc >= total * 0.9) { hiBin = i; break; }
    }
    const lo = loBin << COARSE_SHIFT;
    const hi = ((hiBin + 1) << COARSE_SHIFT) - 1;
    let distinct = 0;
    for (let w = 0; w < seen.length; w++) {
      let v = seen[w]!;
      while (v) { v &= v - 1; distinct++; }
    }
    const gaps: number[] = [];
    let prev = -1;
    for (let v = lo; v <= hi; v++) {
      if (seen[v >>> 5]! & (1 << (v & 31))) {
        if (prev >= 0) gaps.push(v - prev);
        prev = v;
      }
    }
    if (gaps.length === 0) return null;
    const big = gaps.filter((g) => g >= 16).length;
    gaps.sort((a, b) => a - b);
    return { distinctValues: distinct, gapFraction: big / gaps.length, medianGap: gaps[gaps.length >> 1]! };
  }

  finish(): BitDepthResult {
    const f = this.format;
    if (!isIntegerKind(f.sample)) {
      const k = FLOAT_GRIDS.find((_, g) => this.gridOk[g]) ?? null;
      const base = { containerBits: f.validBits, float: true, orBits: null, lattice: null };
      if (!this.floatNonZero) return { ...base, floatGridBits: null, effectiveBits: null, verdict: 'silent', summary: 'digital silence' };
      if (k !== null) return { ...base, floatGridBits: k, effectiveBits: k, verdict: 'float-on-grid', summary: `${k}-bit integer data in a ${f.validBits}-bit float container` };
      return { ...base, floatGridBits: null, effectiveBits: f.validBits === 64 ? 53 : 24, verdict: 'float', summary: 'float data off any integer grid' };
    }
    const bits = this.intBits;
    if (this.mask === 0) {
      return { containerBits: bits, float: false, orBits: null, floatGridBits: null, lattice: null, effectiveBits: null, verdict: 'silent', summary: 'digital silence' };
    }
    let tz = 0;
    while (tz < bits && ((this.mask >>> tz) & 1) === 0) tz++;
    const orBits = bits - tz;
    const base = { containerBits: bits, float: false, orBits, floatGridBits: null };
    if (orBits < bits) {
      return { ...base, lattice: null, effectiveBits: orBits, verdict: 'padded', summary: `${orBits}-bit data padded with ${tz} zero bits into ${bits}-bit` };
    }
    const lattice = this.latticeTest();
    if (lattice && (lattice.gapFraction >= 0.2 || lattice.distinctValues <= 65536)) {
      return { ...base, lattice, effectiveBits: 16, verdict: 'upscaled', summary: `${bits}-bit file holding re-scaled data of at most 16 bits (${(lattice.gapFraction * 100).toFixed(0)} % of value gaps ≥ 16, ${lattice.distinctValues} distinct values)` };
    }
    return { ...base, lattice, effectiveBits: bits, verdict: 'genuine', summary: `${bits} bits in use` };
  }
}
