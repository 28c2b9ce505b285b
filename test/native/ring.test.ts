// The ring between JS and the device thread: write never waits, a full ring accepts 0 frames,
// and what was accepted reaches the device exactly once and in order.
import { lcgInts, needAlsa, readCapture } from '../helpers/alsa.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcmFormat } from '../../src/audio/format.ts';
import { packInt } from '../../src/audio/pack.ts';
import { AlsaOutputPlugin } from '../../src/outputs/plugins/alsa/index.ts';
import { NativeOutput } from '../../src/outputs/native-output.ts';
import { writeAll } from '../../src/outputs/pump.ts';

test('a full ring accepts 0 frames and the accepted frames all reach the device', async (t) => {
  if (!needAlsa(t)) return;
  const format = pcmFormat(48000, 2, 16);
  const out = await new AlsaOutputPlugin('captest').open(format, 'exclusive', { bufferMs: 20, periodMs: 5, ringMs: 50 });
  assert.ok(out instanceof NativeOutput);
  out.pause(); // the device thread stops taking from the ring
  const bytes = packInt(lcgInts(48000 * 2, 16, 7), 16, 'S16_LE');
  let offset = 0;
  const accepted: number[] = [];
  for (let i = 0; i < 100; i++) {
    const frames = out.write(bytes.subarray(offset));
    accepted.push(frames);
    offset += frames * out.frameBytes;
    if (frames === 0) break;
  }
  assert.equal(accepted.at(-1), 0, 'a full ring must return 0 frames accepted');
  assert.ok(offset > 0 && offset < bytes.length, `accepted ${offset} bytes before the ring filled`);
  // The ring holds at least twice the device buffer and exactly what it accepted.
  assert.ok(out.delay() >= offset / out.frameBytes);
  assert.equal(out.write(bytes.subarray(offset)), 0, 'still full while paused');
  out.resume();
  await writeAll(out, bytes.subarray(offset));
  await out.drain();
  await out.close();
  assert.ok(readCapture(48000, 2, 'S16_LE').equals(Buffer.from(bytes)));
});

test('write after close is E_STATE and close is idempotent', async (t) => {
  if (!needAlsa(t)) return;
  const out = await new AlsaOutputPlugin('captest').open(pcmFormat(44100, 2, 16), 'exclusive', { bufferMs: 20 });
  await out.close();
  await out.close();
  assert.throws(() => out.write(new Uint8Array(4)), { code: 'E_STATE' });
});
