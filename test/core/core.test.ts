// The core API end to end, in-process: a real engine on real outputs (file capture, paced null),
// real WAV files; the queue and player commands, modes, seek, live volume, typed errors, change
// flags and settings that survive a restart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chunk, intBytesLE, riffWave, wavFmt } from '../helpers/containers.ts';
import { isEnd, nextEvent, ofType, testCore, until } from '../helpers/core.ts';
import { noise } from '../helpers/signals.ts';
import { tempDir } from '../helpers/tmp.ts';
import { startCore } from '../../src/core/index.ts';
import type { CoreEvent } from '../../src/protocol/events.ts';
import { wavHeaderSize } from '../../src/audio/wav.ts';
import { pcmFormat } from '../../src/audio/format.ts';
import { packInt } from '../../src/audio/pack.ts';
import { isAurisError } from '../../src/util/errors.ts';

const dir = tempDir('auris-core-api-');
const RATE = 44100;

/** A 16-bit stereo WAV of `seconds` of noise; returns its path and samples. */
function wav(name: string, seconds: number, seed: number, bits: 16 | 24 = 16): { file: string; samples: Int32Array } {
  const samples = noise(Math.round(RATE * seconds), 2, bits, seed);
  const file = path.join(dir, `${name}.wav`);
  writeFileSync(file, riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 2, rate: RATE, containerBits: bits })), chunk('data', intBytesLE(samples, bits / 8))]));
  return { file, samples };
}

const short = [wav('a', 0.3, 1), wav('b', 0.2, 2), wav('c', 0.25, 3)];
const long = [wav('long1', 6, 4), wav('long2', 6, 5)];
const long24 = wav('long24', 6, 6, 24);

