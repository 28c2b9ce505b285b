// Audio blocks: what decoders produce and filters and outputs consume.
//
// Integer PCM travels as interleaved Int32Array, right-justified and sign-extended (a 16-bit sample
// is -32768..32767). Float PCM travels as interleaved Float64Array holding the file's values. DSD
// travels as raw bytes, MSB-first (the first bit in time is bit 7), byte-interleaved per channel.

import type { AudioFormat } from './format.ts';
import { isFloatKind, isIntegerKind } from './format.ts';
import { AurisError } from '../util/errors.ts';

export interface IntBlock {
  readonly kind: 'int';
  readonly format: AudioFormat;
  /** Frames in this block; `samples.length === frames * format.channels`. */
  readonly frames: number;
  readonly samples: Int32Array;
}

export interface FloatBlock {
  readonly kind: 'float';
  readonly format: AudioFormat;
  readonly frames: number;
  readonly samples: Float64Array;
}

export interface DsdBlock {
  readonly kind: 'dsd';
  readonly format: AudioFormat;
  /** Bytes per channel in this block (8 DSD samples each); `bytes.length === frames * channels`. */
  readonly frames: number;
  readonly bytes: Uint8Array;
}

export type AudioBlock = IntBlock | FloatBlock | DsdBlock;

export function intBlock(format: AudioFormat, samples: Int32Array): IntBlock {
  if (!isIntegerKind(format.sample)) throw new AurisError('E_INVALID_ARGUMENT', `intBlock needs an integer format, got ${format.sample}`);
  return { kind: 'int', format, frames: checkedFrames(samples.length, format.channels), samples };
}

export function floatBlock(format: AudioFormat, samples: Float64Array): FloatBlock {
  if (!isFloatKind(format.sample)) throw new AurisError('E_INVALID_ARGUMENT', `floatBlock needs a float format, got ${format.sample}`);
  return { kind: 'float', format, frames: checkedFrames(samples.length, format.channels), samples };
}

export function dsdBlock(format: AudioFormat, bytes: Uint8Array): DsdBlock {
  if (format.sample !== 'dsd') throw new AurisError('E_INVALID_ARGUMENT', `dsdBlock needs a DSD format, got ${format.sample}`);
  return { kind: 'dsd', format, frames: checkedFrames(bytes.length, format.channels), bytes };
}

function checkedFrames(length: number, channels: number): number {
  if (length % channels !== 0) throw new AurisError('E_INVALID_ARGUMENT', `block of ${length} samples is not a whole number of ${channels}-channel frames`);
  return length / channels;
}

/** A block holding frames [start, end) of `block`, sharing its memory. */
export function sliceBlock<B extends AudioBlock>(block: B, start: number, end: number): B {
  const ch = block.format.channels;
  const s = Math.max(0, Math.min(start, block.frames));
  const e = Math.max(s, Math.min(end, block.frames));
  switch (block.kind) {
    case 'int': return { ...block, frames: e - s, samples: block.samples.subarray(s * ch, e * ch) };
    case 'float': return { ...block, frames: e - s, samples: block.samples.subarray(s * ch, e * ch) };
    case 'dsd': return { ...block, frames: e - s, bytes: block.bytes.subarray(s * ch, e * ch) };
  }
}
