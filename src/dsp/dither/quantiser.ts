// The final float -> integer stage (dsp.md sections 0, 2.3, 3.2-3.4):
//   s = clamp(round_half_away(x * 2^(N-1) - shaped error + d), -2^(N-1), 2^(N-1) - 1)
// with d TPDF dither in LSB (or none), optional noise shaping by error feedback, and clip counting
// on the signal before dither. The chain appends it when float samples must become integers; it is
// never used on a bit-perfect path (the chain hands integer blocks through untouched then).

import type { AudioBlock, IntBlock } from '../../audio/block.ts';
import type { AudioFormat } from '../../audio/format.ts';
import { pcmFormat, sameFormat, formatToString } from '../../audio/format.ts';
import { AurisError } from '../../util/errors.ts';
import { ClipCounter, type ClipStats } from '../clip.ts';
import type { OpenFilter } from '../interface.ts';
import { stageReport } from '../interface.ts';
import { Xoshiro128 } from './prng.ts';
import { shapingFor, type DitherMode, type NoiseShaping, type ShapingFilter } from './shaping.ts';

export interface QuantiserOptions {
  /** Output depth in bits (1..32). */
  readonly bits: number;
  readonly dither: DitherMode;
  /** PRNG seed, for reproducible output (tests, `auris convert --seed`). */
  readonly seed?: number;
}

/** An open quantiser: an OpenFilter from f64 to `bits`-bit integers that also counts clips. */
export interface Quantiser extends OpenFilter {
  /** The dither actually used (a shaper is replaced by plain TPDF at a rate it was not made for). */
  readonly ditherUsed: DitherMode;
  clipStats(): ClipStats;
}

/** Rounds half away from zero, as SoX and the spec's quantiser do. */
export function roundHalfAway(t: number): number {
  return t >= 0 ? Math.floor(t + 0.5) : -Math.floor(0.5 - t);
}

/** Opens a quantiser from `input` (an f64 format) to `options.bits`-bit integer PCM. */
export function openQuantiser(input: AudioFormat, options: QuantiserOptions): Quantiser {
  if (input.sample !== 'f64') throw new AurisError('E_FORMAT_REFUSED', `the quantiser takes f64 samples, not ${formatToString(input)}`);
  const bits = options.bits;
  const output = pcmFormat(input.rate, input.channels, bits);
  const channels = input.channels;
  const scale = 2 ** (bits - 1);
  const maxInt = scale - 1;
  const minInt = -scale;
  let ditherUsed: DitherMode = options.dither;
  let shaper: ShapingFilter | null = null;
  let note = '';
  if (ditherUsed !== 'none' && ditherUsed !== 'tpdf' && ditherUsed !== 'tpdf-sloped') {
    shaper = shapingFor(ditherUsed as NoiseShaping, input.rate);
    if (!shaper) {
      note = ` (${ditherUsed} is made for ${Math.round(input.rate / 1000)} kHz +-5 % only; plain TPDF used)`;
      ditherUsed = 'tpdf';
    }
  }
  const taps = shaper ? shaper.coefficients.length : 0;
  const coef = Float64Array.from(shaper?.coefficients ?? []);
  // Error history per channel, newest first: err[ch * taps + j] = e[n-1-j].
  const err = new Float64Array(channels * Math.max(taps, 1));
  const prevUniform = new Float64Array(channels);
  const seed = options.seed ?? ((Math.random() * 2 ** 32) >>> 0);
  let rngs = Array.from({ length: channels }, (_, ch) => new Xoshiro128(seed, ch));
  const clips = ClipCounter.forIntBits(channels, bits);
  let buffer = new Int32Array(0);
  const ditherName = ditherUsed === 'none' ? 'no dither' : ditherUsed === 'tpdf' ? 'TPDF dither' : ditherUsed === 'tpdf-sloped' ? 'sloped TPDF dither' : `TPDF dither, ${ditherUsed} noise shaping`;
  const report = stageReport('dither', ditherUsed === 'none' ? `Quantise to ${bits}-bit` : ditherName, input, output, false,
    `${bits}-bit, ${ditherName}${note}`);

  const quantiser: Quantiser = {
    inputFormat: input,
    outputFormat: output,
    identity: false,
    report,
    latencyFrames: 0,
    ditherUsed,
    process(block: AudioBlock): IntBlock {
      if (block.kind !== 'float' || !sameFormat(block.format, input)) {
        throw new AurisError('E_FORMAT_REFUSED', `quantiser opened on ${formatToString(input)} got ${formatToString(block.format)}`);
      }
      const x = block.samples;
      if (buffer.length !== x.length) buffer = new Int32Array(x.length);
      const out = buffer;
      for (let ch = 0; ch < channels; ch++) {
        const rng = rngs[ch]!;
        const base = ch * taps;
        let prev = prevUniform[ch]!;
        for (let i = ch; i < x.length; i += channels) {
          const xi = x[i]!;
          const clipped = clips.note(ch, xi);
          let v = xi * scale;
          if (taps > 0) for (let j = 0; j < taps; j++) v -= coef[j]! * err[base + j]!;
          let d = 0;
          if (ditherUsed === 'tpdf' || shaper) d = rng.uniform() + rng.uniform() - 1;
          else if (ditherUsed === 'tpdf-sloped') { const r = rng.uniform(); d = r - prev; prev = r; }
          let q = roundHalfAway(v + d);
          if (q > maxInt) q = maxInt;
          else if (q < minInt) q = minInt;
          out[i] = q;
          if (taps > 0) {
            for (let j = taps - 1; j > 0; j--) err[base + j] = err[base + j - 1]!;
            err[base] = q - v;
            // After a clip the error is not small noise any more: restart the feedback (section 2.3).
            if (clipped) err.fill(0, base, base + taps);
          }
        }
        prevUniform[ch] = prev;
      }
      return { kind: 'int', format: output, frames: block.frames, samples: out };
    },
    flush() {
      quantiser.reset();
      return null;
    },
    reset() {
      err.fill(0);
      prevUniform.fill(0);
      rngs = Array.from({ length: channels }, (_, ch) => new Xoshiro128(seed, ch));
    },
    clipStats: () => clips.stats(),
  };
  return quantiser;
}
