// Hardware volume on ALSA against the project's fake DAC mixer (test/alsa/fakemixer.c, an ALSA
// control plugin whose values live in a state file): which control device and element Auris
// picks, the dB range it reports, and where a level set through the output API lands.
import { needFakeMixer, readMixerState, writeMixerState } from '../helpers/alsa.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcmFormat } from '../../src/audio/format.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { AlsaOutputPlugin } from '../../src/outputs/plugins/alsa/index.ts';
import { openVolume } from '../../native/index.ts';

const HANG_GUARD = { timeout: 20_000 };
/** ctl.dacvol: raw step 0 is -127 dB, 0.5 dB per step up to 254 = 0 dB. */
const dacvolStep = (db: number) => (db + 127) / 0.5;

test('a DAC with a control device of its name reports hardware volume with its dB range; one without reports none', HANG_GUARD, async (t) => {
  if (!needFakeMixer(t)) return;
  const dacvol = new AlsaOutputPlugin('dacvol');
  assert.equal((await dacvol.capabilities()).hardwareVolume, true);
  const out = await dacvol.open(pcmFormat(44100, 2, 24), 'exclusive', { bufferMs: 60 });
  try {
    assert.ok(out.volume, 'the open output carries the hardware volume');
    assert.equal(out.volume.control, 'Master');
    assert.equal(out.volume.minDb, -127);
    assert.equal(out.volume.maxDb, 0);
    assert.equal(out.bitPerfect, true, 'hardware volume leaves the byte path alone');
  } finally {
    await out.close();
  }
  const dac24 = new AlsaOutputPlugin('dac24');
  assert.equal((await dac24.capabilities()).hardwareVolume, false);
  const plain = await dac24.open(pcmFormat(44100, 2, 24), 'exclusive', { bufferMs: 60 });
  assert.equal(plain.volume, null);
  await plain.close();
  assert.equal(openVolume('alsa', 'captest'), null, 'a PCM with no control device of its name has no hardware volume');
});

test('a level set through the output API lands in the device at its step, never louder than asked', HANG_GUARD, async (t) => {
  if (!needFakeMixer(t)) return;
  const out = await new AlsaOutputPlugin('dacvol').open(pcmFormat(44100, 2, 16), 'exclusive', { bufferMs: 60 });
  try {
    const volume = out.volume!;
    const cases: [asked: number, landed: number][] = [
      [-12.5, -12.5], // a step of the device: exactly there
      [-12.2, -12.5], // between steps: the quieter one
      [-0.3, -0.5],
      [-200, -127], // below the range: its bottom
      [6, 0], // above: its top
    ];
    for (const [asked, landed] of cases) {
      volume.set(asked);
      const state = readMixerState('dacvol').get('Master')!;
      assert.deepEqual(state.volume, [dacvolStep(landed), dacvolStep(landed)], `set(${asked}) lands at ${landed} dB on both channels`);
      assert.deepEqual(state.on, [1, 1], 'the switch is left on');
      assert.equal(volume.get(), landed);
    }
    assert.throws(() => volume.set(Number.NaN), (e: unknown) => isAurisError(e, 'E_INVALID_ARGUMENT'));
  } finally {
    await out.close();
  }
});

test('a level changed by another program is what get() reports (value events through the control device)', HANG_GUARD, async (t) => {
  if (!needFakeMixer(t)) return;
  const volume = openVolume('alsa', 'dacvol')!;
  try {
    volume.set(-3);
    assert.equal(volume.get(), -3);
    writeMixerState('dacvol', 'Master', { volume: [dacvolStep(-27.5), dacvolStep(-27.5)], on: [1, 1] });
    assert.equal(volume.get(), -27.5);
  } finally {
    volume.close();
  }
});

test('the usual element is chosen (Master, PCM, Digital, Speaker, Headphone, else the first with dB), or the one named', HANG_GUARD, async (t) => {
  if (!needFakeMixer(t)) return;
  const usual = openVolume('alsa', 'mixmany')!;
  assert.equal(usual.control, 'PCM', 'PCM before Digital and Headphone; Line is not a usual name');
  usual.close();
  const other = openVolume('alsa', 'mixother')!;
  assert.deepEqual([other.control, other.minDb, other.maxDb], ['Line', -100, 0], 'no usual name: the first with a dB scale');
  other.close();

  const named = openVolume('alsa', 'mixmany', 'headphone')!;
  assert.equal(named.control, 'Headphone', 'the name is matched without case');
  named.set(-6);
  named.close();
  const state = readMixerState('mixmany');
  assert.deepEqual(state.get('Headphone')!.volume, [dacvolStep(-6), dacvolStep(-6)]);
  assert.deepEqual(state.get('PCM')!.volume, [254, 254], 'the other elements are untouched');

  assert.throws(() => openVolume('alsa', 'mixmany', 'Speaker'), (e: unknown) => {
    assert.ok(isAurisError(e, 'E_NOT_FOUND'), String(e));
    for (const name of ['Line', 'Headphone', 'PCM', 'Digital']) assert.match(e.message, new RegExp(name));
    return true;
  });
});

test('the element named at open is the volume; a name the device lacks is a typed error that releases the device', HANG_GUARD, async (t) => {
  if (!needFakeMixer(t)) return;
  const plugin = new AlsaOutputPlugin('mixmany');
  const format = pcmFormat(44100, 2, 16);
  await assert.rejects(plugin.open(format, 'exclusive', { bufferMs: 60, volumeControl: 'Master' }), (e: unknown) => isAurisError(e, 'E_NOT_FOUND'));
  const out = await plugin.open(format, 'exclusive', { bufferMs: 60, volumeControl: 'Digital' });
  try {
    assert.equal(out.volume?.control, 'Digital');
  } finally {
    await out.close();
  }
});

test('a volume without a dB scale is not used; a mute step is below the range, never reached by a setting', HANG_GUARD, async (t) => {
  if (!needFakeMixer(t)) return;
  assert.equal(openVolume('alsa', 'mixnodb'), null);
  assert.throws(() => openVolume('alsa', 'mixnodb', 'Master'), (e: unknown) => isAurisError(e, 'E_NOT_FOUND') && /no dB scale/.test(e.message));

  // ctl.mixmute: raw 0 is mute, raw 1 is -63 dB, 0.5 dB steps up to raw 127 = 0 dB.
  const muting = openVolume('alsa', 'mixmute')!;
  try {
    assert.deepEqual([muting.control, muting.minDb, muting.maxDb], ['PCM', -63, 0]);
    muting.set(-120);
    assert.deepEqual(readMixerState('mixmute').get('PCM')!.volume, [1, 1], 'the lowest audible step, not mute');
    assert.equal(muting.get(), -63);
    writeMixerState('mixmute', 'PCM', { volume: [0, 0], on: [1, 1] });
    assert.equal(muting.get(), -Infinity, 'muted by someone else: reported as -infinity dB');
  } finally {
    muting.close();
  }
});

test('a card that does not exist: a typed error, not a crash', HANG_GUARD, async (t) => {
  if (!needFakeMixer(t)) return;
  // Card names go to the card's control device, so a missing card is an error rather than "no volume".
  for (const pcm of ['hw:CARD=NoSuchCard,DEV=0', 'plughw:NoSuchCard,0', 'hw:7,0']) {
    assert.throws(() => openVolume('alsa', pcm), (e: unknown) => isAurisError(e, 'E_NOT_FOUND'), pcm);
  }
});
