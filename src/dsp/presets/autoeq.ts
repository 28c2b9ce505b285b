// AutoEq specifics (dsp.md sections 1.8 and 2.2). AutoEq's ParametricEQ.txt, FixedBandEQ.txt and
// GraphicEQ.txt are Equalizer APO files (read them with apo.ts); what differs is how AutoEq
// computes its printed preamp: the maximum of the summed response on its own grid, 20 Hz to 20 kHz
// in steps of x1.02, at 44.1 kHz, which misses shelf gain below 20 Hz (the spec's auto-preamp
// looks at the true maximum instead; see autoPreampDb in plugins/eq/index.ts).

import { eqResponse, type EqSettings } from '../plugins/eq/index.ts';

/** AutoEq's optimiser rate and frequency grid. */
export const AUTOEQ_RATE = 44100;

export function autoEqGrid(): number[] {
  const grid: number[] = [];
  for (let f = 20; f <= 20000; f *= 1.02) grid.push(f);
  return grid;
}

/** The largest summed gain (dB, preamps left out) of channel 0 on AutoEq's grid, with its frequency. */
export function autoEqGridPeak(settings: EqSettings): { hz: number; db: number } {
  const filtersOnly: EqSettings = { steps: settings.steps.filter((s) => s.kind !== 'preamp') };
  const r = eqResponse(filtersOnly, AUTOEQ_RATE, autoEqGrid());
  return r.reduce((best, p) => (p.db > best.db ? { hz: p.hz, db: p.db } : best), { hz: 0, db: -Infinity });
}

/** The preamp AutoEq would print for these filters: -max(0, grid peak), "AutoEq-compatible" mode. */
export function autoEqCompatiblePreampDb(settings: EqSettings): number {
  return -Math.max(0, autoEqGridPeak(settings).db);
}
