// The four uncompressed decoders (WAV, AIFF, DSF, DSDIFF) through the registry, and against
// damaged input: truncation at many offsets, bit flips, garbage. Every case must end in a
// decode or a typed error, and one bad file must not stop the batch.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { decoderPlugins, findPlugin, openFile } from '../../src/decoders/registry.ts';
import type { DecoderPlugin } from '../../src/decoders/interface.ts';
import { wavPlugin } from '../../src/decoders/plugins/wav/index.ts';
import { aiffPlugin } from '../../src/decoders/plugins/aiff/index.ts';
import { dsfPlugin } from '../../src/decoders/plugins/dsf/index.ts';
import { dsdiffPlugin } from '../../src/decoders/plugins/dsdiff/index.ts';
import { BufferByteSource } from '../../src/util/byte-source.ts';
import { isAurisError, type ErrorCode } from '../../src/util/errors.ts';
import { tempDir } from '../helpers/tmp.ts';
import { dsdNoise, noise, prng, randomInt } from '../helpers/signals.ts';
import { decodeAll, openBytes } from '../helpers/decode.ts';
import { aiffFile, chunk, concat, dsdiffFile, dsfFile, intBytesBE, intBytesLE, riffWave, uint, wavFmt, ascii } from '../helpers/containers.ts';

const ALLOWED: ErrorCode[] = ['E_CORRUPT', 'E_TRUNCATED', 'E_UNSUPPORTED_FORMAT', 'E_UNSUPPORTED_FEATURE'];

interface Sample {
  readonly name: string;
  readonly plugin: DecoderPlugin;
  readonly bytes: Uint8Array;
  readonly ext: string;
}

function samples(): Sample[] {
  const s24 = noise(3000, 2, 24, 1);
  const s16 = noise(3000, 2, 16, 2);
  const rf64Data = intBytesLE(noise(2000, 3, 16, 3), 2);
  return [
    { name: 'wav-ext-24', plugin: wavPlugin, ext: 'wav', bytes: riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 2, rate: 96000, containerBits: 24, validBits: 20, extensible: true })), chunk('LIST', ascii('INFOabc')), chunk('data', intBytesLE(s24.map((v) => v & ~0xf), 3))]) },
    { name: 'wav-float', plugin: wavPlugin, ext: 'wav', bytes: riffWave([chunk('fmt ', wavFmt({ tag: 3, channels: 1, rate: 44100, containerBits: 32 })), chunk('data', new Uint8Array(4000).fill(0x3e))]) },
    {
      name: 'rf64', plugin: wavPlugin, ext: 'wav',
      bytes: riffWave([chunk('ds64', concat(uint(0, 8), uint(rf64Data.length, 8), uint(2000, 8), uint(0, 4))), chunk('fmt ', wavFmt({ tag: 1, channels: 3, rate: 48000, containerBits: 16 })), chunk('data', rf64Data, { size: 0xffffffff })], { magic: 'RF64', riffSize: 0xffffffff }),
    },
    { name: 'aiff-16', plugin: aiffPlugin, ext: 'aiff', bytes: aiffFile({ channels: 2, frames: 3000, bits: 16, rate: 44100, data: intBytesBE(s16, 2), offset: 4 }) },
    { name: 'aifc-sowt', plugin: aiffPlugin, ext: 'aifc', bytes: aiffFile({ channels: 2, frames: 3000, bits: 24, rate: 48000, data: intBytesLE(s24, 3), compression: 'sowt' }) },
    { name: 'dsf', plugin: dsfPlugin, ext: 'dsf', bytes: dsfFile({ rate: 2822400, channels: 2, msb: dsdNoise(5000, 2, 4), sampleCount: 5000 * 8 - 5 }) },
    { name: 'dsdiff', plugin: dsdiffPlugin, ext: 'dff', bytes: dsdiffFile({ rate: 5644800, channels: 2, msb: dsdNoise(5000, 2, 5) }) },
  ];
}

/**
 * Opens and fully decodes `bytes` in strict and lenient mode, with a few seeks. Returns null
 * when every step ended in a decode or an allowed typed error, else a description of the failure.
 */
async function survive(plugin: DecoderPlugin, bytes: Uint8Array): Promise<string | null> {
  for (const integrity of ['strict', 'lenient'] as const) {
    try {
      const decoder = await plugin.open(new BufferByteSource(bytes), { integrity });
      const full = await decodeAll(decoder, 1500);
      if (decoder.info.totalFrames !== null && full.frames !== decoder.info.totalFrames) return `decoded ${full.frames} frames, info says ${decoder.info.totalFrames}`;
      for (const pos of [0, Math.floor(full.frames / 3), full.frames]) {
        await decoder.seek(pos);
        await decoder.read(10);
      }
      await decoder.close();
    } catch (e) {
      if (!isAurisError(e) || !ALLOWED.includes(e.code)) return `${integrity}: ${e instanceof Error ? `${e.name} ${e.message}` : String(e)}`;
    }
  }
  return null;
}

