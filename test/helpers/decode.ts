// Decoding whole streams in tests: every block of a decoder concatenated, and seek checks against
// a full decode.

import assert from 'node:assert/strict';
import type { AudioBlock } from '../../src/audio/block.ts';
import type { AudioFormat } from '../../src/audio/format.ts';
import { packFloat, packMd5Layout } from '../../src/audio/pack.ts';
import type { Decoder, DecoderOptions, DecoderPlugin } from '../../src/decoders/interface.ts';
import { BufferByteSource } from '../../src/util/byte-source.ts';
import { prng, randomInt } from './signals.ts';

/** A whole decode: the first block's format and all samples (or DSD bytes) concatenated. */
export interface Decoded {
  readonly format: AudioFormat;
  readonly frames: number;
  readonly samples: Int32Array | Float64Array | Uint8Array;
  /** Every distinct block format met, in order (more than one means a format change). */
  readonly formats: AudioFormat[];
}

function samplesOf(b: AudioBlock): Int32Array | Float64Array | Uint8Array {
  return b.kind === 'dsd' ? b.bytes : b.samples;
}

/** Reads `decoder` to its end in blocks of at most `maxFrames`. */
export async function decodeAll(decoder: Decoder, maxFrames = 4096): Promise<Decoded> {
  const parts: (Int32Array | Float64Array | Uint8Array)[] = [];
  const formats: AudioFormat[] = [];
  let frames = 0;
  for (let b = await decoder.read(maxFrames); b; b = await decoder.read(maxFrames)) {
    assert.ok(b.frames >= 1 && b.frames <= maxFrames, `block of ${b.frames} frames for maxFrames ${maxFrames}`);
    if (!formats.includes(b.format)) formats.push(b.format);
    parts.push(samplesOf(b));
    frames += b.frames;
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const first = parts[0];
  const out = first instanceof Float64Array ? new Float64Array(total) : first instanceof Uint8Array ? new Uint8Array(total) : new Int32Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return { format: decoder.format, frames, samples: out, formats };
}

/** Opens `plugin` on in-memory bytes. */
export function openBytes(plugin: DecoderPlugin, bytes: Uint8Array, options: DecoderOptions = {}): Promise<Decoder> {
  return plugin.open(new BufferByteSource(bytes), options);
}

/**
 * Seeks to `count` random frames (plus the first and the last) and checks that a read from each
 * returns exactly the frames of `full` there.
 */
export async function checkSeeks(decoder: Decoder, full: Decoded, count = 200, seed = 7): Promise<void> {
  const next = prng(seed);
  const ch = full.format.channels;
  const positions = [0, Math.max(0, full.frames - 1), full.frames, ...Array.from({ length: count }, () => randomInt(next, full.frames))];
  for (const pos of positions) {
    const want = 1 + randomInt(next, 300);
    assert.equal(await decoder.seek(pos), pos);
    const block = await decoder.read(want);
    if (pos >= full.frames) {
      assert.equal(block, null, `read after seeking to the end (${pos})`);
      continue;
    }
    assert.ok(block, `a block at frame ${pos}`);
    const got = samplesOf(block);
    const expected = full.samples.subarray(pos * ch, (pos + block.frames) * ch);
    assert.ok(block.frames >= 1 && block.frames <= Math.min(want, full.frames - pos));
    assert.deepEqual(got, expected, `frames at ${pos} after a seek`);
  }
  assert.equal(await decoder.seek(full.frames + 1000), full.frames, 'a seek past the end clamps to the end');
}

/**
 * A decode as the raw bytes `ffmpeg -f s32le` / `sox -b 32 -L` (integers, left-justified in 32
 * bits) or `ffmpeg -f f64le` (floats) write, so it can be compared with a tool's own decode.
 */
export function asToolBytes(d: Decoded): Buffer {
  if (d.samples instanceof Float64Array) return Buffer.from(packFloat(d.samples, 'FLOAT64_LE'));
  assert.ok(d.samples instanceof Int32Array, 'PCM samples');
  const shift = 32 - d.format.validBits;
  return Buffer.from(packMd5Layout(d.samples.map((v) => v << shift), 32));
}
