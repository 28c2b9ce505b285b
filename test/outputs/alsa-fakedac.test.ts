// The ALSA output against the project's fake DAC (test/alsa/fakedac.c, an ALSA ioplug plugin
// paced at real time with a limited format/rate list and injected faults).
import { captureDir, fakeDacPlayed, lcgInts, needFakeDac, resetFakeDac } from '../helpers/alsa.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pcmFormat } from '../../src/audio/format.ts';
import { packInt, unpackInt } from '../../src/audio/pack.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { AlsaOutputPlugin } from '../../src/outputs/plugins/alsa/index.ts';
import type { FormatCaps } from '../../src/outputs/interface.ts';
import { writeAll } from '../../src/outputs/pump.ts';

const capture = (name: string) => readFileSync(path.join(captureDir, `${name}.raw`));
const HANG_GUARD = { timeout: 20_000 };

test('a refused format lists what the DAC accepts', HANG_GUARD, async (t) => {
  if (!needFakeDac(t)) return;
  const dac = new AlsaOutputPlugin('dac32');
  const caps = await dac.capabilities();
  assert.deepEqual((caps.formats as FormatCaps[]).map((f) => f.container), ['S16_LE', 'S32_LE']);
  assert.deepEqual((caps.formats as FormatCaps[])[1]!.rates, [44100, 48000, 88200, 96000, 176400, 192000]);
  for (const format of [pcmFormat(32000, 2, 16), pcmFormat(384000, 2, 24), pcmFormat(44100, 6, 16)]) {
    await assert.rejects(dac.open(format, 'exclusive'), (e: unknown) => {
      assert.ok(isAurisError(e, 'E_FORMAT_REFUSED'), String(e));
      const accepted = e.details.accepted as FormatCaps[];
      assert.deepEqual(accepted.map((f) => f.container), ['S16_LE', 'S32_LE']);
      assert.match(e.message, /accepts S16_LE at 44100\/48000\/88200\/96000\/176400\/192000 Hz, 2 ch; S32_LE/);
      return true;
    });
  }
});

test('24-bit goes out as S32_LE when the DAC lacks S24_3LE, and the capture is exact without the padding', HANG_GUARD, async (t) => {
  if (!needFakeDac(t)) return;
  const format = pcmFormat(96000, 2, 24);
  const samples = lcgInts(96000 * 2 * 0.2, 24, 11);
  const out = await new AlsaOutputPlugin('dac32').open(format, 'exclusive', { bufferMs: 60 });
  assert.equal(out.container, 'S32_LE');
  assert.equal(out.bitPerfect, true);
  assert.equal(out.stage.changesSamples, false);
  await writeAll(out, packInt(samples, 24, out.container));
  await out.drain();
  assert.equal(out.delay(), 0);
  await out.close();
  const captured = capture('dac32');
  assert.equal(captured.length, samples.length * 4);
  assert.deepEqual(unpackInt(captured, 24, 'S32_LE'), samples); // throws if a padding byte is not zero
});

test('24-bit goes out as S24_3LE when the DAC has it', HANG_GUARD, async (t) => {
  if (!needFakeDac(t)) return;
  const samples = lcgInts(44100 * 2 * 0.1, 24, 12);
  const out = await new AlsaOutputPlugin('dac24').open(pcmFormat(44100, 2, 24), 'exclusive', { bufferMs: 60 });
  assert.equal(out.container, 'S24_3LE');
  const bytes = packInt(samples, 24, 'S24_3LE');
  await writeAll(out, bytes);
  await out.drain();
  await out.close();
  assert.ok(capture('dac24').equals(Buffer.from(bytes)));
});

test('after an xrun the data continues exactly', HANG_GUARD, async (t) => {
  if (!needFakeDac(t)) return;
  resetFakeDac('dacxrun');
  const out = await new AlsaOutputPlugin('dacxrun').open(pcmFormat(44100, 2, 16), 'exclusive', { bufferMs: 60 });
  const underruns: number[] = [];
  out.on('underrun', (n) => underruns.push(n as number));
  const bytes = packInt(lcgInts(44100 * 2 * 0.3, 16, 13), 16, 'S16_LE');
  await writeAll(out, bytes);
  await out.drain();
  await out.close();
  assert.ok(underruns.length >= 1, 'the injected xrun was reported');
  // What the DAC played (not what it received: what it held at the xrun was sent twice).
  assert.ok(fakeDacPlayed('dacxrun').equals(Buffer.from(bytes)), 'no byte lost or repeated around the xrun');
});

test('a disconnect raises device-lost without a crash or a hang', HANG_GUARD, async (t) => {
  if (!needFakeDac(t)) return;
  const out = await new AlsaOutputPlugin('dacgone').open(pcmFormat(44100, 2, 16), 'exclusive', { bufferMs: 60 });
  const lost = new Promise<Error>((resolve) => out.on('device-lost', (e) => resolve(e as Error)));
  const bytes = packInt(lcgInts(44100 * 2, 16, 14), 16, 'S16_LE');
  const fed = writeAll(out, bytes).then(() => out.drain());
  try {
    const err = await lost;
    assert.ok(isAurisError(err, 'E_DEVICE_LOST'));
    await assert.rejects(fed, { code: 'E_DEVICE_LOST' });
    assert.throws(() => out.write(bytes), { code: 'E_DEVICE_LOST' });
    // The device stopped at the loss: its delay (hence the audible position) no longer moves.
    const frozen = out.delay();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(out.delay(), frozen, 'the delay is frozen when the device goes away');
  } finally {
    await out.close();
  }
  // What was played before the unplug arrived intact.
  const captured = capture('dacgone');
  assert.ok(captured.length >= 8820 * 4 && captured.equals(Buffer.from(bytes.subarray(0, captured.length))));
});

test('a busy device is a typed error that says whom to ask', HANG_GUARD, async (t) => {
  if (!needFakeDac(t)) return;
  const dac = new AlsaOutputPlugin('dac24');
  await dac.capabilities();
  const first = await dac.open(pcmFormat(44100, 2, 16), 'exclusive', { bufferMs: 60 });
  try {
    await assert.rejects(dac.open(pcmFormat(44100, 2, 16), 'exclusive'), (e: unknown) => {
      assert.ok(isAurisError(e, 'E_DEVICE_BUSY'), String(e));
      assert.match(e.message, /busy/);
      assert.match(e.message, /PipeWire|PulseAudio/);
      return true;
    });
  } finally {
    await first.close();
  }
});

test('pause and resume keep every byte', HANG_GUARD, async (t) => {
  if (!needFakeDac(t)) return;
  const out = await new AlsaOutputPlugin('dac24').open(pcmFormat(44100, 2, 16), 'exclusive', { bufferMs: 60 });
  const bytes = packInt(lcgInts(44100 * 2 * 0.3, 16, 15), 16, 'S16_LE');
  const half = (bytes.length / 2) - ((bytes.length / 2) % 4);
  await writeAll(out, bytes.subarray(0, half));
  out.pause();
  const held = out.delay();
  assert.ok(held > 0, 'paused with audio queued');
  out.resume();
  await writeAll(out, bytes.subarray(half));
  await out.drain();
  await out.close();
  assert.ok(capture('dac24').equals(Buffer.from(bytes)));
});
