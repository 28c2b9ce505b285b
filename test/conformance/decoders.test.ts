// Conformance of every registered decoder (src/decoders/registry.ts) with src/decoders/interface.ts,
// on a file of its format made by the reference encoders (flac, sox, ffmpeg) or the containers
// helper: format and length as stated, blocks of at most the frames asked, a seek that lands where
// it says (sample-exact for lossless formats), a typed error for garbage under its extension.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AudioBlock } from '../../src/audio/block.ts';
import { DECODERS, openFile } from '../../src/decoders/registry.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { dsdiffFile, dsfFile } from '../helpers/containers.ts';
import { dsdNoise } from '../helpers/signals.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('auris-dec-conf-');
const FRAMES = 44100;

/** How to make a file for each decoder: its path, whether it is lossless, and the tools it needs. */
const MAKERS: Record<string, { ext: string; lossless: boolean; tools: string[]; make: (file: string) => void } | { garbageOnly: string; ext: string }> = {
  'flac': { ext: 'flac', lossless: true, tools: ['sox'], make: (f) => run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '24', f, 'synth', '1', 'sine', '440', 'sine', '660']) },
  'wav': { ext: 'wav', lossless: true, tools: ['sox'], make: (f) => run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', f, 'synth', '1', 'sine', '440']) },
  'aiff': { ext: 'aiff', lossless: true, tools: ['sox'], make: (f) => run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '24', f, 'synth', '1', 'sine', '440']) },
  'dsf': { ext: 'dsf', lossless: true, tools: [], make: (f) => writeFileSync(f, dsfFile({ rate: 2822400, channels: 2, msb: dsdNoise(FRAMES, 2, 1) })) },
  'dsdiff': { ext: 'dff', lossless: true, tools: [], make: (f) => writeFileSync(f, dsdiffFile({ rate: 2822400, channels: 2, msb: dsdNoise(FRAMES, 2, 2) })) },
  'ogg-vorbis': { ext: 'ogg', lossless: false, tools: ['ffmpeg'], make: (f) => ffmpeg(f, ['-c:a', 'libvorbis']) },
  'ogg-opus': { ext: 'opus', lossless: false, tools: ['ffmpeg'], make: (f) => ffmpeg(f, ['-c:a', 'libopus']) },
  'ffmpeg-mp4': { ext: 'm4a', lossless: true, tools: ['ffmpeg'], make: (f) => ffmpeg(f, ['-c:a', 'alac']) },
  'ffmpeg-wavpack': { ext: 'wv', lossless: true, tools: ['ffmpeg'], make: (f) => ffmpeg(f, ['-c:a', 'wavpack']) },
  // No encoder for Monkey's Audio is packaged in Debian (ffmpeg only decodes it): only the garbage case runs.
  'ffmpeg-ape': { garbageOnly: 'no APE encoder here', ext: 'ape' },
  'mp3': { ext: 'mp3', lossless: false, tools: ['ffmpeg'], make: (f) => ffmpeg(f, ['-c:a', 'libmp3lame', '-b:a', '192k']) },
};

function ffmpeg(file: string, codec: string[]): void {
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1:sample_rate=44100', '-ac', '2', ...codec, file]);
}

function valuesOf(b: AudioBlock): number[] {
  return Array.from(b.kind === 'dsd' ? b.bytes : b.samples);
}

async function readAll(file: string, maxFrames: number, seekTo?: number): Promise<{ values: number[]; frames: number; reached: number | null }> {
  const opened = await openFile(file);
  try {
    const reached = seekTo === undefined ? null : await opened.decoder.seek(seekTo);
    const values: number[] = [];
    let frames = 0;
    for (let b = await opened.decoder.read(maxFrames); b; b = await opened.decoder.read(maxFrames)) {
      assert.ok(b.frames >= 1 && b.frames <= maxFrames, `a block of ${b.frames} frames for ${maxFrames} asked`);
      frames += b.frames;
      values.push(...valuesOf(b));
    }
    return { values, frames, reached };
  } finally {
    await opened.close();
  }
}

test('every registered decoder has a conformance maker', () => {
  assert.deepEqual(DECODERS.map((d) => d.name).filter((n) => !(n in MAKERS)), []);
});

for (const entry of DECODERS) {
  const maker = MAKERS[entry.name];
  if (!maker) continue;
  const garbageRefused = async (ext: string) => {
    const garbage = path.join(dir, `garbage-${entry.name}.${ext}`);
    writeFileSync(garbage, Buffer.alloc(3000, 0x5a));
    await assert.rejects(readAll(garbage, 1000), (e: unknown) => isAurisError(e) && e.code.startsWith('E_') && e.code !== 'E_INTERNAL', 'a typed error, never E_INTERNAL');
  };
  if ('garbageOnly' in maker) {
    test(`decoder ${entry.name}: garbage under its extension is a typed error (${maker.garbageOnly})`, async () => {
      assert.ok(entry.extensions.includes(maker.ext));
      await garbageRefused(maker.ext);
    });
    continue;
  }
  test(`decoder ${entry.name}: stated format and length, bounded blocks, seeks, garbage refused`, async (t) => {
    if (maker.tools.length > 0 && !needTools(t, ...maker.tools)) return;
    assert.ok(entry.extensions.includes(maker.ext));
    const file = path.join(dir, `conf-${entry.name}.${maker.ext}`);
    maker.make(file);
    const opened = await openFile(file);
    const { format, info } = opened.decoder;
    assert.equal(opened.plugin.name, entry.name, 'the registry picks this decoder for its file');
    await opened.close();
    assert.equal(format.channels, 2);
    const all = await readAll(file, 1000);
    if (info.totalFrames !== null) assert.equal(all.frames, info.totalFrames, 'the stated length is the decoded length');
    const at = Math.floor(all.frames / 3) + 7;
    const tail = await readAll(file, 4096, at);
    assert.ok(tail.reached !== null && tail.reached <= at && tail.reached >= 0);
    if (maker.lossless) {
      assert.equal(tail.reached, at, 'a lossless seek lands on the frame asked');
      const perFrame = all.values.length / all.frames;
      assert.deepEqual(tail.values, all.values.slice(at * perFrame), 'after the seek, the same samples as from the start');
    } else {
      assert.equal(tail.frames, all.frames - tail.reached!, 'after the seek, the rest of the stream');
    }
    await garbageRefused(maker.ext);
  });
}
