// DSD in WavPack (issue 17, class 5): ffmpeg's decoder turns it into PCM, and Auris called that
// lossless and its samples the file's own. The file is made by the reference encoder (wavpack 5
// from a DSF written here); Auris must report the conversion: not lossless, codec "WavPack DSD",
// a warning naming it. A PCM WavPack file from the same encoder stays lossless and clean.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { dsfFile } from '../helpers/containers.ts';
import { sigmaDelta } from '../helpers/signals.ts';
import { openFile } from '../../src/decoders/registry.ts';

test('WavPack DSD is reported as DSD converted to PCM by ffmpeg, not as lossless; PCM WavPack stays lossless', async (t) => {
  if (!needTools(t, 'wavpack', 'ffmpeg', 'sox')) return;
  const dir = tempDir();
  const dsf = path.join(dir, 'tone.dsf');
  writeFileSync(dsf, dsfFile({ rate: 2822400, channels: 2, msb: sigmaDelta(2822400, 1, 1000, [0.5, 0.25]) }));
  const dsdWv = path.join(dir, 'tone-dsd.wv');
  run('wavpack', ['-q', '-y', dsf, '-o', dsdWv]);
  const wav = path.join(dir, 'tone.wav');
  run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', wav, 'synth', '1', 'sine', '1000']);
  const pcmWv = path.join(dir, 'tone.wv');
  run('wavpack', ['-q', '-y', wav, '-o', pcmWv]);

  const f = await openFile(dsdWv);
  try {
    assert.equal(f.decoder.info.codec, 'WavPack DSD');
    assert.equal(f.decoder.info.lossless, false);
    assert.equal(f.decoder.format.sample, 'f32', 'PCM, as ffmpeg hands it out');
    assert.equal(f.decoder.info.totalFrames! / f.decoder.format.rate, 1, 'one second, as the DSF');
    assert.ok(f.decoder.integrity().warnings.some((w) => /DSD audio, converted to \d+ Hz float PCM by ffmpeg/.test(w)));
  } finally {
    await f.close();
  }
  const p = await openFile(pcmWv);
  try {
    assert.deepEqual([p.decoder.info.codec, p.decoder.info.lossless, p.decoder.integrity().warnings], ['WavPack', true, []]);
  } finally {
    await p.close();
  }
});
