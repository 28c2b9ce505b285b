// The plan, without a device: what happens to a track on its way to a device of given capabilities.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dsdFormat, floatFormat, pcmFormat } from '../../src/audio/format.ts';
import { planTrack, type PlanSettings } from '../../src/engine/plan.ts';
import type { OutputCapabilities } from '../../src/outputs/interface.ts';
import { isAurisError } from '../../src/util/errors.ts';

/** A stereo-only DAC: 24-bit (3 or 4 bytes) at 44.1 and 96 kHz, no float, no DSD. */
const dac24: OutputCapabilities = {
  name: 'dac24', modes: ['exclusive'], rateRange: [44100, 96000], hardwareVolume: false,
  formats: [
    { container: 'S24_3LE', rates: [44100, 96000], channelsMin: 2, channelsMax: 2 },
    { container: 'S32_LE', rates: [44100, 96000], channelsMin: 2, channelsMax: 2 },
  ],
};
/** A DAC with native DSD64 (DSD_U32_BE at 88.2 kHz) and 24-bit PCM up to 176.4 kHz. */
const dsdDac: OutputCapabilities = {
  name: 'dsddac', modes: ['exclusive'], rateRange: [44100, 176400], hardwareVolume: true,
  formats: [
    { container: 'S24_3LE', rates: [44100, 88200, 176400], channelsMin: 2, channelsMax: 2 },
    { container: 'DSD_U32_BE', rates: [88200], channelsMin: 2, channelsMax: 2 },
  ],
};
const anything: OutputCapabilities = { name: 'null', modes: ['exclusive'], formats: 'any', rateRange: null, hardwareVolume: false };
const plain: PlanSettings = { eq: false, crossfeed: false, volumeDb: 0, missingRate: 'resample', dsd: 'auto' };

test('a format the device takes goes as it is: no steps, nothing forced', () => {
  const p = planTrack(pcmFormat(96000, 2, 24), plain, dac24);
  assert.deepEqual([p.steps, p.outputBits, p.upmix, p.dsd, p.forcedReason], [[], null, 1, null, '']);
  assert.deepEqual(planTrack(floatFormat(44100, 2, 32), plain, anything).steps, []);
});

test('mono on a stereo-only device: both channels, nothing else', () => {
  const p = planTrack(pcmFormat(44100, 1, 16), plain, dac24);
  assert.deepEqual([p.upmix, p.steps, p.outputBits], [2, [], null]);
  assert.throws(() => planTrack(pcmFormat(44100, 6, 24), plain, dac24), (e: unknown) => isAurisError(e, 'E_FORMAT_REFUSED'), 'six channels on two are refused');
});

test('a rate the device lacks: resampled within the family and said, or refused by the skip policy with the accepted set', () => {
  const p = planTrack(pcmFormat(48000, 2, 24), plain, dac24);
  assert.deepEqual(p.steps, [{ kind: 'resample', settings: { rate: 96000 } }]);
  assert.match(p.forcedReason, /lacks 48000 Hz; resampled to 96000 Hz/);
  assert.throws(() => planTrack(pcmFormat(48000, 2, 24), { ...plain, missingRate: 'skip' }, dac24),
    (e: unknown) => isAurisError(e, 'E_FORMAT_REFUSED') && /missing-rate policy/.test(e.message) && Array.isArray(e.details.accepted));
});

test('float on an integer device: quantised to its deepest integer; processing of 16-bit audio keeps 24 bits', () => {
  const f = planTrack(floatFormat(44100, 2, 32), plain, dac24);
  assert.equal(f.outputBits, 32);
  assert.match(f.forcedReason, /no 32-bit float container/);
  const eq = planTrack(pcmFormat(44100, 2, 16), { ...plain, eq: true, crossfeed: true, volumeDb: -3 }, dac24);
  assert.deepEqual(eq.steps.map((s) => s.kind), ['eq', 'crossfeed', 'volume'], 'EQ, then crossfeed, then volume');
  assert.equal(eq.processedBits, 24);
  const hw = planTrack(pcmFormat(44100, 2, 16), { ...plain, volumeDb: -3 }, dsdDac);
  assert.deepEqual(hw.steps, [], 'a device with hardware volume needs no software volume');
});

test('DSD: native when the device has it, converted to PCM for EQ in auto, an explicit DoP with volume refused', () => {
  const dsd64 = dsdFormat(2822400, 2);
  assert.deepEqual(planTrack(dsd64, plain, dsdDac).dsd, { transport: 'native', container: 'DSD_U32_BE' });
  const eq = planTrack(dsd64, { ...plain, eq: true }, dsdDac);
  assert.equal(eq.dsd?.transport, 'pcm');
  assert.deepEqual(eq.steps.map((s) => s.kind), ['dsd2pcm', 'eq']);
  assert.deepEqual(eq.steps[0], { kind: 'dsd2pcm', settings: { rate: 176400 } });
  assert.throws(() => planTrack(dsd64, { ...plain, dsd: 'dop', volumeDb: -6 }, dac24), (e: unknown) => isAurisError(e, 'E_FORMAT_REFUSED'));
  const forced = planTrack(dsd64, plain, dac24);
  assert.equal(forced.dsd?.transport, 'pcm');
  assert.match(forced.forcedReason, /neither native DSD nor DoP/);
});

test('a track\'s own gain (ReplayGain) is a software step before the rest, even with hardware volume; DSD converts for it', () => {
  const gain = { db: -6.2, label: 'ReplayGain track -6.20 dB' };
  const p = planTrack(pcmFormat(44100, 2, 16), { ...plain, eq: true, volumeDb: -3, trackGain: gain }, dsdDac);
  assert.deepEqual(p.steps, [{ kind: 'volume', settings: { db: -6.2, label: 'ReplayGain track -6.20 dB' } }, { kind: 'eq' }], 'the user volume goes to the DAC\'s own mixer');
  assert.equal(p.processedBits, 24, 'processed 16-bit audio keeps 24 bits');
  assert.deepEqual(planTrack(pcmFormat(44100, 2, 16), { ...plain, trackGain: { db: 0, label: 'ReplayGain track 0.00 dB' } }, dac24).steps, [], '0 dB is no step at all');
  const dsd = planTrack(dsdFormat(2822400, 2), { ...plain, trackGain: gain }, dsdDac);
  assert.equal(dsd.dsd?.transport, 'pcm');
  assert.match(dsd.dsd?.transport === 'pcm' ? dsd.dsd.reason : '', /ReplayGain track -6\.20 dB cannot ride on a bit-perfect DSD stream/);
});
