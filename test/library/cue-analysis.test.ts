// The "analyse library" job on CUE tracks: each track is measured as its range of the file, and
// the values match the same range cut out by sox (flac-encoded) and analysed as a file of its own:
// DR equal (rounded, and the unrounded value within 0.01), loudness within 0.1 LU, peak within
// 0.01 dB, the same true bit depth. The ranges differ in level and dynamics from the rest of the
// file, so a whole-file measurement (or a range off by a block) could not pass.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { DrResult } from '../../src/analysis/plugins/dr/meter.ts';
import type { LoudnessResult } from '../../src/analysis/plugins/loudness/meter.ts';
import type { AuthenticityResult } from '../../src/analysis/plugins/authenticity/index.ts';
import { JobService } from '../../src/core/jobs.ts';
import { LibraryService } from '../../src/core/library.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools, run } from '../helpers/tools.ts';
import { textAt } from './tree.ts';

const RATE = 44100;

test('CUE tracks are analysed as their ranges: the values of the cut file', { timeout: 120_000 }, async (t) => {
  if (!needTools(t, 'sox', 'flac')) return;
  const work = tempDir('auris-cue-analysis-src-');
  const music = tempDir('auris-cue-analysis-');
  // 7 s of quiet noise, 8 s of loud noise with a slow tremolo (dynamic), 6 s of a soft sine.
  const parts = [
    ['a.wav', 'synth', '7', 'pinknoise', 'vol', '0.1'],
    ['b.wav', 'synth', '8', 'pinknoise', 'vol', '0.7', 'tremolo', '0.5', '90'],
    ['c.wav', 'synth', '6', 'sine', '330', 'vol', '0.2'],
  ];
  for (const [name, ...effects] of parts) run('sox', ['-n', '-r', String(RATE), '-b', '16', '-c', '2', path.join(work, name!), ...effects]);
  const wav = path.join(work, 'all.wav');
  run('sox', [path.join(work, 'a.wav'), path.join(work, 'b.wav'), path.join(work, 'c.wav'), wav]);
  const album = path.join(music, 'Live', 'album.flac');
  mkdirSync(path.dirname(album), { recursive: true });
  run('flac', ['-s', '-f', wav, '-o', album]);
  textAt(music, 'Live/album.cue', 'PERFORMER "Band"\nTITLE "Live"\nFILE "album.flac" WAVE\n'
    + '  TRACK 01 AUDIO\n    TITLE "Quiet"\n    INDEX 01 00:00:00\n'
    + '  TRACK 02 AUDIO\n    TITLE "Loud"\n    INDEX 01 00:07:00\n'
    + '  TRACK 03 AUDIO\n    TITLE "Soft"\n    INDEX 01 00:15:00\n');
  // The same ranges cut by sox, in samples, as FLAC files.
  const cut = (name: string, start: number, frames: number | null): string => {
    const out = path.join(work, name);
    run('sox', [album, out, 'trim', `${start}s`, ...(frames === null ? [] : [`${frames}s`])]);
    return out;
  };
  const cuts = [cut('1.flac', 0, 7 * RATE), cut('2.flac', 7 * RATE, 8 * RATE), cut('3.flac', 15 * RATE, null)];

  const jobs = new JobService({ size: 1 });
  const service = new LibraryService({ dataDir: tempDir('auris-cue-analysis-data-'), jobs, tagReaders: 1 });
  try {
    await service.addRoot(music);
    await service.scan();
    const r = await service.analyse({ priority: 'normal' });
    assert.deepEqual([r.analysed, r.failed], [3, 0]);
    const tracks = service.library.listFolder('Live/album.cue').tracks;
    assert.deepEqual(tracks.map((x) => [x.title, x.startFrame, x.endFrame]), [['Quiet', 0, 7 * RATE], ['Loud', 7 * RATE, 15 * RATE], ['Soft', 15 * RATE, null]]);
    const whole = await jobs.analyse(album, [{ name: 'dr' }, { name: 'loudness' }]);
    for (let i = 0; i < 3; i++) {
      const track = service.library.track(tracks[i]!.id)!;
      const ref = await jobs.analyse(cuts[i]!, [{ name: 'dr' }, { name: 'loudness' }, { name: 'authenticity' }]);
      const dr = ref.results.dr as DrResult;
      const loud = ref.results.loudness as LoudnessResult;
      const auth = ref.results.authenticity as AuthenticityResult;
      const label = `${track.title}: ${JSON.stringify({ dr: track.dr, lufs: track.loudnessLufs, peak: track.peakDb, bits: track.trueBits })} vs cut ${JSON.stringify({ dr: dr.dr, lufs: loud.integratedLufs, peak: dr.peakDb, bits: auth.effectiveBits })}`;
      assert.equal(ref.frames, [7, 8, 6][i]! * RATE, 'the cut has the range\'s length');
      assert.equal(track.drRounded, dr.drRounded, label);
      assert.ok(Math.abs(track.dr! - dr.dr) < 0.01, label);
      assert.ok(Math.abs(track.loudnessLufs! - loud.integratedLufs) <= 0.1, label);
      assert.ok(Math.abs(track.peakDb! - dr.peakDb) < 0.01, label);
      assert.equal(track.trueBits, auth.effectiveBits, label);
      // The range is not the whole file: its loudness is more than 1 LU away from the file's.
      assert.ok(Math.abs(track.loudnessLufs! - (whole.results.loudness as LoudnessResult).integratedLufs) > 1, label);
    }
  } finally {
    await service.close();
    await jobs.close();
  }
});
