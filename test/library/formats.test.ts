// The library's facts of the uncompressed containers, read by Auris's own header parsers: WAV and
// AIFF made by sox, a WAV tagged by ffmpeg (LIST INFO, read through music-metadata), and DSF
// written by hand; each compared with what the tool that made it says.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readTrackFacts } from '../../src/decoders/track-facts.ts';
import { makeDsf } from '../helpers/dsf.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools, run } from '../helpers/tools.ts';

test('WAV, AIFF and DSF facts from the header parsers; tags only where a tag chunk is', async (t) => {
  if (!needTools(t, 'sox', 'ffmpeg')) return;
  const dir = tempDir('auris-formats-');
  const wav = path.join(dir, 'take.wav');
  run('sox', ['-n', '-r', '96000', '-b', '24', '-c', '2', wav, 'synth', '0.25', 'sine', '1000']);
  const aiff = path.join(dir, 'take.aiff');
  run('sox', ['-n', '-r', '44100', '-b', '16', '-c', '1', aiff, 'synth', '0.5', 'sine', '1000']);
  const tagged = path.join(dir, 'tagged.wav');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.5:sample_rate=48000', '-c:a', 'pcm_s16le',
    '-metadata', 'title=Tagged Take', '-metadata', 'artist=Sox Band', '-metadata', 'album=Raw', tagged]);
  const dsf = path.join(dir, 'one.dsf');
  writeFileSync(dsf, makeDsf(new Uint8Array(2 * 44100).fill(0x69), 2));

  const w = await readTrackFacts(wav);
  assert.deepEqual([w.codec, w.container, w.lossless, w.rate, w.bits, w.channels, w.totalFrames, w.duration], ['PCM', 'WAV', true, 96000, 24, 2, 24000, 0.25]);
  assert.equal(w.bitrate, 96000 * 24 * 2);
  assert.equal(w.tags.title, null);
  const a = await readTrackFacts(aiff);
  assert.deepEqual([a.codec, a.container, a.rate, a.bits, a.channels, a.totalFrames, a.duration], ['PCM', 'AIFF', 44100, 16, 1, 22050, 0.5]);
  const tg = await readTrackFacts(tagged);
  assert.deepEqual([tg.rate, tg.bits, tg.tags.title, tg.tags.artist, tg.tags.album], [48000, 16, 'Tagged Take', 'Sox Band', 'Raw']);
  const d = await readTrackFacts(dsf);
  // 44,100 bytes per channel are 352,800 one-bit samples at 2.8224 MHz: 0.125 s.
  assert.deepEqual([d.codec, d.container, d.rate, d.bits, d.channels, d.totalFrames, d.duration], ['DSD', 'DSF', 2822400, 1, 2, 44100, 0.125]);
  // A file that is not what its extension says is a typed error.
  const bad = path.join(dir, 'bad.wav');
  writeFileSync(bad, 'RIFF\u0004\u0000\u0000\u0000WAVE');
  await assert.rejects(readTrackFacts(bad), (e: { code: string }) => ['E_TRUNCATED', 'E_CORRUPT'].includes(e.code));
});
