// Noise-shaping error-feedback filters (dsp.md section 3.3, coefficient sets from SoX's dither).
// NTF(z) = 1 - sum c_j z^-j; each set is designed for one sample rate and used only within 5 %.

/** Dither choices: none, plain TPDF, high-passed ("sloped") TPDF, or TPDF with a noise shaper. */
export type DitherMode = 'none' | 'tpdf' | 'tpdf-sloped' | NoiseShaping;

export type NoiseShaping =
  | 'first-order' | 'lipshitz' | 'f-weighted' | 'modified-e-weighted' | 'improved-e-weighted' | 'shibata';

/** One error-feedback filter: designed for `rate` (null: any rate), FIR coefficients c_1..c_N. */
export interface ShapingFilter {
  readonly name: NoiseShaping;
  readonly rate: number | null;
  readonly coefficients: readonly number[];
}

export const SHAPING_FILTERS: Readonly<Record<NoiseShaping, ShapingFilter>> = {
  'first-order': { name: 'first-order', rate: null, coefficients: [1] },
  lipshitz: { name: 'lipshitz', rate: 44100, coefficients: [2.033, -2.165, 1.959, -1.590, 0.6149] },
  'f-weighted': {
    name: 'f-weighted', rate: 46000,
    coefficients: [2.412, -3.370, 3.937, -4.174, 3.353, -2.205, 1.281, -0.569, 0.0847],
  },
  'modified-e-weighted': {
    name: 'modified-e-weighted', rate: 46000,
    coefficients: [1.662, -1.263, 0.4827, -0.2913, 0.1268, -0.1124, 0.03252, -0.01265, -0.03524],
  },
  'improved-e-weighted': {
    name: 'improved-e-weighted', rate: 46000,
    coefficients: [2.847, -4.685, 6.214, -7.184, 6.639, -5.032, 3.263, -1.632, 0.4191],
  },
  shibata: {
    name: 'shibata', rate: 44100,
    coefficients: [
      2.6773197650909424, -4.830892562866211, 6.570110321044922, -7.4572014808654785,
      6.726327419281006, -4.848165035247803, 2.0412089824676514, 0.7006359100341797,
      -2.95375657081604, 4.080038547515869, -4.184521675109863, 3.331181287765503,
      -2.117992639541626, 0.879302978515625, -0.031759146600961685, -0.4238278865814209,
      0.4788210391998291, -0.35490813851356506, 0.1749683916568756, -0.06090816855430603,
    ],
  },
};

export const DITHER_MODES: readonly DitherMode[] = ['none', 'tpdf', 'tpdf-sloped', ...Object.keys(SHAPING_FILTERS) as NoiseShaping[]];

export function isDitherMode(s: string): s is DitherMode {
  return (DITHER_MODES as readonly string[]).includes(s);
}

/** The shaper usable at `rate`, or null when its design rate is more than 5 % away. */
export function shapingFor(name: NoiseShaping, rate: number): ShapingFilter | null {
  const f = SHAPING_FILTERS[name];
  if (f.rate !== null && Math.abs(rate - f.rate) / f.rate > 0.05) return null;
  return f;
}

/** |NTF(e^jw)| in dB at `hz` for sample rate `rate`: how the shaper scales the requantisation noise. */
export function ntfMagnitudeDb(f: ShapingFilter, hz: number, rate: number): number {
  const w = (2 * Math.PI * hz) / rate;
  let re = 1;
  let im = 0;
  f.coefficients.forEach((c, j) => {
    re -= c * Math.cos(w * (j + 1));
    im += c * Math.sin(w * (j + 1));
  });
  return 10 * Math.log10(re * re + im * im);
}
