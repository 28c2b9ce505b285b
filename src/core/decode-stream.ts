// Decoding one file's frames [start, end) to bytes: `auris decode` and `auris debug decode` (src/cli) share it.

import type { AudioBlock } from '../audio/block.ts';
import { sameFormat, type AudioFormat } from '../audio/format.ts';
import { blockMd5Bytes } from '../audio/pack.ts';
import type { Decoder } from '../decoders/interface.ts';
import { openFile, type OpenedFile } from '../decoders/registry.ts';
import { AurisError } from '../util/errors.ts';

const READ_FRAMES = 16384;

/** A frame range as the CLI takes it: `end` null means "to the end of the stream". */
export interface FrameRange {
  readonly start: number;
  readonly end: number | null;
}

/** Parses a CLI frame count ("0", "44100"): a non-negative safe integer, else E_INVALID_ARGUMENT. */
export function parseFrames(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new AurisError('E_INVALID_ARGUMENT', `${option} takes a whole number of frames (samples per channel), not "${value}"`);
  }
  return n;
}

/**
 * Opens `path`, seeks to `range.start`, and hands every block up to `range.end` to `sink` in order.
 * The first call of `onFormat` comes before any block. A mid-stream format change is refused with
 * E_UNSUPPORTED_FEATURE (a single WAV or raw stream cannot hold two formats). `integrity` is the
 * decoder's mode (DecoderOptions): `lenient` decodes past damage, which the caller then reads from
 * the decoder's integrity(). Returns the frames written.
 */
export async function decodeRange(
  path: string,
  range: FrameRange,
  onFormat: (format: AudioFormat, decoder: Decoder) => Promise<void> | void,
  sink: (block: AudioBlock) => Promise<void> | void,
  integrity: 'strict' | 'lenient' = 'strict',
): Promise<number> {
  if (range.end !== null && range.end < range.start) {
    throw new AurisError('E_INVALID_ARGUMENT', `--end ${range.end} is before --start ${range.start}`);
  }
  const file: OpenedFile = await openFile(path, { integrity });
  try {
    const d = file.decoder;
    await onFormat(d.format, d);
    let at = range.start > 0 ? await d.seek(range.start) : 0;
    let written = 0;
    while (range.end === null || at < range.end) {
      const want = range.end === null ? READ_FRAMES : Math.min(READ_FRAMES, range.end - at);
      const block = await d.read(want);
      if (!block) break;
      if (!sameFormat(block.format, d.format)) {
        throw new AurisError('E_UNSUPPORTED_FEATURE', `${path}: the format changes at frame ${at}; one output file cannot hold both`, { path, frame: at });
      }
      await sink(block);
      at += block.frames;
      written += block.frames;
    }
    return written;
  } finally {
    await file.close();
  }
}

/** A block in the MD5 layout (`.raw`): integers signed LE in ceil(bits/8) bytes, floats as f32le/f64le, DSD as is. */
export function rawBytes(block: AudioBlock): Uint8Array {
  return block.kind === 'dsd' ? block.bytes : blockMd5Bytes(block);
}
