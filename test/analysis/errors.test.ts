// What `auris dr`, `loudness` and `analyze` print for a file they cannot read (issue 17, small
// ones): the path once, the error and its code, exit code 1, and no album line measured from
// nothing. A FLAC file cut short.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('dr, loudness and analyze name a damaged file once in their error line, and measure no album from nothing', (t) => {
  if (!needTools(t, 'flac', 'sox')) return;
  const dir = tempDir();
  const wav = path.join(dir, 'a.wav');
  run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', wav, 'synth', '2', 'sine', '440']);
  const flac = path.join(dir, 'a.flac');
  run('flac', ['-s', '-f', '-o', flac, wav]);
  const cut = path.join(dir, 'cut.flac');
  writeFileSync(cut, readFileSync(flac).subarray(0, 2000));
  for (const command of ['dr', 'loudness', 'analyze']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), command, cut], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 1, `${command}: ${r.stderr}`);
    const line = r.stderr.split('\n').find((l) => l.startsWith('auris: '));
    assert.ok(line, `${command}: an error line in ${r.stderr}`);
    assert.equal(line.split(cut).length - 1, 1, `${command}: the path once in "${line}"`);
    assert.match(line, /\[E_[A-Z_]+\]$/);
    // Nothing was measured: no album line pretending to a -inf LUFS measurement.
    assert.doesNotMatch(r.stdout, /-inf/, `${command}: ${r.stdout}`);
  }
});
