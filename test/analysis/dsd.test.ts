// DSD files in `info`, `dr` and `loudness` (issue 16 item 10): durations counted in DSD samples
// (not bytes), and the analysers measuring the PCM of the default DSD->PCM conversion, against the
// same sine written as PCM. DSD is made by a sigma-delta modulator (no DSD encoder exists here).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../helpers/tmp.ts';
import { sigmaDelta } from '../helpers/signals.ts';
import { dsdiffFile, dsfFile } from '../helpers/containers.ts';
import { analyseFile, writeWav } from './files.ts';
import { fileInfo } from '../../src/cli/commands/info.ts';
import type { LoudnessResult } from '../../src/analysis/plugins/loudness/meter.ts';
import type { DrResult } from '../../src/analysis/plugins/dr/meter.ts';
import { dsdFormat } from '../../src/audio/format.ts';
import { dsdBlock } from '../../src/audio/block.ts';
import { openDsdToPcm, type DsdToPcmFilter } from '../../src/dsp/plugins/dsd2pcm/index.ts';
import { DSD_TO_PCM_DEFAULTS } from '../../src/dsp/plugins/dsd2pcm/convert.ts';
import { buildChain } from '../../src/dsp/chain.ts';
import { prepareFilter } from '../../src/dsp/registry.ts';

const DSD64 = 2822400;
const SECONDS = 3;
/** The SACD 0 dB reference: a sine at 50% modulation. */
const SACD_0DB = 0.5;

test('info: a DSF and a DSDIFF file of 3 s of DSD64 last 3 s', async () => {
  const dir = tempDir();
  const msb = sigmaDelta(DSD64, SECONDS, 1000, [SACD_0DB, SACD_0DB]);
  const dsf = path.join(dir, 'a.dsf');
  const dff = path.join(dir, 'a.dff');
  writeFileSync(dsf, dsfFile({ rate: DSD64, channels: 2, msb }));
  writeFileSync(dff, dsdiffFile({ rate: DSD64, channels: 2, msb }));
  for (const file of [dsf, dff]) {
    const info = await fileInfo(file, false);
    assert.equal(info.durationSeconds, SECONDS, file);
    assert.equal(info.rate, DSD64);
    assert.equal(info.frames! * 8, DSD64 * SECONDS, 'frames are bytes per channel, 8 DSD samples each');
  }
});

test('dr and loudness analyse a DSF through DSD->PCM: the same figures as the PCM sine it encodes', async () => {
  const dir = tempDir();
  // Left at the SACD 0 dB level, right 12 dB lower.
  const amplitudes = [SACD_0DB, SACD_0DB / 4];
  const dsf = path.join(dir, 'tone.dsf');
  writeFileSync(dsf, dsfFile({ rate: DSD64, channels: 2, msb: sigmaDelta(DSD64, SECONDS, 1000, amplitudes) }));
  const rate = DSD_TO_PCM_DEFAULTS.rate;
  const n = rate * SECONDS;
  const pcm = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) for (let c = 0; c < 2; c++) pcm[i * 2 + c] = amplitudes[c]! * Math.sin((2 * Math.PI * 1000 * i) / rate);
  const wav = path.join(dir, 'tone.wav');
  writeWav(wav, rate, 2, 'f64', pcm);

  const requests = [{ name: 'dr' }, { name: 'loudness' }];
  const fromDsd = await analyseFile(dsf, requests);
  const fromPcm = await analyseFile(wav, requests);
  assert.equal(fromDsd.codec, 'DSD');
  assert.ok(Math.abs(fromDsd.frames - n) <= 64, `${fromDsd.frames} PCM frames for ${n}`);
  const l = fromDsd.results.loudness as LoudnessResult;
  const lr = fromPcm.results.loudness as LoudnessResult;
  assert.ok(Number.isFinite(l.integratedLufs), 'measured, not -inf');
  assert.ok(Math.abs(l.integratedLufs - lr.integratedLufs) < 0.1, `${l.integratedLufs} LUFS vs ${lr.integratedLufs}`);
  // The SACD 0 dB level is -6.02 dBFS; DSD noise above the band adds a little to the peak.
  assert.ok(Math.abs(l.samplePeakDbfs - -6.02) < 0.3, `peak ${l.samplePeakDbfs} dBFS`);
  const d = fromDsd.results.dr as DrResult;
  const dr = fromPcm.results.dr as DrResult;
  assert.ok(d.frames > 0 && Number.isFinite(d.rmsDb), 'a DR row, not an empty log');
  assert.equal(d.drRounded, dr.drRounded);
  assert.ok(Math.abs(d.rmsDb - dr.rmsDb) < 0.1, `RMS ${d.rmsDb} vs ${dr.rmsDb}`);
});

test('DSD->PCM: headroom by default (the SACD 0 dB level plus the +3.1 dB peaks the format allows do not clip); clips at +6 dB are in the stage report', () => {
  const format = dsdFormat(DSD64, 1);
  const hot = sigmaDelta(DSD64, 0.5, 1000, [SACD_0DB * 10 ** (3.1 / 20)]);
  const run = (gainDb: 0 | 6) => {
    const f = openDsdToPcm(format, { ...DSD_TO_PCM_DEFAULTS, gainDb }) as DsdToPcmFilter;
    for (let i = 0; i < hot.length; i += 8192) f.process(dsdBlock(format, hot.subarray(i, Math.min(hot.length, i + 8192))));
    f.flush();
    return f;
  };
  const byDefault = run(DSD_TO_PCM_DEFAULTS.gainDb as 0);
  assert.equal(DSD_TO_PCM_DEFAULTS.gainDb, 0);
  assert.deepEqual(byDefault.clipStats().clipped, [0]);
  assert.ok(byDefault.clipStats().peak[0]! < 10 ** (-2 / 20), `peak ${byDefault.clipStats().peak[0]}`);
  assert.doesNotMatch(byDefault.report.detail, /clipped/);
  const boosted = run(6);
  const clipped = boosted.clipStats().clipped[0]!;
  assert.ok(clipped > 0);
  assert.match(boosted.report.detail, new RegExp(`; ${clipped} samples clipped`));
});

test('DSD->PCM clips show in the chain\'s reports, which the signal path is built from, as they happen', () => {
  const format = dsdFormat(DSD64, 1);
  const hot = sigmaDelta(DSD64, 0.2, 1000, [SACD_0DB * 10 ** (3.1 / 20)]);
  const chain = buildChain([prepareFilter('dsd2pcm', { gainDb: 6, rate: 88200 })], format);
  const dsdReport = () => chain.reports.find((r) => r.name === 'DSD to PCM')!;
  assert.doesNotMatch(dsdReport().detail, /clipped/, 'nothing clipped before the audio');
  chain.process(dsdBlock(format, hot));
  assert.match(dsdReport().detail, /\d+ samples clipped/);
});
