// Debian's mpc drives Auris through a script (play, pause, seek, volume, add, search, list,
// playlists, stickers, idle, errors) and must print what it prints against Debian's real MPD 0.23
// on the same library. The expected answers (mpc-expected.json) were recorded from the real mpd;
// where mpd is installed the test runs the script against it too, so the record stays true.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { hasTool, needTools, toolsRequired } from '../helpers/tools.ts';
import { TREE_TOOLS, makeTree, startStack } from './harness.ts';
import { runMpcScript } from './mpc-script.ts';
import { startRealMpd } from './real-mpd.ts';

const expected = JSON.parse(readFileSync(new URL('./mpc-expected.json', import.meta.url), 'utf8')) as { step: string; out: string }[];
const exec = promisify(execFile);

test('mpc script: Auris answers as Debian\'s MPD 0.23 does', async (t) => {
  if (!needTools(t, 'mpc', ...TREE_TOOLS)) return;
  const tree = makeTree();
  const auris = await startStack(tree);
  try {
    const got = await runMpcScript(auris.port);
    assert.deepEqual(got, expected);
  } finally {
    await auris.close();
  }
  if (hasTool('mpd')) {
    const real = await startRealMpd(tree.root);
    try {
      assert.deepEqual(await runMpcScript(real.port), expected, 'the recorded answers are still what the real mpd prints');
    } finally {
      await real.close();
    }
  } else if (toolsRequired) {
    throw new Error('AURIS_REQUIRE_TOOLS=1 and mpd is missing');
  } else t.diagnostic('mpd is not installed: the real-MPD half of the comparison is skipped');
});

test('mpc outputs: the core\'s outputs, one selected, enable selects another, the selected one cannot be disabled', async (t) => {
  if (!needTools(t, 'mpc', ...TREE_TOOLS)) return;
  const auris = await startStack(makeTree());
  const mpc = async (...args: string[]): Promise<{ code: number; out: string }> => {
    try {
      const r = await exec('mpc', ['-p', String(auris.port), ...args]);
      return { code: 0, out: r.stdout };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, out: err.stdout + err.stderr };
    }
  };
  try {
    const listed = await auris.core.outputs.list();
    // mpc prints each output and then its attributes, one per line after a tab, the value quoted.
    const shown = (await mpc('outputs')).out;
    const expectedText = listed.map((o, i) => `Output ${i + 1} (${o.name}) is ${o.selected ? 'enabled' : 'disabled'}\n\tmode="${o.selected ? auris.core.settings.get().output.mode : o.modes.includes('shared') ? 'shared' : 'exclusive'}"\n`).join('');
    assert.equal(shown, expectedText);
    const unpaced = listed.findIndex((o) => o.name === 'null:unpaced') + 1;
    assert.ok(unpaced > 0);
    assert.equal((await mpc('enable', String(unpaced))).code, 0);
    assert.equal(auris.core.settings.get().output.name, 'null:unpaced');
    const refused = await mpc('disable', String(unpaced));
    assert.equal(refused.code, 1);
    assert.match(refused.out, /Auris plays to one output at a time/);
    const modes = listed[unpaced - 1]!.modes;
    assert.equal((await mpc('outputset', String(unpaced), `mode=${modes[0]}`)).code, 0);
    assert.equal(auris.core.settings.get().output.mode, modes[0]);
    const missing = (['exclusive', 'shared'] as const).find((m) => !modes.includes(m));
    if (missing) assert.match((await mpc('outputset', String(unpaced), `mode=${missing}`)).out, new RegExp(`null:unpaced has no ${missing} mode`));
  } finally {
    await auris.close();
  }
});
