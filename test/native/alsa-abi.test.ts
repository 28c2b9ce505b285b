// The ALSA declarations the addon carries (it dlopens libasound and needs no -dev package) match
// the real headers: compiled against <alsa/asoundlib.h> with static_asserts, then run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

test('alsa_api.h constants and format values equal those of <alsa/asoundlib.h>', (t) => {
  if (!needTools(t, 'g++')) return;
  if (!existsSync('/usr/include/alsa/asoundlib.h')) {
    if (process.env.AURIS_REQUIRE_TOOLS === '1') throw new Error('needs libasound2-dev (install: see .ci/run)');
    t.skip('needs libasound2-dev');
    return;
  }
  const exe = path.join(tempDir(), 'abi-check');
  run('g++', ['-std=c++17', '-O0', '-I', path.join(root, 'native/src'), '-o', exe,
    path.join(root, 'test/native/alsa-abi-check.cc'), path.join(root, 'native/src/alsa/alsa_api.cc'), '-lasound', '-ldl']);
  assert.equal(run(exe, []).toString().trim(), 'abi ok');
});
