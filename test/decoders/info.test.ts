// `auris info` on real files (issue 16 item 13): the true bit depth next to the declared one, for
// 16-bit audio in 24-bit WAV and FLAC containers made by sox and flac, genuine 24-bit audio, and
// lossy files (no true depth). In-process, through the command's own fileInfo.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { fileInfo } from '../../src/cli/commands/info.ts';

test('info: 16-bit audio in 24-bit WAV and FLAC shows 24 declared and 16 true bits; genuine 24-bit shows 24; MP3 none', async (t) => {
  if (!needTools(t, 'sox', 'flac', 'ffmpeg')) return;
  const dir = tempDir();
  const src16 = path.join(dir, 'src16.wav');
  run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', src16, 'synth', '4', 'pinknoise', 'vol', '0.5']);
  const wav24 = path.join(dir, 'padded.wav');
  run('sox', [src16, '-b', '24', wav24]);
  const flac24 = path.join(dir, 'padded.flac');
  run('flac', ['-s', '-f', '-o', flac24, wav24]);
  const genuine = path.join(dir, 'genuine.flac');
  const genuineWav = path.join(dir, 'genuine.wav');
  run('sox', ['-n', '-r', '96000', '-c', '2', '-b', '24', genuineWav, 'synth', '2', 'pinknoise', 'vol', '0.5']);
  run('flac', ['-s', '-f', '-o', genuine, genuineWav]);
  const mp3 = path.join(dir, 'a.mp3');
  run('ffmpeg', ['-v', 'error', '-i', src16, '-c:a', 'libmp3lame', mp3]);

  for (const file of [wav24, flac24]) {
    for (const verify of [false, true]) {
      const i = await fileInfo(file, verify);
      assert.equal(i.bits, 24, file);
      assert.equal(i.trueBits, 16, `${file}: true bits`);
      assert.equal(i.trueBitsOver, 'file', 'a 4 s file is measured whole');
    }
  }
  const g = await fileInfo(genuine, false);
  assert.deepEqual([g.bits, g.trueBits], [24, 24]);
  const m = await fileInfo(mp3, false);
  assert.equal(m.trueBits, null);
  assert.equal(m.trueBitsOver, null);
});

test('info: a length the file does not state is unknown, or measured by --verify; an MP3 without a length header is counted', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  // WavPack written to a pipe: its blocks carry no total (ffmpeg writes 0, wavpack -i 0xFFFFFFFF).
  const wv = path.join(dir, 'piped.wv');
  writeFileSync(wv, run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:r=44100:d=2', '-c:a', 'wavpack', '-f', 'wv', '-']));
  const unknown = await fileInfo(wv, false);
  assert.equal(unknown.durationSeconds, null, 'unknown, not a tag reader\'s guess');
  const measured = await fileInfo(wv, true);
  assert.equal(measured.durationSeconds, 2);
  assert.equal(measured.frames, 88200);

  // A VBR MP3 without its Xing header: the frames are counted, as many as ffmpeg decodes.
  const mp3 = path.join(dir, 'noxing.mp3');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t)+0.05*random(0):s=44100:d=5.4', '-c:a', 'libmp3lame', '-q:a', '2', '-write_xing', '0', mp3]);
  const ref = run('ffmpeg', ['-v', 'error', '-i', mp3, '-f', 'f32le', '-c:a', 'pcm_f32le', '-']);
  const m = await fileInfo(mp3, false);
  assert.equal(m.frames, ref.length / 4, 'the count of ffmpeg\'s decode');
  assert.ok(Math.abs(m.durationSeconds! - 5.4) < 0.06, `${m.durationSeconds} s`);
});

test('info: what the decoder recovered from is listed (garbage before an MP3, a WAV written to a pipe)', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const clean = path.join(dir, 'clean.mp3');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:r=44100:d=1', '-c:a', 'libmp3lame', '-id3v2_version', '0', clean]);
  const dirty = path.join(dir, 'dirty.mp3');
  writeFileSync(dirty, Buffer.concat([Buffer.alloc(1000, 0x20), readFileSync(clean)]));
  assert.deepEqual((await fileInfo(clean, false)).warnings, []);
  assert.deepEqual((await fileInfo(dirty, false)).warnings, ['bytes 0..999 are no MPEG audio frame and were skipped']);
  const piped = path.join(dir, 'piped.wav');
  writeFileSync(piped, run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:r=44100:d=1', '-f', 'wav', '-']));
  assert.ok((await fileInfo(piped, false)).warnings.some((w) => /streaming writer/.test(w)));
});
