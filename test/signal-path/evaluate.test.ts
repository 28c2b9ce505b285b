import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateSignalPath, sampleChangesReason } from '../../src/signal-path/evaluate.ts';
import { pcmFormat, floatFormat } from '../../src/audio/format.ts';
import type { StageReport } from '../../src/protocol/signal-path.ts';

const cd = pcmFormat(44100, 2, 16);
const hi = pcmFormat(96000, 2, 24);
const stage = (over: Partial<StageReport> & Pick<StageReport, 'kind' | 'name'>): StageReport => ({
  input: cd, output: cd, changesSamples: false, chosenByUser: false, detail: '', ...over,
});

test('a path where nothing changes samples is bit-perfect with no reasons', () => {
  const r = evaluateSignalPath([
    stage({ kind: 'source', name: 'FLAC file', input: null }),
    stage({ kind: 'decoder', name: 'FLAC' }),
    stage({ kind: 'packing', name: 'S32_LE', detail: '16-bit left-justified in 32, zero padding' }),
    stage({ kind: 'output', name: 'ALSA hw:CARD=DAC,DEV=0', output: null }),
  ]);
  assert.equal(r.verdict, 'bit-perfect');
  assert.deepEqual(r.reasons, []);
});

test('processing the user chose makes the path enhanced and says what', () => {
  const r = evaluateSignalPath([
    stage({ kind: 'decoder', name: 'FLAC' }),
    stage({ kind: 'volume', name: 'Volume', detail: '-6 dB', changesSamples: true, chosenByUser: true }),
  ]);
  assert.equal(r.verdict, 'enhanced');
  assert.deepEqual(r.reasons, ['not bit-perfect: Volume (-6 dB)']);
});

test('a shared mixer degrades the path even when the user also chose EQ', () => {
  const r = evaluateSignalPath([
    stage({ kind: 'filter', name: 'Parametric EQ', changesSamples: true, chosenByUser: true }),
    stage({ kind: 'mixer', name: 'System mixer', detail: 'shared mode, system mixer at 48000 Hz', changesSamples: true }),
  ]);
  assert.equal(r.verdict, 'degraded');
  assert.equal(r.reasons[0], 'not bit-perfect: System mixer (shared mode, system mixer at 48000 Hz)');
  assert.equal(r.reasons.length, 2);
});

test('a lossy decoder gives lossy-source', () => {
  const f = floatFormat(44100, 2, 32);
  const r = evaluateSignalPath([stage({ kind: 'decoder', name: 'MP3', detail: '320 kbps', lossy: true, input: null, output: f }), stage({ kind: 'output', name: 'null', input: f })]);
  assert.equal(r.verdict, 'lossy-source');
  assert.deepEqual(r.reasons, ['lossy source: MP3 (320 kbps)']);
});

test('a format change no stage owns is caught as degraded', () => {
  const r = evaluateSignalPath([stage({ kind: 'decoder', name: 'FLAC', output: hi }), stage({ kind: 'output', name: 'ALSA', input: cd })]);
  assert.equal(r.verdict, 'degraded');
  assert.match(r.reasons[0]!, /format changed from 96000 Hz, 2 ch, 24-bit to 44100 Hz, 2 ch, 16-bit between FLAC and ALSA/);
});

test('exact widenings between stages are not findings: int to f64, int to a wider int', () => {
  const f64 = floatFormat(44100, 2, 64);
  const r = evaluateSignalPath([stage({ kind: 'decoder', name: 'FLAC', output: cd }), stage({ kind: 'volume', name: 'Volume', input: f64, output: f64, changesSamples: true, chosenByUser: true })]);
  assert.equal(r.verdict, 'enhanced');
  const p = evaluateSignalPath([stage({ kind: 'decoder', name: 'FLAC', output: cd }), stage({ kind: 'output', name: 'ALSA', input: pcmFormat(44100, 2, 24) })]);
  assert.equal(p.verdict, 'bit-perfect');
});

