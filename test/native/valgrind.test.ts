// The addon under valgrind memcheck: a tiny scenario touching every entry point (enumerate,
// probe, hardware volume, refusals, play, xrun, device loss, close) must run with no memory error.
// Node itself is clean under memcheck here, so no suppressions are needed; slow (~10 s of CPU).
import { needFakeMixer, repoRoot } from '../helpers/alsa.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { addonCandidates } from '../../native/index.ts';
import { needTools } from '../helpers/tools.ts';

test('the addon runs under valgrind memcheck with no errors', { timeout: 300_000 }, (t) => {
  if (!needTools(t, 'valgrind') || !needFakeMixer(t)) return;
  const addon = addonCandidates().find((f) => f.endsWith(path.join('Release', 'auris_native.node')))!;
  const r = spawnSync('valgrind', [
    '--tool=memcheck', '--error-exitcode=97', '--vgdb=no', '--track-origins=no', '--leak-check=no',
    process.execPath, path.join(repoRoot, 'test/native/valgrind-scenario.mjs'),
  ], { env: { ...process.env, AURIS_NATIVE_ADDON: addon }, encoding: 'utf8', timeout: 280_000 });
  assert.notEqual(r.status, 97, `valgrind found memory errors:\n${r.stderr.slice(-6000)}`);
  assert.equal(r.status, 0, `scenario failed: ${r.stdout}\n${r.stderr.slice(-3000)}`);
  assert.match(r.stdout, /scenario ok/);
  assert.match(r.stderr, /ERROR SUMMARY: 0 errors/);
});
