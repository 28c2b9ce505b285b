// Mono MPEG audio (issue 17, class 4): every mono MP3 podcast was reported and decoded as two
// identical channels. ffmpeg (libmp3lame, mp2) encodes mono files; the decode must be one channel,
// as long as ffmpeg's own decode and equal to it within the lossy tolerance of the lossy tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { compareSignals, decodeFile } from '../helpers/decode-file.ts';

test('mono MP3 and MP2 decode as one channel, like ffmpeg', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  for (const [name, args, codec] of [['mono.mp3', ['-c:a', 'libmp3lame'], 'MP3'], ['mono.mp2', ['-c:a', 'mp2'], 'MP2']] as const) {
    const file = path.join(dir, name);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'aevalsrc=0.4*sin(2*PI*440*t)+0.05*sin(2*PI*5000*t):s=44100:d=1.3', '-ac', '1', ...args, file]);
    const ref = run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f32le', '-c:a', 'pcm_f32le', '-']);
    const refSamples = new Float32Array(ref.buffer, ref.byteOffset, ref.length / 4);
    const d = await decodeFile(file);
    assert.equal(d.info.codec, codec);
    assert.equal(d.format.channels, 1, `${name}: mono`);
    assert.equal(d.samples.length, refSamples.length, `${name}: as long as ffmpeg's decode`);
    const { maxDiff, correlation } = compareSignals(d.samples, refSamples);
    assert.ok(maxDiff < 1e-4 && correlation > 0.99999, `${name}: max diff ${maxDiff}, correlation ${correlation}`);
  }
});
