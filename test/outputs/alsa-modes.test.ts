// Shared mode is reported as not bit-perfect; a converting plug never passes for exclusive;
// without a usable libasound the ALSA backend says why and the other outputs still work.
import { lcgInts, needAlsa, readCapture, repoRoot } from '../helpers/alsa.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pcmFormat } from '../../src/audio/format.ts';
import { packInt } from '../../src/audio/pack.ts';
import { wavHeader, wavHeaderSize } from '../../src/audio/wav.ts';
import { AlsaOutputPlugin } from '../../src/outputs/plugins/alsa/index.ts';
import { pcmContainerOf } from '../../src/outputs/interface.ts';
import { writeAll } from '../../src/outputs/pump.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { tempDir } from '../helpers/tmp.ts';

test('shared mode plays but reports the output stage as not bit-perfect', async (t) => {
  if (!needAlsa(t)) return;
  const format = pcmFormat(44100, 2, 24);
  const out = await new AlsaOutputPlugin('captest').open(format, 'shared', { bufferMs: 40 });
  assert.equal(out.bitPerfect, false);
  assert.equal(out.stage.changesSamples, true);
  assert.equal(out.stage.chosenByUser, false);
  assert.match(out.stage.detail, /not bit-perfect/);
  const bytes = packInt(lcgInts(4410 * 2, 24, 31), 24, pcmContainerOf(out));
  await writeAll(out, bytes);
  await out.drain();
  await out.close();
  assert.ok(readCapture(44100, 2, out.container).equals(Buffer.from(bytes)));
});

test('exclusive mode never lets a converting plug through: 24-bit is refused by a 16-bit plug', async (t) => {
  if (!needAlsa(t)) return;
  await assert.rejects(new AlsaOutputPlugin('capplug').open(pcmFormat(44100, 2, 24), 'exclusive'), (e: unknown) => {
    assert.ok(isAurisError(e, 'E_FORMAT_REFUSED'));
    assert.match(e.message, /accepts S16_LE at 44100 Hz/);
    return true;
  });
  // A format the plug passes unconverted still opens, but a plug is never reported bit-perfect.
  const out = await new AlsaOutputPlugin('capplug').open(pcmFormat(44100, 2, 16), 'exclusive', { bufferMs: 40 });
  assert.equal(out.bitPerfect, false);
  await out.close();
});

test('an unknown PCM is E_NOT_FOUND', async (t) => {
  if (!needAlsa(t)) return;
  await assert.rejects(new AlsaOutputPlugin('no_such_pcm').open(pcmFormat(44100, 2, 16), 'exclusive'), { code: 'E_NOT_FOUND' });
});

test('without a usable libasound, ALSA reports why and the file output still plays', { timeout: 60_000 }, (t) => {
  if (!needAlsa(t)) return;
  // A libasound.so.2 that is not ALSA (libdl's stub) first on the library path.
  const fake = tempDir();
  copyFileSync('/lib/x86_64-linux-gnu/libdl.so.2', path.join(fake, 'libasound.so.2'));
  const env = { ...process.env, LD_LIBRARY_PATH: fake };
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), ...args], { env, encoding: 'utf8' });
  const devices = cli(['devices', '--json']);
  assert.equal(devices.status, 0, devices.stderr);
  const listing = JSON.parse(devices.stdout) as { outputs: { name: string }[]; unavailable: { kind: string; reason: string }[] };
  assert.match(listing.unavailable.find((u) => u.kind === 'alsa')?.reason ?? '', /libasound\.so\.2 lacks snd_/);
  assert.ok(listing.outputs.some((o) => o.name === 'null'));
  assert.ok(!listing.outputs.some((o) => o.name.startsWith('alsa:')));
  const format = pcmFormat(48000, 2, 16);
  const data = packInt(lcgInts(4800 * 2, 16, 32), 16, 'S16_LE');
  const input = path.join(fake, 'in.wav');
  writeFileSync(input, Buffer.concat([wavHeader(format, data.length), data]));
  const wav = path.join(fake, 'out.wav');
  const played = cli(['play', input, '--output', `file:${wav}`, '--json']);
  assert.equal(played.status, 0, played.stderr);
  assert.ok(readFileSync(wav).subarray(wavHeaderSize(format)).equals(Buffer.from(data)));
});

test('the probe tells a plug PCM from one that keeps samples, and the doctor does not call the plug bit-perfect', async (t) => {
  if (!needAlsa(t)) return;
  const { diagnose } = await import('../../src/core/doctor.ts');
  const listing = async (pcm: string) => {
    const caps = await new AlsaOutputPlugin(pcm).capabilities();
    return { name: caps.name, description: pcm, modes: caps.modes, isDefault: false, capabilities: caps, error: null };
  };
  const plug = await listing('capplug');
  const file = await listing('captest');
  assert.equal(plug.capabilities.keepsSamples, false, 'capplug is an ALSA plug');
  assert.equal(file.capabilities.keepsSamples, true, 'captest writes what it gets');
  const findings = diagnose({ platform: 'linux', outputs: [plug, file], unavailable: [], soundServers: [], pipewireAllowedRates: null, sndAccess: true });
  const about = (name: string) => findings.filter((f) => f.title.startsWith(name)).map((f) => `${f.level}:${f.id}`);
  assert.deepEqual(about('alsa:capplug'), ['warning:device-converts']);
  assert.ok(about('alsa:captest').includes('ok:device-ok'));
  assert.match(findings.find((f) => f.id === 'device-converts')!.fix, /hw: device/);
});
