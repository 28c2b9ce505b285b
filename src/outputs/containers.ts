// Choosing the device container for a source format from the device's capabilities. Shared by
// every device output (ALSA, WASAPI): lossless choices only, in the order of containersFor().

import type { AudioFormat } from '../audio/format.ts';
import { formatToString } from '../audio/format.ts';
import { containersFor, type Container } from '../audio/pack.ts';
import { nativeDsdRate, nativeDsdWordBytes, type NativeDsdFormat } from '../audio/dop.ts';
import { AurisError } from '../util/errors.ts';
import type { FormatCaps } from './interface.ts';

/** "S32_LE, S16_LE at 44100-192000 Hz, 2 ch": the accepted set, for messages. */
export function describeCaps(formats: readonly FormatCaps[]): string {
  if (formats.length === 0) return 'nothing (the device reports no usable format)';
  return formats.map((f) => {
    const ch = f.channelsMin === f.channelsMax ? `${f.channelsMin} ch` : `${f.channelsMin}-${Math.min(f.channelsMax, 64)} ch`;
    return `${f.container} at ${f.rates.join('/')} Hz, ${ch}`;
  }).join('; ');
}

/** Whether a capability entry takes `rate` and `channels` (rates off the probed list count when inside `rateRange`). */
function takes(f: FormatCaps, rate: number, channels: number, rateRange: readonly [number, number] | null): boolean {
  if (channels < f.channelsMin || channels > f.channelsMax) return false;
  if (f.rates.includes(rate)) return true;
  return rateRange !== null && !STANDARD_RATES.includes(rate) && rate >= rateRange[0] && rate <= rateRange[1];
}

/** The rates the backends probe; a rate among them that a device lacks is known to be refused. */
export const STANDARD_RATES: readonly number[] = [
  8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000, 352800, 384000, 705600, 768000,
];

/**
 * The containers to try for `format`, best first, among those the device accepts at its rate and
 * channel count. Throws E_FORMAT_REFUSED listing the accepted set when there is none.
 */
export function chooseContainers(
  device: string, format: AudioFormat, formats: readonly FormatCaps[], rateRange: readonly [number, number] | null, forced?: Container,
): Container[] {
  const wanted = forced ? [forced] : containersFor(format);
  const ok = wanted.filter((c) => formats.some((f) => f.container === c && takes(f, format.rate, format.channels, rateRange)));
  if (ok.length > 0) return ok;
  throw refusal(device, format, formats, wanted);
}

/** The E_FORMAT_REFUSED error for `format` on a device accepting `formats`. */
export function refusal(device: string, format: AudioFormat, formats: readonly FormatCaps[], tried: readonly string[]): AurisError {
  return new AurisError(
    'E_FORMAT_REFUSED',
    `${device} does not accept ${formatToString(format)} (tried ${tried.join(', ') || 'no lossless container'}); it accepts ${describeCaps(formats)}`,
    { device, format, tried, accepted: formats },
  );
}

/** ALSA's native DSD containers, widest word first (fewest device frames per second). */
const NATIVE_DSD_ORDER: readonly NativeDsdFormat[] = ['DSD_U32_BE', 'DSD_U32_LE', 'DSD_U16_BE', 'DSD_U16_LE', 'DSD_U8'];

/**
 * The native DSD containers a device takes for a DSD `format`, best first: those listed in
 * `formats` at the container's frame rate (DSD64 as DSD_U32_BE: 88,200) and channel count.
 */
export function nativeDsdContainers(format: AudioFormat, formats: readonly FormatCaps[]): NativeDsdFormat[] {
  if (format.sample !== 'dsd') return [];
  return NATIVE_DSD_ORDER.filter((c) => {
    if (format.rate % (8 * nativeDsdWordBytes(c)) !== 0) return false;
    const rate = nativeDsdRate(format.rate, c);
    return formats.some((f) => f.container === c && f.rates.includes(rate) && format.channels >= f.channelsMin && format.channels <= f.channelsMax);
  });
}
