// The plan, without a device: what happens to a track on its way to a device of given capabilities.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dsdFormat, floatFormat, pcmFormat } from '../../src/audio/format.ts';
import { chainOutput, planTrack, quantisationCause, type PlanSettings } from '../../src/engine/plan.ts';
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
const plain: PlanSettings = { eq: false, crossfeed: false, volumeDb: 0, missingRate: 'resample', dsd: 'auto', downmix: 'refuse' };

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

/** WASAPI shared mode as the plugin reports it: the mix format only, float32 at 48 kHz stereo. */
const sharedMix: OutputCapabilities = {
  name: 'wasapi:', modes: ['exclusive', 'shared'], rateRange: [48000, 48000], hardwareVolume: false,
  formats: [{ container: 'FLOAT_LE', validBits: 32, rates: [48000], channelsMin: 2, channelsMax: 2 }],
  mixFormat: floatFormat(48000, 2, 32),
};

test('shared mode with a float mix format: every source resampled to the mix rate and converted to float, said, pointing to exclusive', () => {
  const cd = planTrack(pcmFormat(44100, 2, 16), plain, sharedMix);
  assert.deepEqual(cd.steps, [{ kind: 'resample', settings: { rate: 48000 } }]);
  assert.deepEqual([cd.outputBits, cd.outputFloatBits, cd.processedBits, cd.upmix], [null, 32, null, 1]);
  assert.deepEqual(chainOutput(cd), { kind: 'float', bits: 32 });
  assert.match(cd.forcedReason, /^shared mode: wasapi: takes only its system mixer's format \(48000 Hz, 2 ch, 32-bit float\), so the source is resampled from 44100 to 48000 Hz and converted to 32-bit float; exclusive mode plays it bit-perfect$/);

  const hires = planTrack(pcmFormat(48000, 2, 24), plain, sharedMix);
  assert.deepEqual(hires.steps, [], 'already at the mix rate: no resampler');
  assert.deepEqual(chainOutput(hires), { kind: 'float', bits: 32 });
  assert.match(hires.forcedReason, /so the source is converted to 32-bit float; exclusive mode plays it bit-perfect/);

  // The missing-rate policy concerns a device lacking a rate; a shared mixer takes one rate only.
  assert.deepEqual(planTrack(pcmFormat(96000, 2, 24), { ...plain, missingRate: 'skip' }, sharedMix).steps, [{ kind: 'resample', settings: { rate: 48000 } }]);
  // User processing first, the conversion last.
  assert.deepEqual(planTrack(pcmFormat(44100, 2, 16), { ...plain, eq: true, volumeDb: -3 }, sharedMix).steps.map((s) => s.kind), ['eq', 'volume', 'resample']);
  // The mix format itself goes as it is; mono goes to both channels; six channels are refused with the way out.
  const mix = planTrack(floatFormat(48000, 2, 32), plain, sharedMix);
  assert.deepEqual([mix.steps, chainOutput(mix), mix.forcedReason], [[], undefined, '']);
  const mono = planTrack(pcmFormat(44100, 1, 16), plain, sharedMix);
  assert.deepEqual([mono.upmix, mono.steps, mono.outputFloatBits], [2, [{ kind: 'resample', settings: { rate: 48000 } }], 32]);
  assert.throws(() => planTrack(pcmFormat(48000, 6, 24), plain, sharedMix),
    (e: unknown) => isAurisError(e, 'E_FORMAT_REFUSED') && /channel mixing; play it in exclusive mode/.test(e.message));
  // DSD: to PCM straight at the mix rate, delivered as float.
  const dsd = planTrack(dsdFormat(2822400, 2), plain, sharedMix);
  assert.deepEqual([dsd.dsd?.transport, dsd.steps, chainOutput(dsd)], ['pcm', [{ kind: 'dsd2pcm', settings: { rate: 48000 } }], { kind: 'float', bits: 32 }]);
});

test('a shared mixer with an integer mix format: resampled and reduced with dither, or widened exactly', () => {
  const s16: OutputCapabilities = { ...sharedMix, formats: [{ container: 'S16_LE', validBits: 16, rates: [44100], channelsMin: 2, channelsMax: 2 }], mixFormat: pcmFormat(44100, 2, 16) };
  const hi = planTrack(pcmFormat(96000, 2, 24), plain, s16);
  assert.deepEqual([hi.steps, chainOutput(hi)], [[{ kind: 'resample', settings: { rate: 44100 } }], { kind: 'int', bits: 16 }]);
  assert.match(hi.forcedReason, /resampled from 96000 to 44100 Hz and converted to 16-bit with dither/);
  const s24: OutputCapabilities = { ...sharedMix, formats: [{ container: 'S24_3LE', validBits: 24, rates: [48000], channelsMin: 2, channelsMax: 2 }], mixFormat: pcmFormat(48000, 2, 24) };
  const lo = planTrack(pcmFormat(48000, 2, 16), plain, s24);
  assert.deepEqual([lo.steps, chainOutput(lo), lo.forcedReason], [[], undefined, ''], 'a 16-bit source at the mix rate goes as it is, zero-padded in the container');
});

test('ALSA default through a mixer reports no mix format: planned as before, on the formats it lists', () => {
  const alsaDefault: OutputCapabilities = { ...dac24, name: 'alsa:default', modes: ['shared'] };
  const p = planTrack(pcmFormat(44100, 2, 16), plain, alsaDefault);
  assert.deepEqual([p.steps, p.outputFloatBits, p.forcedReason], [[], null, '']);
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

test('mono on a stereo-only device composes with every other conversion: quantising float, resampling a missing rate', () => {
  // A float mono source (an MP3, Opus or float WAV): both channels, quantised to the deepest integer.
  const f = planTrack(floatFormat(44100, 1, 32), plain, dac24);
  assert.deepEqual([f.upmix, f.steps, f.outputBits], [2, [], 32]);
  // 22.05 kHz mono on a DAC without that rate: resampled within the family, then both channels.
  const lo = planTrack(pcmFormat(22050, 1, 16), plain, dac24);
  assert.deepEqual([lo.upmix, lo.steps], [2, [{ kind: 'resample', settings: { rate: 44100 } }]]);
  assert.match(lo.forcedReason, /lacks 22050 Hz; resampled to 44100 Hz/);
  // Both at once: float mono at 48 kHz.
  const both = planTrack(floatFormat(48000, 1, 32), plain, dac24);
  assert.deepEqual([both.upmix, both.steps, both.outputBits], [2, [{ kind: 'resample', settings: { rate: 96000 } }], 32]);
  // A device with a mono mode in 16-bit only and stereo in 24-bit: 24-bit mono goes to both channels exactly
  // rather than reduced to 16 bits; 16-bit mono uses the mono mode.
  const monoMode: OutputCapabilities = {
    ...dac24,
    formats: [
      { container: 'S24_3LE', rates: [44100, 96000], channelsMin: 2, channelsMax: 2 },
      { container: 'S16_LE', rates: [44100], channelsMin: 1, channelsMax: 1 },
    ],
  };
  assert.deepEqual([planTrack(pcmFormat(44100, 1, 24), plain, monoMode).upmix, planTrack(pcmFormat(44100, 1, 24), plain, monoMode).outputBits], [2, null]);
  assert.equal(planTrack(pcmFormat(44100, 1, 16), plain, monoMode).upmix, 1);
  // A mono-capable device keeps mono and converts only what it lacks.
  assert.deepEqual(planTrack(pcmFormat(48000, 1, 16), plain, monoMode).upmix, 1);
});

test('more channels than a stereo-only device takes: refused naming the setting and the flag, or mixed down to stereo when allowed', () => {
  const six = pcmFormat(44100, 6, 24);
  assert.throws(() => planTrack(six, plain, dac24), (e: unknown) => isAurisError(e, 'E_FORMAT_REFUSED')
    && /^dac24 takes stereo only and does not accept 44100 Hz, 6 ch, 24-bit \(it accepts .*S24_3LE.*\); to play it mixed down to stereo \(not bit-perfect\), allow a stereo downmix by setting output\.downmix to 'stereo', or auris play --downmix stereo$/.test(e.message)
    && e.details.setting === 'output.downmix');
  const down = planTrack(six, { ...plain, downmix: 'stereo' }, dac24);
  assert.deepEqual([down.steps, down.upmix, down.outputBits], [[{ kind: 'downmix', settings: {} }], 1, null]);
  assert.equal(down.forcedReason, "dac24 takes stereo only, so the 6-channel source is mixed down to stereo (ITU-R BS.775; output.downmix is 'stereo')");
  // The downmix composes with a missing rate, and crossfeed (stereo only) runs on its result.
  const at48 = planTrack(pcmFormat(48000, 6, 16), { ...plain, downmix: 'stereo', crossfeed: true }, dac24);
  assert.deepEqual(at48.steps.map((s) => s.kind), ['downmix', 'crossfeed', 'resample']);
  assert.match(at48.forcedReason, /mixed down to stereo .*; the device lacks 48000 Hz; resampled to 96000 Hz/);
  // A device that has the channel count plays it as it is, whatever the setting.
  const eight: OutputCapabilities = { ...dac24, formats: [{ container: 'S24_3LE', rates: [44100], channelsMin: 2, channelsMax: 8 }] };
  assert.deepEqual(planTrack(six, { ...plain, downmix: 'stereo' }, eight).steps, []);
  // Shared mode: refused pointing to exclusive mode and the downmix, or mixed down then resampled.
  assert.throws(() => planTrack(pcmFormat(48000, 6, 24), plain, sharedMix),
    (e: unknown) => isAurisError(e, 'E_FORMAT_REFUSED') && /play it in exclusive mode, or allow a stereo downmix \(setting output\.downmix to 'stereo'/.test(e.message));
  const shared = planTrack(pcmFormat(44100, 6, 24), { ...plain, downmix: 'stereo' }, sharedMix);
  assert.deepEqual([shared.steps.map((s) => s.kind), shared.outputFloatBits], [['downmix', 'resample'], 32]);
});

test('the quantisation cause names where the floating-point samples come from: the source, or DSD->PCM', () => {
  assert.equal(quantisationCause(dsdFormat(2822400, 2), 16), 'the DSD->PCM conversion produces floating-point samples, which must be quantised to 16-bit (with dither) for a device that takes integers only');
  assert.equal(quantisationCause(floatFormat(44100, 2, 32), 24), 'the source is 32-bit floating point, which must be quantised to 24-bit (with dither) for a device that takes integers only');
});
