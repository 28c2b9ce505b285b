// MP3, Ogg Vorbis and Opus through the WASM decoders, against ffmpeg's own float decode of files
// ffmpeg encodes here (libmp3lame, libvorbis, libopus).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync, readFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { compareSignals, decodeFile, firstBadSeek, randomPositions } from '../helpers/decode-file.ts';
import { openFile } from '../../src/decoders/registry.ts';
import { isAurisError } from '../../src/util/errors.ts';

const SOURCE_FRAMES = 57330; // 1.3 s at 44.1 kHz
const SIGNAL = 'aevalsrc=0.4*sin(2*PI*440*t)+0.05*sin(2*PI*5000*t)|0.3*sin(2*PI*660*t)+0.02*sin(2*PI*9000*t):s=44100:d=1.3';

const CASES = [
  { name: 'mp3', file: 'a.mp3', args: ['-c:a', 'libmp3lame', '-b:a', '192k'], codec: 'MP3', container: 'MP3', rate: 44100, frames: SOURCE_FRAMES },
  { name: 'vorbis', file: 'a.ogg', args: ['-c:a', 'libvorbis', '-q:a', '5'], codec: 'Vorbis', container: 'Ogg', rate: 44100, frames: SOURCE_FRAMES },
  // libopus codes at 48 kHz: ffmpeg resamples the source first, 1.3 s = 62400 frames.
  { name: 'opus', file: 'a.opus', args: ['-c:a', 'libopus', '-b:a', '160k'], codec: 'Opus', container: 'Ogg', rate: 48000, frames: 62400 },
];

/** Max abs difference allowed against ffmpeg's decoder (a different implementation of the same codec). */
const TOLERANCE = { mp3: 1e-4, vorbis: 1e-4, opus: 1e-3 } as const;

for (const c of CASES) {
  test(`${c.name}: decodes like ffmpeg, gapless, with exact seeks`, async (t) => {
    if (!needTools(t, 'ffmpeg')) return;
    const dir = tempDir();
    const file = path.join(dir, c.file);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', SIGNAL, ...c.args, file]);
    const ref = run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f32le', '-c:a', 'pcm_f32le', '-']);
    const refSamples = new Float32Array(ref.buffer, ref.byteOffset, ref.length / 4);

    const d = await decodeFile(file, { chunk: 1000 });
    assert.equal(d.format.sample, 'f32');
    assert.equal(d.format.rate, c.rate);
    assert.equal(d.format.channels, 2);
    assert.equal(d.info.codec, c.codec);
    assert.equal(d.info.container, c.container);
    assert.equal(d.info.lossless, false);
    assert.equal(d.frames, c.frames, 'gapless: as many frames as the source');
    assert.equal(d.info.totalFrames, c.frames, 'length known from the container before decoding');
    assert.equal(refSamples.length, d.samples.length, 'ffmpeg agrees on the length');
    const { maxDiff, correlation } = compareSignals(d.samples, refSamples);
    assert.ok(maxDiff < TOLERANCE[c.name as keyof typeof TOLERANCE], `max abs diff ${maxDiff}`);
    assert.ok(correlation > 0.99999, `correlation ${correlation}`);

    const positions = [...randomPositions(12, d.frames - 1, c.frames), 0, d.frames - 5];
    assert.equal(await firstBadSeek(file, d, positions), null);
  });
}

test('lossy: seeking past the end lands on the end; garbage and truncation give typed errors', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const mp3 = path.join(dir, 'b.mp3');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', SIGNAL, '-c:a', 'libmp3lame', mp3]);
  const f = await openFile(mp3);
  try {
    assert.equal(await f.decoder.seek(10_000_000), SOURCE_FRAMES);
    assert.equal(await f.decoder.read(100), null);
  } finally {
    await f.close();
  }

  const ogg = path.join(dir, 'c.ogg');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', SIGNAL, '-c:a', 'libvorbis', ogg]);
  const bytes = readFileSync(ogg);
  // Noise after a valid Ogg header: the Vorbis decoder must refuse, not crash or hang.
  const garbled = Buffer.from(bytes);
  for (let i = 200; i < garbled.length; i++) garbled[i] = (i * 7919) & 0xff;
  const bad = path.join(dir, 'bad.ogg');
  writeFileSync(bad, garbled);
  await assert.rejects(decodeFile(bad), (e) => isAurisError(e) && ['E_CORRUPT', 'E_TRUNCATED'].includes(e.code));

  const noise = path.join(dir, 'noise.mp3');
  writeFileSync(noise, Buffer.alloc(5000, 0x5a));
  await assert.rejects(decodeFile(noise), (e) => isAurisError(e) && ['E_CORRUPT', 'E_UNSUPPORTED_FORMAT'].includes(e.code));
});
