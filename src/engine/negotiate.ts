// Deciding, before a track plays, what the device will get: the source format as it is when the
// device takes it, else the nearest rate and depth it has (the engine's missing-rate policy decides
// whether to do that or skip the track).

import type { AudioFormat } from '../audio/format.ts';
import { pcmFormat, formatToString, isIntegerKind } from '../audio/format.ts';
import type { OutputCapabilities } from '../outputs/interface.ts';
import { chooseContainers, describeCaps, STANDARD_RATES } from '../outputs/negotiate.ts';
import { AurisError } from '../util/errors.ts';

/** What the chain must turn the source into for the device; null fields mean "as the source". */
export interface DevicePlan {
  readonly rate: number | null;
  readonly bits: number | null;
  /** Why the source cannot go as it is, in words ('' when it can). */
  readonly reason: string;
}

const AS_IS: DevicePlan = { rate: null, bits: null, reason: '' };

/** Whether the device takes `f` exactly as it is (some lossless container at its rate and channels). */
export function accepts(caps: OutputCapabilities, f: AudioFormat): boolean {
  if (caps.formats === 'any') return true;
  try {
    chooseContainers(caps.name, f, caps.formats, caps.rateRange);
    return true;
  } catch {
    return false;
  }
}

/** The rate family of a rate: 44100 multiples, 48000 multiples, or the rate itself. */
function family(rate: number): number {
  return rate % 11025 === 0 ? 44100 : rate % 8000 === 0 ? 48000 : rate;
}

/**
 * The best device rate for a source rate among `rates`: the same family first (44.1k multiples vs
 * 48k multiples), then the lowest rate at or above the source (nothing is lost), else the highest
 * below it.
 */
export function bestRate(sourceRate: number, rates: readonly number[]): number | null {
  if (rates.length === 0) return null;
  const same = rates.filter((r) => family(r) === family(sourceRate));
  const pool = same.length > 0 ? same : [...rates];
  const above = pool.filter((r) => r >= sourceRate).sort((a, b) => a - b);
  if (above.length > 0) return above[0]!;
  return pool.sort((a, b) => b - a)[0]!;
}

/**
 * Plans one source format on a device. Integer PCM only changes rate or depth when the device
 * lacks them; float PCM the device cannot take as float goes to the deepest integer container it
 * has, with dither. Throws E_FORMAT_REFUSED when no rate and depth of the device fit at all.
 */
export function planForDevice(source: AudioFormat, caps: OutputCapabilities): DevicePlan {
  if (accepts(caps, source) || caps.formats === 'any') return AS_IS;
  const float = !isIntegerKind(source.sample);
  const depths = float ? [32, 24, 16] : [source.validBits, ...[32, 24, 16].filter((b) => b < source.validBits)];
  const sourceDepth = float ? `${source.validBits}-bit float` : `${source.validBits}-bit`;
  for (const bits of depths) {
    const at = (rate: number) => pcmFormat(rate, source.channels, bits);
    if (accepts(caps, at(source.rate))) {
      return { rate: null, bits, reason: `the device has no ${sourceDepth} container at ${source.rate} Hz; reduced to ${bits}-bit with dither` };
    }
    const rates = STANDARD_RATES.filter((r) => accepts(caps, at(r)));
    const rate = bestRate(source.rate, rates);
    if (rate !== null) {
      const depth = bits === source.validBits && !float ? null : bits;
      const why = `the device lacks ${source.rate} Hz${depth ? ` and ${sourceDepth}` : ''}; resampled to ${rate} Hz${depth ? ` at ${depth}-bit with dither` : ''}`;
      return { rate, bits: depth, reason: why };
    }
  }
  throw new AurisError('E_FORMAT_REFUSED', `${caps.name} does not accept ${formatToString(source)} at any rate or depth; it accepts ${describeCaps(caps.formats)}`, { accepted: caps.formats });
}
