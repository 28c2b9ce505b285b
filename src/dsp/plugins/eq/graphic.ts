// Equalizer APO "GraphicEQ" curves (dsp.md section 1.6): nodes (f, dB) sorted by f; the gain
// between nodes is linear in dB against ln f, held flat below the first and above the last node.

import { AurisError } from '../../../util/errors.ts';

export interface GraphicNode {
  readonly hz: number;
  readonly db: number;
}

/** Nodes sorted by frequency (stable for equal frequencies), checked for sane numbers. */
export function sortNodes(nodes: readonly GraphicNode[]): GraphicNode[] {
  for (const n of nodes) {
    if (!(Number.isFinite(n.hz) && n.hz >= 0) || Number.isNaN(n.db) || n.db === Infinity) {
      throw new AurisError('E_INVALID_ARGUMENT', `GraphicEQ node ${n.hz} Hz ${n.db} dB is not usable`, { node: n });
    }
  }
  return nodes.map((n, i) => ({ n, i })).sort((a, b) => a.n.hz - b.n.hz || a.i - b.i).map((x) => x.n);
}

/** Gain in dB of the curve through `sorted` nodes at `hz` (0 dB for no nodes). */
export function graphicGainDb(sorted: readonly GraphicNode[], hz: number): number {
  if (sorted.length === 0) return 0;
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  if (hz <= first.hz) return first.db;
  if (hz >= last.hz) return last.db;
  let lo = 0;
  let hi = sorted.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.hz <= hz) lo = mid; else hi = mid;
  }
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  if (a.db === b.db) return a.db;
  if (a.hz === b.hz || a.hz <= 0) return b.db;
  const t = Math.log(hz / a.hz) / Math.log(b.hz / a.hz);
  return a.db + t * (b.db - a.db);
}

/** True when the curve is 0 dB everywhere. */
export function isFlatCurve(nodes: readonly GraphicNode[]): boolean {
  return nodes.every((n) => n.db === 0);
}