test('the registry picks each uncompressed format by content, whatever the extension', async () => {
  const dir = tempDir();
  const registered = await decoderPlugins();
  for (const s of samples()) {
    assert.ok(registered.includes(s.plugin), `${s.plugin.name} is registered`);
    assert.equal(await findPlugin(new BufferByteSource(s.bytes), 'track.bin'), s.plugin, s.name);
    assert.ok(s.plugin.extensions.includes(s.ext), s.name);
    const file = path.join(dir, `${s.name}.bin`);
    writeFileSync(file, s.bytes);
    const opened = await openFile(file);
    try {
      assert.equal(opened.plugin, s.plugin);
      assert.ok((await decodeAll(opened.decoder)).frames > 0, s.name);
    } finally {
      await opened.close();
    }
  }
});

test('truncation at every header offset and across the data gives a decode or a typed error', async () => {
  const failures: string[] = [];
  for (const s of samples()) {
    const cuts = new Set<number>();
    for (let i = 0; i <= Math.min(s.bytes.length, 200); i++) cuts.add(i);
    for (let i = 0; i < 40; i++) cuts.add(Math.floor((s.bytes.length * i) / 40));
    for (const cut of cuts) {
      const problem = await survive(s.plugin, s.bytes.subarray(0, cut));
      if (problem) failures.push(`${s.name} cut at ${cut}: ${problem}`);
    }
    // A truncated file decodes its whole frames leniently; strict mode reports E_TRUNCATED. (Cut
    // deep enough: the last 3 KiB of the DSF sample are block padding, which nobody misses.)
    const cut = s.bytes.subarray(0, Math.floor(s.bytes.length * 0.8));
    const lenient = await decodeAll(await openBytes(s.plugin, cut, { integrity: 'lenient' }));
    assert.ok(lenient.frames > 0, `${s.name}: lenient decode of a truncated file`);
    await assert.rejects(decodeAll(await openBytes(s.plugin, cut)), (e) => isAurisError(e, 'E_TRUNCATED'), s.name);
  }
  assert.deepEqual(failures, []);
});

test('single bit flips and overwritten header fields give a decode or a typed error', async () => {
  const failures: string[] = [];
  const next = prng(2024);
  for (const s of samples()) {
    const headerEnd = Math.min(s.bytes.length, 160);
    for (let i = 0; i < 300; i++) {
      const bytes = Uint8Array.from(s.bytes);
      // Mostly the header, where a flip changes meaning; some in the data.
      const at = i % 5 === 0 ? randomInt(next, bytes.length) : randomInt(next, headerEnd);
      bytes[at]! ^= 1 << randomInt(next, 8);
      const problem = await survive(s.plugin, bytes);
      if (problem) failures.push(`${s.name} bit flip at ${at}: ${problem}`);
    }
    for (let at = 0; at + 4 <= headerEnd; at += 2) {
      for (const fill of [0x00, 0xff, 0x7f]) {
        const bytes = Uint8Array.from(s.bytes);
        bytes.fill(fill, at, at + 4);
        const problem = await survive(s.plugin, bytes);
        if (problem) failures.push(`${s.name} bytes ${at}..${at + 3} = ${fill}: ${problem}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('garbage, with and without a valid magic, gives a typed error and the batch goes on', async () => {
  const failures: string[] = [];
  const next = prng(77);
  const random = (n: number) => Uint8Array.from({ length: n }, () => next() & 0xff);
  const magics = [ascii('RIFF\xff\xff\xff\xffWAVE'), ascii('RF64\xff\xff\xff\xffWAVE'), ascii('FORM\0\0\x10\0AIFF'), ascii('FORM\0\0\x10\0AIFC'), concat(ascii('DSD '), uint(28, 8)), concat(ascii('FRM8'), uint(4096, 8), ascii('DSD '))];
  let decodedAny = 0;
  for (const len of [0, 1, 3, 11, 12, 64, 500, 5000]) {
    for (const plugin of [wavPlugin, aiffPlugin, dsfPlugin, dsdiffPlugin]) {
      for (const prefix of [new Uint8Array(0), ...magics]) {
        const bytes = concat(prefix, random(len));
        const problem = await survive(plugin, bytes);
        if (problem) failures.push(`${plugin.name} garbage ${len} after ${prefix.length}-byte magic: ${problem}`);
        else decodedAny++;
      }
    }
  }
  // A megabyte of empty chunks (8 or 12 zero bytes each): walked to the chunk limit, then refused.
  for (const [plugin, magic] of [[wavPlugin, magics[0]!], [aiffPlugin, magics[2]!], [dsdiffPlugin, magics[5]!]] as const) {
    const bytes = concat(magic, new Uint8Array(1 << 20));
    const problem = await survive(plugin, bytes);
    if (problem) failures.push(`${plugin.name} with a megabyte of empty chunks: ${problem}`);
    await assert.rejects(openBytes(plugin, bytes), (e) => isAurisError(e), plugin.name);
  }
  assert.deepEqual(failures, []);
  assert.ok(decodedAny > 0);
  // Not a format of ours at all: the registry says so with a typed error.
  await assert.rejects(findPlugin(new BufferByteSource(random(100)), 'noise.xyz'), (e) => isAurisError(e, 'E_UNSUPPORTED_FORMAT'));
});