async function rejects(p: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    assert.ok(isAurisError(e), `an AurisError, not ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return { ...e.details };
  }
  assert.fail(`expected ${code}`);
}

const starts = (events: CoreEvent[]) => ofType(events, 'track-start').map((e) => path.basename(e.path, '.wav'));

test('play(id) starts that entry and the queue plays on gaplessly from it; the capture is exact', async () => {
  const out = path.join(dir, 'from-b.wav');
  const { core, events } = await testCore({ output: `file:${out}` });
  try {
    const ids = await core.queue.add(short.map((s) => s.file));
    const ended = nextEvent(core, events, isEnd);
    await core.player.play(ids[1]);
    await ended;
    assert.deepEqual(starts(events), ['b', 'c']);
    const data = readFileSync(out).subarray(wavHeaderSize(pcmFormat(RATE, 2, 16)));
    assert.ok(Buffer.concat([packInt(short[1]!.samples, 16, 'S16_LE'), packInt(short[2]!.samples, 16, 'S16_LE')]).equals(data));
    assert.equal(ofType(events, 'track-end').every((e) => e.completed && e.proof.verified), true);
    assert.equal(core.player.state().status, 'stopped');
  } finally {
    await core.close();
  }
});

test('modes: repeat wraps to the first entry, single stops after one, consume removes what was played', async () => {
  {
    const { core, events } = await testCore({ output: 'null:unpaced' });
    try {
      const ids = await core.queue.add(short.slice(0, 2).map((s) => s.file));
      await core.queue.setModes({ repeat: true });
      await core.player.play(ids[0]);
      await until(() => starts(events).length >= 4, 10_000, 'four track starts');
      assert.deepEqual(starts(events).slice(0, 4), ['a', 'b', 'a', 'b'], 'repeat goes round');
      await core.player.stop();
    } finally {
      await core.close();
    }
  }
  {
    const { core, events } = await testCore({ output: 'null:unpaced' });
    try {
      const ids = await core.queue.add(short.map((s) => s.file));
      await core.queue.setModes({ single: 'on' });
      const ended = nextEvent(core, events, isEnd);
      await core.player.play(ids[1]);
      await ended;
      assert.deepEqual(starts(events), ['b'], 'single stops after the track');
    } finally {
      await core.close();
    }
  }
  {
    const { core, events } = await testCore({ output: 'null:unpaced' });
    try {
      await core.queue.add(short.map((s) => s.file));
      await core.queue.setModes({ consume: true });
      const ended = nextEvent(core, events, isEnd);
      await core.player.play();
      await ended;
      assert.deepEqual(starts(events), ['a', 'b', 'c']);
      assert.equal(core.queue.snapshot().items.length, 0, 'consume removed every played entry');
    } finally {
      await core.close();
    }
  }
});

test('seek by time, by frame and relative; previous restarts after 3 s and goes back before; next moves on', async () => {
  const { core, events } = await testCore({ output: 'null', bufferMs: 100 });
  try {
    const [first, second] = await core.queue.add(long.map((s) => s.file));
    await core.player.play(second);
    await until(() => core.player.state().positionMs > 50, 5000, 'playback to start');
    await core.player.seek({ ms: 4000 });
    await until(() => core.player.state().positionMs >= 4000, 5000, 'the seek to 4 s');
    assert.ok(core.player.state().positionMs < 4600, `position ${core.player.state().positionMs} after a seek to 4 s`);
    await core.player.seek({ relativeMs: -2000 });
    await until(() => core.player.state().positionMs < 3000, 5000, 'the relative seek back');
    assert.ok(core.player.state().positionMs >= 2000, `position ${core.player.state().positionMs} after -2 s from 4 s`);
    await core.player.seek({ frame: RATE * 4 });
    await until(() => core.player.state().positionFrames >= RATE * 4, 5000, 'the frame seek');
    await core.player.previous();
    await until(() => core.player.state().positionMs < 1000, 5000, 'the restart');
    assert.equal(core.player.state().currentId, second, 'after 3 s, previous restarts the same track');
    await core.player.previous();
    await until(() => core.player.state().currentId === first, 5000, 'the track before');
    await core.player.next();
    await until(() => core.player.state().currentId === second, 5000, 'next');
    await core.player.next();
    await until(() => core.player.state().status === 'stopped', 5000, 'next at the end stops');
    assert.equal(core.player.state().currentId, second, 'the last entry stays current after the stop');
    await rejects(core.player.seek({ relativeMs: 1000 }), 'E_STATE');
    assert.equal(ofType(events, 'error').length, 0);
  } finally {
    await core.close();
  }
});

test('live volume: a change while playing goes through a new chain on the same open output, and the path says so', async () => {
  // 24-bit: software volume keeps the stream's format, so nothing needs reopening. (A 16-bit
  // stream widens to 24 bits at the first change from 0 dB, which reopens the device once.)
  const { core, events } = await testCore({ output: 'null', bufferMs: 100 });
  try {
    await core.queue.add([long24.file]);
    await core.player.play();
    await until(() => core.player.state().positionMs > 200, 5000, 'playback');
    const watcher = core.watchChanges();
    await core.volume.set(-6);
    assert.deepEqual(await watcher.wait(['mixer']), ['mixer']);
    watcher.close();
    await until(() => core.player.state().signalPath?.verdict === 'enhanced', 3000, 'the enhanced path');
    assert.ok(core.player.state().signalPath!.reasons.some((r) => /volume/i.test(r)));
    assert.equal(core.volume.get(), -6);
    assert.equal(ofType(events, 'output-open').length, 1, 'the output was not reopened');
    await core.player.stop();
    const cut = ofType(events, 'track-end');
    assert.equal(cut.length, 1);
    assert.equal(cut[0]!.completed, false);
  } finally {
    await core.close();
  }
});

test('typed errors keep their details: unknown ids, an empty queue, a bad setting, a refused format', async () => {
  const { core, events } = await testCore({ output: 'alsa:dac32', missingRate: 'skip' });
  try {
    assert.deepEqual(await rejects(core.player.play(42), 'E_NOT_FOUND'), { id: 42 });
    await rejects(core.player.play(), 'E_STATE');
    assert.deepEqual(await rejects(core.queue.add([path.join(dir, 'nope.flac')]), 'E_NOT_FOUND'), { path: path.join(dir, 'nope.flac') });
    const bad = await rejects(core.settings.update({ output: { bufferMs: 5 } }), 'E_INVALID_ARGUMENT');
    assert.equal(bad.key, 'output.bufferMs');
    await rejects(core.settings.update({ volumeDb: 3 } as never), 'E_INVALID_ARGUMENT');
    assert.equal(core.settings.get().volumeDb, 0, 'a refused change changes nothing');
  } finally {
    await core.close();
  }
  assert.deepEqual(ofType(events, 'error'), []);
});

test('change flags are coalesced per watcher; a wait can be aborted (noidle)', async () => {
  const { core } = await testCore({ output: 'null:unpaced' });
  try {
    const w = core.watchChanges();
    const ids = await core.queue.add(short.map((s) => s.file));
    core.queue.move(ids[0]!, 2);
    await core.queue.setModes({ random: true });
    const got = await w.wait();
    assert.deepEqual(got.sort(), ['options', 'queue', 'settings'], 'two queue edits give one flag');
    const ac = new AbortController();
    const waiting = w.wait(['database'], ac.signal);
    ac.abort();
    assert.deepEqual(await waiting, []);
    const v = core.queue.snapshot().version;
    core.queue.remove([ids[1]!]);
    assert.deepEqual(await w.wait(['queue']), ['queue']);
    assert.equal(core.queue.changesSince(v).length, 2);
    w.close();
  } finally {
    await core.close();
  }
});

test('settings survive a restart; a corrupt file is reported with key and line, kept, and moved aside only when a change is saved', async () => {
  const data = tempDir('auris-settings-');
  const file = path.join(data, 'settings.json');
  {
    const core = await startCore({ dataDir: data, engine: 'in-process' });
    await core.outputs.select('null', 'exclusive');
    await core.volume.set(-12.5);
    await core.queue.setModes({ repeat: true, single: 'oneshot' });
    await core.settings.update({ output: { bufferMs: 250 } });
    await core.close();
  }
  {
    const core = await startCore({ dataDir: data, engine: 'in-process' });
    const s = core.settings.get();
    assert.deepEqual([s.output.name, s.output.mode, s.output.bufferMs, s.volumeDb, s.modes.repeat, s.modes.single], ['null', 'exclusive', 250, -12.5, true, 'oneshot']);
    assert.equal(core.queue.modes().repeat, true, 'the modes apply to the queue at start');
    assert.equal(core.settingsProblem, null);
    await core.close();
  }
  const damaged = '{\n  "output": {\n    "name": "null",\n    "mode": "loud"\n  }\n}\n';
  writeFileSync(file, damaged);
  {
    const core = await startCore({ dataDir: data, engine: 'in-process' });
    assert.match(core.settingsProblem!.message, /settings\.json:4: setting "output\.mode"/);
    assert.equal(core.settings.get().output.mode, 'shared', 'the defaults, not part of the bad file');
    assert.equal(readFileSync(file, 'utf8'), damaged, 'the file is kept as it was');
    const events: CoreEvent[] = [];
    core.on((e) => events.push(e));
    await core.volume.set(-3);
    const kept = readdirSync(data).find((n) => n.startsWith('settings.json.damaged-'));
    assert.ok(kept, 'the damaged file was moved aside before the first save');
    assert.equal(readFileSync(path.join(data, kept), 'utf8'), damaged);
    assert.match(ofType(events, 'warning')[0]!.message, /damaged settings file was kept as/);
    await core.close();
  }
  writeFileSync(file, '{ "volumeDb": -1, }');
  const core = await startCore({ dataDir: data, engine: 'in-process' });
  assert.match(core.settingsProblem!.message, /settings\.json:1: the settings are not valid JSON/);
  await core.close();
  assert.ok(existsSync(file));
});

test('next in the last seconds of a track whose successor has another format plays that successor; previous then goes back (issue 16 item 1)', async () => {
  const first = wav('fmt-44k', 2, 8);
  const other = path.join(dir, 'fmt-48k.wav');
  const samples48 = noise(48000, 2, 24, 9);
  writeFileSync(other, riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 2, rate: 48000, containerBits: 24 })), chunk('data', intBytesLE(samples48, 3))]));
  const { core, events } = await testCore({ output: 'null', bufferMs: 200 });
  try {
    const [a, b] = await core.queue.add([first.file, other]);
    await core.player.play(a);
    // By 1.2 s the whole of the 2 s track has been decoded: the engine is playing out its end.
    await until(() => core.player.state().positionMs >= 1200, 5000, 'the last second of the first track');
    await core.player.next();
    await until(() => core.player.state().currentId === b && core.player.state().status === 'playing', 3000, 'the second track playing');
    await until(() => ofType(events, 'output-open').some((o) => o.output.format.rate === 48000), 3000, 'the output reopened at 48 kHz');
    await core.player.previous();
    await until(() => core.player.state().currentId === a, 3000, 'previous to go back to the first track');
    await core.player.next();
    const ended = nextEvent(core, events, isEnd, events.length);
    await ended;
    const ends = ofType(events, 'track-end');
    assert.ok(ends.some((e) => e.id === b && e.completed && e.proof.verified), 'the second track played to its end, verified');
    assert.deepEqual(ofType(events, 'error'), []);
  } finally {
    await core.close();
  }
});

test('an EQ preset rewritten in place (the web app saving its editor) reaches the track that plays, on the same stream', async () => {
  const preset = path.join(dir, 'live-eq.json');
  writeFileSync(preset, JSON.stringify({ bands: [{ type: 'peaking', freq: 1000, gainDb: 3, q: 1 }] }));
  const { core, events } = await testCore({ output: 'null', bufferMs: 100, eqPreset: preset });
  try {
    await core.queue.add([long24.file]);
    await core.player.play();
    const eqDetail = () => core.player.state().signalPath?.stages.find((s) => /band/.test(s.detail))?.detail ?? '';
    await until(() => /preamp -3\.00 dB \(auto\)/.test(eqDetail()), 5000, 'the first EQ in the path');
    writeFileSync(preset, JSON.stringify({ bands: [{ type: 'peaking', freq: 2000, gainDb: 6, q: 1 }] }));
    await core.settings.update({ dsp: { eqPreset: preset } });
    await until(() => /preamp -6\.00 dB \(auto\)/.test(eqDetail()), 5000, 'the rewritten EQ in the path');
    assert.equal(ofType(events, 'output-open').length, 1, 'the stream was not reopened');
    await core.player.stop();
  } finally {
    await core.close();
  }
});
