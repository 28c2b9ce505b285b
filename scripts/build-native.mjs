#!/usr/bin/env node
// Builds the native addon (native/) with node-gyp; run by `npm install` (scripts.install).
// Uses the Node headers installed next to this node binary when they exist, so no download is
// needed. A failed build does not fail the install: Auris then runs without device outputs
// (file and null outputs still work) and says why; tests that need the addon fail in CI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const gyp = process.env.npm_config_node_gyp;
const cmd = gyp && existsSync(gyp) ? [process.execPath, gyp] : ['node-gyp'];
const args = ['rebuild', '--directory', path.join(root, 'native')];
const localHeaders = path.resolve(path.dirname(process.execPath), '..');
if (existsSync(path.join(localHeaders, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${localHeaders}`);
if (process.env.AURIS_NATIVE_DEBUG === '1') args.push('--debug');

const r = spawnSync(cmd[0], [...cmd.slice(1), ...args], { stdio: 'inherit', cwd: root });
if (r.status !== 0) {
  console.warn(`auris: building the native audio addon failed (exit ${r.status ?? r.signal}); ALSA/WASAPI outputs are unavailable until it builds.`);
  if (process.env.AURIS_REQUIRE_NATIVE === '1') process.exit(1);
}