test('float sources: f32 to f64 is an exact widening; a required quantisation is said as such and leaves a lossy source lossy-source', () => {
  const f32 = floatFormat(44100, 2, 32);
  const f64 = floatFormat(44100, 2, 64);
  const s32 = pcmFormat(44100, 2, 32);
  const quantise = stage({ kind: 'dither', name: 'TPDF dither', input: f64, output: s32, changesSamples: true, required: true, detail: 'required' });
  const lossless = evaluateSignalPath([stage({ kind: 'decoder', name: 'WAV', output: f32 }), quantise]);
  assert.equal(lossless.verdict, 'degraded');
  assert.deepEqual(lossless.reasons, ['not bit-perfect (required): TPDF dither (required)']);
  const mp3 = evaluateSignalPath([stage({ kind: 'decoder', name: 'MP3', output: f32, lossy: true }), quantise]);
  assert.equal(mp3.verdict, 'lossy-source');
  const forced = evaluateSignalPath([stage({ kind: 'decoder', name: 'MP3', output: f32, lossy: true }), { ...quantise, required: false }]);
  assert.equal(forced.verdict, 'degraded', 'a change that is not required still degrades');
});

test('a forced change with a cause: the reason leads with the cause, the technical detail after it, one reason per cause', () => {
  const f64 = floatFormat(48000, 2, 64);
  const at44 = floatFormat(44100, 2, 64);
  const cause = "shared mode: wasapi: takes only its system mixer's format (48000 Hz, 2 ch, 32-bit float), so the source is resampled from 44100 to 48000 Hz and converted to 32-bit float; exclusive mode plays it bit-perfect";
  const r = evaluateSignalPath([
    stage({ kind: 'decoder', name: 'FLAC' }),
    stage({ kind: 'volume', name: 'Volume', detail: '-6 dB', input: at44, output: at44, changesSamples: true, chosenByUser: true }),
    stage({ kind: 'resampler', name: 'Resampler', detail: '44100 -> 48000 Hz, VHQ, Kaiser A=175', input: at44, output: f64, changesSamples: true, cause }),
    stage({ kind: 'filter', name: 'Clip detection', detail: 'saturate at +-1', input: f64, output: floatFormat(48000, 2, 32), changesSamples: true, cause }),
    stage({ kind: 'mixer', name: 'System mixer', input: floatFormat(48000, 2, 32), output: null, detail: 'shared', changesSamples: true }),
  ]);
  assert.equal(r.verdict, 'degraded');
  assert.deepEqual(r.reasons, [
    `not bit-perfect: ${cause} (done by Resampler (44100 -> 48000 Hz, VHQ, Kaiser A=175), Clip detection (saturate at +-1))`,
    'not bit-perfect: System mixer (shared)',
    'not bit-perfect: Volume (-6 dB)',
  ]);
  // What a 110-column terminal shows of the first reason names shared mode.
  assert.match(`degraded: ${r.reasons[0]}`.slice(0, 110), /shared mode: wasapi: takes only/);
  // A required change with a cause stays required (a lossy source stays lossy-source).
  const q = evaluateSignalPath([
    stage({ kind: 'decoder', name: 'MP3', output: floatFormat(44100, 2, 32), lossy: true }),
    stage({ kind: 'dither', name: 'TPDF dither', input: floatFormat(44100, 2, 64), changesSamples: true, required: true, cause: 'the source is 32-bit floating point, which must be quantised' }),
  ]);
  assert.equal(q.verdict, 'lossy-source');
  assert.equal(q.reasons[0], 'not bit-perfect (required): the source is 32-bit floating point, which must be quantised (done by TPDF dither)');
});

test('the proof wording tells changes the device required from those the user chose', () => {
  const f64 = floatFormat(48000, 2, 64);
  const resampler = stage({ kind: 'resampler', name: 'Resampler', input: f64, output: f64, changesSamples: true });
  const eq = stage({ kind: 'filter', name: 'Parametric EQ', input: f64, output: f64, changesSamples: true, chosenByUser: true });
  const decoder = stage({ kind: 'decoder', name: 'FLAC' });
  const mixer = stage({ kind: 'mixer', name: 'System mixer', changesSamples: true });
  assert.equal(sampleChangesReason([decoder, resampler, mixer]), 'samples changed by Resampler, required by the device');
  assert.equal(sampleChangesReason([decoder, eq]), 'samples changed on purpose by Parametric EQ');
  assert.equal(sampleChangesReason([decoder, eq, resampler]), 'samples changed by Resampler, required by the device; samples changed on purpose by Parametric EQ');
  assert.equal(sampleChangesReason([decoder, stage({ kind: 'packing', name: 'S32_LE' })]), '');
});
