// Decoder.read(maxFrames, reuse) and DecoderOptions.verifyMd5: a caller that hands its last block
// back gets exactly the samples of an allocating decode, written into that block's array; skipping
// the stream MD5 leaves frame CRCs checked. Files are large enough that the FLAC decoder refills
// its file window in place several times (the window is 4 MiB).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AudioBlock } from '../../src/audio/block.ts';
import type { Decoder, DecoderOptions } from '../../src/decoders/interface.ts';
import { openFile } from '../../src/decoders/registry.ts';
import { flacPlugin } from '../../src/decoders/plugins/flac/index.ts';
import { BufferByteSource, FileByteSource } from '../../src/util/byte-source.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { needTools } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { noise } from '../helpers/signals.ts';
import { chunk, intBytesLE, riffWave, wavFmt } from '../helpers/containers.ts';
import { encodeFlac, musicSignal, sourceMd5 } from './flac/flac-helpers.ts';

/** Every sample of a decode, block sizes, and how many reads wrote into the array handed back. */
async function readAll(decoder: Decoder, maxFrames: number, reuse: boolean): Promise<{ samples: Int32Array; reused: number; blocks: number }> {
  const parts: Int32Array[] = [];
  let previous: AudioBlock | undefined;
  let reused = 0;
  let blocks = 0;
  for (;;) {
    const block = await decoder.read(maxFrames, reuse ? previous : undefined);
    if (!block) break;
    if (block.kind !== 'int') throw new Error('expected integer blocks');
    if (previous?.kind === 'int' && block.samples.buffer === previous.samples.buffer) reused++;
    blocks++;
    // A copy: with reuse the next read overwrites this block.
    parts.push(block.samples.slice());
    previous = block;
  }
  const samples = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  return { samples, reused, blocks };
}

async function decodeFile(file: string, options: DecoderOptions, maxFrames: number, reuse: boolean): Promise<Awaited<ReturnType<typeof readAll>> & { md5: string }> {
  const opened = await openFile(file, options);
  try {
    const result = await readAll(opened.decoder, maxFrames, reuse);
    return { ...result, md5: opened.decoder.integrity().md5 };
  } finally {
    await opened.close();
  }
}

test('FLAC read(n, reuse): the same samples as allocating reads, written into the handed-back array, across in-place window refills', { timeout: 60_000 }, async (t) => {
  if (!needTools(t, 'flac')) return;
  const dir = tempDir('auris-reuse-');
  // Full-scale 24-bit noise hardly compresses: about 6 bytes a frame, so 5 MB of FLAC.
  const samples = noise(850_000, 2, 24, 7);
  const file = encodeFlac(dir, 'noise24', samples, 2, 24, 96000, ['-5']);
  assert.ok(readFileSync(file).length > 4.5e6, 'the file is larger than one window');
  const plain = await decodeFile(file, {}, 5000, false);
  assert.equal(plain.md5, 'match');
  assert.deepEqual(plain.samples, samples);
  const reused = await decodeFile(file, { verifyMd5: false }, 5000, true);
  assert.equal(sourceMd5(reused.samples, 24), sourceMd5(samples, 24));
  assert.equal(reused.reused, reused.blocks - 1, 'every read after the first wrote into the array handed back');
  assert.equal(reused.md5, 'unchecked', 'verifyMd5: false leaves the MD5 unchecked');
  // Music-like 24-bit audio takes the LPC paths whose sums exceed int32.
  const music = musicSignal(96000, 2, 24, 96000, 3);
  const musicFile = encodeFlac(dir, 'music24', music, 2, 24, 96000, ['-8']);
  assert.deepEqual((await decodeFile(musicFile, { verifyMd5: false }, 4096, true)).samples, music);
});

test('FLAC verifyMd5: false ignores a wrong STREAMINFO MD5 but still refuses a frame whose CRC fails', { timeout: 60_000 }, async (t) => {
  if (!needTools(t, 'flac')) return;
  const dir = tempDir('auris-reuse-md5-');
  const samples = musicSignal(44100, 2, 16, 44100, 5);
  const bytes = readFileSync(encodeFlac(dir, 'music16', samples, 2, 16, 44100, ['-5']));
  const wrongMd5 = Uint8Array.from(bytes);
  wrongMd5[4 + 4 + 18]! ^= 0x01; // STREAMINFO MD5, first byte
  const skipped = await flacPlugin.open(new BufferByteSource(wrongMd5), { integrity: 'strict', verifyMd5: false });
  const all = await readAll(skipped, 4096, true);
  assert.deepEqual(all.samples, samples);
  assert.equal(skipped.integrity().md5, 'unchecked');
  const damaged = Uint8Array.from(bytes);
  damaged[bytes.length - 100]! ^= 0x10; // inside the last frame
  const checked = await flacPlugin.open(new BufferByteSource(damaged), { integrity: 'strict', verifyMd5: false });
  await assert.rejects(readAll(checked, 4096, true), (e) => isAurisError(e, 'E_CORRUPT'));
});

test('WAV read(n, reuse): the same samples from a file and from a buffer, written into the handed-back array', async () => {
  const dir = tempDir('auris-reuse-wav-');
  const samples = noise(70_000, 2, 24, 9);
  const bytes = riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 2, rate: 96000, containerBits: 24 })), chunk('data', intBytesLE(samples, 3))]);
  const file = path.join(dir, 'noise.wav');
  writeFileSync(file, bytes);
  const fromFile = await decodeFile(file, {}, 16384, true);
  assert.deepEqual(fromFile.samples, samples);
  assert.equal(fromFile.reused, fromFile.blocks - 1);
  const source = new BufferByteSource(bytes);
  const opened = await openFile(file);
  await opened.close();
  const decoder = await opened.plugin.open(source, {});
  assert.deepEqual((await readAll(decoder, 10_000, true)).samples, samples);
});

test('ByteSource.readInto fills the given array and stops at the end of the source', async () => {
  const dir = tempDir('auris-readinto-');
  const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
  const file = path.join(dir, 'bytes.bin');
  writeFileSync(file, data);
  const fileSource = await FileByteSource.open(file);
  try {
    for (const source of [fileSource, new BufferByteSource(data)]) {
      const target = new Uint8Array(300);
      assert.equal(await source.readInto!(100, target), 300);
      assert.deepEqual(target, data.subarray(100, 400));
      assert.equal(await source.readInto!(900, target), 100);
      assert.deepEqual(target.subarray(0, 100), data.subarray(900));
    }
  } finally {
    await fileSource.close();
  }
});
