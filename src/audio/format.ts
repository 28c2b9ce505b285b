// AudioFormat: the one description of a PCM or DSD stream that every layer passes around.

import { AurisError } from '../util/errors.ts';

/**
 * Sample kind. Integer kinds name the smallest standard container that holds `validBits`
 * (s8 <= 8, s16 <= 16, s24 <= 24, s32 <= 32 bits); float kinds are IEEE; `dsd` is 1-bit DSD.
 */
export type SampleKind = 's8' | 's16' | 's24' | 's32' | 'f32' | 'f64' | 'dsd';

/**
 * A stream's format. `rate` is frames per second (for DSD, bits per second per channel, e.g.
 * 2,822,400 for DSD64). `validBits` is the true depth: 4..32 for integer PCM (a 20-bit FLAC is
 * `{ sample: 's24', validBits: 20 }`), 32 or 64 for float, 1 for DSD.
 */
export interface AudioFormat {
  readonly rate: number;
  readonly channels: number;
  readonly sample: SampleKind;
  readonly validBits: number;
}

export const MAX_CHANNELS = 8;

export function isIntegerKind(sample: SampleKind): sample is 's8' | 's16' | 's24' | 's32' {
  return sample === 's8' || sample === 's16' || sample === 's24' || sample === 's32';
}

export function isFloatKind(sample: SampleKind): sample is 'f32' | 'f64' {
  return sample === 'f32' || sample === 'f64';
}

/** The integer kind whose container holds `bits` (1..32). */
export function intKindFor(bits: number): 's8' | 's16' | 's24' | 's32' {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new AurisError('E_INVALID_ARGUMENT', `no integer container for ${bits} bits`);
  return bits <= 8 ? 's8' : bits <= 16 ? 's16' : bits <= 24 ? 's24' : 's32';
}

/** Container width in bits of a sample kind (DSD: 1). */
export function containerBits(sample: SampleKind): number {
  switch (sample) {
    case 's8': return 8;
    case 's16': return 16;
    case 's24': return 24;
    case 's32': case 'f32': return 32;
    case 'f64': return 64;
    case 'dsd': return 1;
  }
}

/** Integer PCM format of `bits` true bits. */
export function pcmFormat(rate: number, channels: number, bits: number): AudioFormat {
  return validateFormat({ rate, channels, sample: intKindFor(bits), validBits: bits });
}

export function floatFormat(rate: number, channels: number, bits: 32 | 64): AudioFormat {
  return validateFormat({ rate, channels, sample: bits === 32 ? 'f32' : 'f64', validBits: bits });
}

export function dsdFormat(rate: number, channels: number): AudioFormat {
  return validateFormat({ rate, channels, sample: 'dsd', validBits: 1 });
}

/** Throws E_INVALID_ARGUMENT unless the format is internally consistent; returns it otherwise. */
export function validateFormat(f: AudioFormat): AudioFormat {
  const bad = (why: string): never => {
    throw new AurisError('E_INVALID_ARGUMENT', `invalid audio format ${formatToString(f)}: ${why}`, { format: f });
  };
  if (!Number.isInteger(f.rate) || f.rate < 1) bad('rate must be a positive integer');
  if (!Number.isInteger(f.channels) || f.channels < 1 || f.channels > 255) bad('channels must be 1..255');
  if (isIntegerKind(f.sample)) {
    if (!Number.isInteger(f.validBits) || f.validBits < 1 || f.validBits > containerBits(f.sample)) bad('validBits does not fit the container');
    if (intKindFor(f.validBits) !== f.sample) bad(`${f.validBits} bits belong in ${intKindFor(f.validBits)}`);
  } else if (isFloatKind(f.sample)) {
    if (f.validBits !== containerBits(f.sample)) bad('float validBits must equal the container width');
  } else if (f.validBits !== 1) {
    bad('DSD validBits must be 1');
  }
  return f;
}

export function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return a.rate === b.rate && a.channels === b.channels && a.sample === b.sample && a.validBits === b.validBits;
}

/**
 * Frames per second of a stream in this format: the rate for PCM; for DSD, whose frames are one
 * byte (8 one-bit samples) per channel, the rate / 8. Durations are frames / framesPerSecond.
 */
export function framesPerSecond(f: AudioFormat): number {
  return f.sample === 'dsd' ? f.rate / 8 : f.rate;
}

/** "44100 Hz, 2 ch, 16-bit", "96000 Hz, 2 ch, 24-bit (s32)", "2822400 Hz, 2 ch, DSD64". */
export function formatToString(f: AudioFormat): string {
  const depth =
    f.sample === 'dsd' ? `DSD${Math.round(f.rate / 44100)}`
    : isFloatKind(f.sample) ? `${f.validBits}-bit float`
    : `${f.validBits}-bit`;
  return `${f.rate} Hz, ${f.channels} ch, ${depth}`;
}

/**
 * Duration in seconds of `frames` frames. For DSD a frame is one byte per channel (8 DSD samples),
 * as in DsdBlock and in the DSD decoders' totalFrames and seek positions.
 */
export function framesToSeconds(frames: number, f: AudioFormat): number {
  return f.sample === 'dsd' ? (frames * 8) / f.rate : frames / f.rate;
}

/**
 * A length of `frames` frames for people: "441000 frames"; for DSD, whose frames are bytes per
 * channel, "5644800 one-bit samples per channel", the count its rate is in (a DSD frame count next to
 * the DSD rate reads as a length 8 times too short).
 */
export function lengthToString(frames: number, f: AudioFormat): string {
  return f.sample === 'dsd' ? `${frames * 8} one-bit samples per channel` : `${frames} frame${frames === 1 ? '' : 's'}`;
}
