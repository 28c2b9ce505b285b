// Restarts on the device without a sound card (the fakedac test plugin, paced at real time): a
// volume change that needs a new stream format, and a seek. The device's own log and the bytes it
// played prove that nothing is heard twice and nothing is skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { captureDir, needFakeDac } from '../helpers/alsa.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { noise } from '../helpers/signals.ts';
import { packInt, packMd5Layout } from '../../src/audio/pack.ts';
import { testCore, until } from '../helpers/core.ts';

const dir = tempDir('auris-restart-');
const RATE = 44100;

function flacFile(name: string, samples: Int32Array, bits: number): string {
  const raw = path.join(dir, `${name}.raw`);
  writeFileSync(raw, packMd5Layout(samples, bits));
  const out = path.join(dir, `${name}.flac`);
  run('flac', ['-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', `--bps=${bits}`, `--sample-rate=${RATE}`, '-o', out, raw]);
  return out;
}

/** The fakedac's log lines for `device` written since `from` characters. */
function deviceLog(device: string, from: number): string {
  return readFileSync(path.join(captureDir, `${device}.raw.log`), { encoding: 'utf8', flag: 'a+' }).slice(from);
}

test('a volume change into software volume reopens the device and goes on at the first frame not played', async (t) => {
  if (!needTools(t, 'flac') || !needFakeDac(t)) return;
  const frames = Math.round(RATE * 1.6);
  const samples = noise(frames, 2, 16, 61);
  const file = flacFile('volume16', samples, 16);
  const logFrom = deviceLog('dac32', 0).length;
  const playedFrom = readFileSync(path.join(captureDir, 'dac32.raw.played'), { flag: 'a+' }).length;
  // dac32 takes S16_LE and S32_LE: 16-bit plays as S16_LE; software volume needs S32_LE.
  const { core, events } = await testCore({ output: 'alsa:dac32', bufferMs: 400 });
  try {
    await core.queue.add([file]);
    await core.player.play();
    await until(() => core.player.state().positionMs >= 600, 10_000, 'position 0.6 s');
    await core.volume.set(-6);
    await until(() => events.some((e) => e.type === 'queue-end' || e.type === 'error'), 15_000, 'the end of the queue');
  } finally {
    await core.close();
  }
  assert.deepEqual(events.filter((e) => e.type === 'error' || e.type === 'track-error'), []);
  const opens = events.filter((e) => e.type === 'output-open').map((e) => e.type === 'output-open' && e.output.container);
  assert.deepEqual(opens, ['S16_LE', 'S32_LE'], 'reopened in the deeper format for software volume');
  const log = deviceLog('dac32', logFrom);
  // Streams that received audio (a capability probe opens and closes the device without any).
  const closes = [...log.matchAll(/close played=(\d+) received=(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const).filter(([, received]) => received > 0);
  assert.equal(closes.length, 2, `two streams:\n${log}`);
  const [[heardFirst], [heardSecond, receivedSecond]] = closes as [readonly [number, number], readonly [number, number]];
  assert.equal(heardSecond, receivedSecond, 'the second stream played out to its end');
  // The second stream starts where the first stopped being heard: together exactly the track.
  assert.equal(heardFirst + heardSecond, frames, `heard ${heardFirst} + ${heardSecond} frames of ${frames}: ${heardFirst + heardSecond - frames} repeated`);
  const played = readFileSync(path.join(captureDir, 'dac32.raw.played')).subarray(playedFrom);
  assert.ok(Buffer.from(packInt(samples.subarray(0, heardFirst * 2), 16, 'S16_LE')).equals(played.subarray(0, heardFirst * 4)), 'the first stream played the source from its start');
});
