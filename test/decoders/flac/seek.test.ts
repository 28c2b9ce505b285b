// Seeking to 200 random sample positions per file returns exactly the samples of a full decode:
// with a SEEKTABLE, without one (bisection), variable block sizes, old-style variable streams,
// and a stream that starts at a frame header with high frame numbers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { flacPlugin, type FlacDecoder } from '../../../src/decoders/plugins/flac/index.ts';
import { FileByteSource } from '../../../src/util/byte-source.ts';
import { needTools } from '../../helpers/tools.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { decodeAll, encodeFlac, musicSignal, rng, testbenchDir } from './flac-helpers.ts';

const POSITIONS = 200;

async function checkSeeks(file: string, seed: number): Promise<void> {
  const full = await decodeAll(file, { keep: true });
  const all = full.samples!;
  const channels = full.formats[0]!.channels;
  const total = full.frames;
  const source = await FileByteSource.open(file);
  const decoder = (await flacPlugin.open(source, {})) as FlacDecoder;
  try {
    const rand = rng(seed);
    const targets = [0, total - 1, total, total + 1000, 1, ...Array.from({ length: POSITIONS }, () => Math.floor(rand() * total))];
    for (const target of targets) {
      const reached = await decoder.seek(target);
      assert.equal(reached, Math.min(target, total), `seek(${target}) reached`);
      const want = 1 + Math.floor(rand() * 6000);
      const got: number[] = [];
      let frames = 0;
      while (frames < want) {
        const block = await decoder.read(want - frames);
        if (!block) break;
        assert.equal(block.kind, 'int');
        if (block.kind !== 'int') return;
        got.push(...block.samples);
        frames += block.frames;
      }
      const expected = all.subarray(reached * channels, Math.min(total, reached + want) * channels);
      assert.equal(got.length, expected.length, `samples after seek(${target})`);
      assert.deepEqual(Int32Array.from(got), expected, `samples after seek(${target})`);
    }
    assert.equal(decoder.integrity().md5 === 'match', false, 'MD5 is not claimed after seeking');
  } finally {
    await decoder.close();
    await source.close();
  }
}

test('FLAC seek: flac-made files with and without SEEKTABLE', { timeout: 120_000 }, async (t) => {
  if (!needTools(t, 'flac', 'sox')) return;
  const dir = tempDir('auris-flac-seek-');
  const stereo = musicSignal(44100 * 3, 2, 16, 44100, 3);
  await t.test('SEEKTABLE, 16-bit stereo, block size 4096', async () => {
    await checkSeeks(encodeFlac(dir, 'table', stereo, 2, 16, 44100, ['-5']), 1);
  });
  await t.test('no SEEKTABLE (bisection), 16-bit stereo', async () => {
    await checkSeeks(encodeFlac(dir, 'noseek', stereo, 2, 16, 44100, ['-5', '--no-seektable']), 2);
  });
  await t.test('no SEEKTABLE, block size 192, 24-bit 6 channels', async () => {
    const six = musicSignal(48000, 6, 24, 48000, 4);
    await checkSeeks(encodeFlac(dir, 'six', six, 6, 24, 48000, ['-5', '-b', '192', '--no-seektable']), 3);
  });
  await t.test('no SEEKTABLE, 32-bit, block size 65535 (--lax)', async () => {
    const wide = musicSignal(200000, 2, 32, 96000, 5, true);
    await checkSeeks(encodeFlac(dir, 'big', wide, 2, 32, 96000, ['--lax', '-b', '65535', '--no-seektable']), 4);
  });
});

const TESTBENCH_FILES = [
  'subset/24 - variable blocksize file created with flake revision 264.flac',
  'subset/25 - variable blocksize file created with flake revision 264, modified to create smaller blocks.flac',
  'subset/27 - old format variable blocksize file created with Flake 0.11.flac',
  'uncommon/10 - file starting at frame header.flac',
  'subset/45 - no total number of samples set.flac',
];

test('FLAC seek: testbench files (variable block size, no metadata)', { timeout: 120_000 }, async (t) => {
  if (!existsSync(testbenchDir)) {
    t.skip(`no FLAC testbench at ${testbenchDir}`);
    return;
  }
  for (const [i, name] of TESTBENCH_FILES.entries()) {
    await t.test(name, async () => {
      await checkSeeks(path.join(testbenchDir, name), 100 + i);
    });
  }
});
