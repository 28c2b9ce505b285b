// The WASAPI-under-Wine cases, shared by the script Windows node.exe runs (wasapi-suite.ts) and the
// Linux test that checks its captures (test/outputs/wasapi-wine.test.ts): the same deterministic
// payload is generated on both sides, so the Windows side never hands over the expected bytes.

import type { AudioFormat } from '../../src/audio/format.ts';
import { floatFormat, pcmFormat } from '../../src/audio/format.ts';
import { packFloat, packInt, type Container } from '../../src/audio/pack.ts';

export interface WineCase {
  readonly id: string;
  readonly format: AudioFormat;
  readonly mode: 'exclusive' | 'shared';
  /** WASAPI strategy option: '' = event-driven with fallback to push. */
  readonly strategy: '' | 'push' | 'event';
  /** Container forced through OpenOptions.container (24-bit: 24/24 vs 24-in-32). */
  readonly container: Container;
  /** Valid bits the driver must report back for the container. */
  readonly validBits: number;
  /** ALSA format name the capture file carries (`%f` in test/wine/asoundrc). */
  readonly alsaFormat: string;
  /** Play the payload, drain, then play it again on the same open stream (restart after a drain). */
  readonly twice?: boolean;
}

const SECONDS = 0.25;

/** Exclusive push mode at the rates and depths the issue names, one event-mode and one shared case. */
export const WINE_CASES: readonly WineCase[] = [
  { id: 'push-16-44k1', format: pcmFormat(44100, 2, 16), mode: 'exclusive', strategy: 'push', container: 'S16_LE', validBits: 16, alsaFormat: 'S16_LE' },
  { id: 'push-24-96k-packed', format: pcmFormat(96000, 2, 24), mode: 'exclusive', strategy: 'push', container: 'S24_3LE', validBits: 24, alsaFormat: 'S24_3LE' },
  { id: 'push-24in32-96k', format: pcmFormat(96000, 2, 24), mode: 'exclusive', strategy: 'push', container: 'S32_LE', validBits: 24, alsaFormat: 'S32_LE' },
  { id: 'push-32-192k', format: pcmFormat(192000, 2, 32), mode: 'exclusive', strategy: 'push', container: 'S32_LE', validBits: 32, alsaFormat: 'S32_LE' },
  { id: 'push-32-384k', format: pcmFormat(384000, 2, 32), mode: 'exclusive', strategy: 'push', container: 'S32_LE', validBits: 32, alsaFormat: 'S32_LE' },
  { id: 'push-f32-88k2', format: floatFormat(88200, 2, 32), mode: 'exclusive', strategy: 'push', container: 'FLOAT_LE', validBits: 32, alsaFormat: 'FLOAT_LE' },
  { id: 'push-16-22k05-twice', format: pcmFormat(22050, 2, 16), mode: 'exclusive', strategy: 'push', container: 'S16_LE', validBits: 16, alsaFormat: 'S16_LE', twice: true },
  { id: 'auto-16-48k', format: pcmFormat(48000, 2, 16), mode: 'exclusive', strategy: '', container: 'S16_LE', validBits: 16, alsaFormat: 'S16_LE' },
  // Shared mode runs on the mix format, which Wine reports as float32 48 kHz stereo.
  { id: 'shared-mix', format: floatFormat(48000, 2, 32), mode: 'shared', strategy: '', container: 'FLOAT_LE', validBits: 32, alsaFormat: 'FLOAT_LE' },
];

/** Capture file of a case, as the `file` PCM names it: `<dir>/cap-<rate>-<channels>-<format>.raw`. */
export function captureName(c: WineCase): string {
  return `cap-${c.format.rate}-${c.format.channels}-${c.alsaFormat}.raw`;
}

/** The device bytes of a case: full-scale pseudo-random samples (an LCG seeded by the case id), packed. */
export function payload(c: WineCase): Uint8Array {
  let seed = 0;
  for (const ch of c.id) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
  const n = Math.round(c.format.rate * SECONDS) * c.format.channels;
  const next = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed;
  };
  if (c.format.sample === 'f32') {
    // Multiples of 2^-23 in [-1, 1): exact in float32, so the packed bytes are well defined.
    const f = new Float64Array(n);
    for (let i = 0; i < n; i++) f[i] = ((next() >>> 8) - 0x800000) / 0x800000;
    return packFloat(f, c.container);
  }
  const bits = c.format.validBits;
  const s = new Int32Array(n);
  for (let i = 0; i < n; i++) s[i] = next() >> (32 - bits);
  return packInt(s, bits, c.container);
}

