import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { diagnose, type SystemFacts } from '../../src/core/doctor.ts';
import type { OutputListing } from '../../src/outputs/registry.ts';

const dac: OutputListing = {
  name: 'alsa:hw:CARD=DAC,DEV=0', description: 'USB DAC', modes: ['exclusive', 'shared'], isDefault: false,
  capabilities: { name: 'alsa:hw:CARD=DAC,DEV=0', modes: ['exclusive', 'shared'], formats: [{ container: 'S32_LE', rates: [44100, 96000], channelsMin: 2, channelsMax: 2 }], rateRange: [44100, 96000], hardwareVolume: false },
  error: null,
};
const mixer: OutputListing = { name: 'alsa:default', description: 'PipeWire', modes: ['shared'], isDefault: true, capabilities: null, error: null };
const base: SystemFacts = { platform: 'linux', outputs: [dac, mixer], unavailable: [], soundServers: [], pipewireAllowedRates: null, sndAccess: true };
const ids = (f: SystemFacts) => diagnose(f).map((x) => `${x.level}:${x.id}`);

test('a free DAC without hardware volume: ok, with the volume advice; default is a mixer', () => {
  assert.deepEqual(ids(base), ['warning:no-hardware-volume', 'warning:default-is-mixer', 'ok:device-ok']);
  const mix = diagnose(base).find((x) => x.id === 'default-is-mixer')!;
  assert.match(mix.fix, /--output alsa:hw:CARD=DAC,DEV=0 --exclusive/);
});

test('a DAC held by PipeWire is a problem that says who to ask; the running server is named', () => {
  const busy = { ...dac, capabilities: null, error: { code: 'E_DEVICE_BUSY', message: 'alsa:hw:CARD=DAC,DEV=0 is busy: held by pipewire (pid 42)' } };
  const f = diagnose({ ...base, outputs: [busy, mixer], soundServers: ['pipewire', 'wireplumber'], pipewireAllowedRates: [48000] });
  assert.equal(f[0]!.id, 'device-busy');
  assert.match(f[0]!.detail, /pipewire \(pid 42\)/);
  assert.ok(f.some((x) => x.id === 'sound-server' && /pipewire/.test(x.title) && /set-card-profile/.test(x.fix)));
  assert.ok(f.some((x) => x.id === 'rate-locked' && /48000/.test(x.detail)));
});

test('no ALSA library, no device, no permission: each is a problem with a fix', () => {
  assert.deepEqual(ids({ ...base, outputs: [], unavailable: [{ kind: 'alsa', reason: 'libasound.so.2 not found' }] }), ['problem:alsa-unavailable']);
  assert.deepEqual(ids({ ...base, outputs: [] }), ['problem:no-device']);
  assert.ok(ids({ ...base, sndAccess: false }).includes('problem:snd-permission'));
  assert.deepEqual(ids({ ...base, outputs: [mixer] }), ['problem:no-exclusive-device', 'warning:default-is-mixer']);
});

test('no sound card at all: ALSA still lists `default`, which cannot be opened; that is no device, not "only system mixers"', () => {
  const missingDefault: OutputListing = { ...mixer, error: { code: 'E_NOT_FOUND', message: 'ALSA cannot open "default": No such file or directory' } };
  // As on Linux: the addon has no WASAPI backend, which is no reason to stay silent.
  const f = diagnose({ ...base, outputs: [missingDefault], sndAccess: null, unavailable: [{ kind: 'wasapi', reason: 'this build of the addon has no wasapi backend' }] });
  assert.deepEqual(f.map((x) => `${x.level}:${x.id}`), ['problem:no-device']);
  assert.doesNotMatch(f.map((x) => x.detail).join(' '), /system mixers/);
});

test('a device whose chain may convert (an ALSA plug) is a warning, never "can play bit-perfect"', () => {
  const plug: OutputListing = { ...dac, name: 'alsa:plugdac', capabilities: { ...dac.capabilities!, name: 'alsa:plugdac', keepsSamples: false } };
  const f = diagnose({ ...base, outputs: [plug] });
  assert.deepEqual(f.map((x) => `${x.level}:${x.id}`), ['warning:device-converts']);
  assert.match(f[0]!.detail, /not bit-perfect/);
});

test('auris doctor --json runs on this machine and prints findings', () => {
  const repo = path.resolve(import.meta.dirname, '..', '..');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'doctor', '--json'], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { findings: { level: string; id: string; fix: string }[] };
  assert.ok(Array.isArray(out.findings));
  for (const f of out.findings) {
    assert.ok(['ok', 'warning', 'problem'].includes(f.level));
    if (f.level !== 'ok') assert.ok(f.fix.length > 0, `${f.id} has a fix`);
  }
});
