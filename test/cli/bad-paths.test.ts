// Nothing hangs or crashes on a bad path (issue 18): a FIFO named like audio, a folder the user
// cannot read (EACCES), a path longer than PATH_MAX, a path that does not exist in the middle of a
// batch, a symlinked file, a name with a newline, and a reader that closes stdout early. Each bad
// path is reported and skipped, the rest is processed, and the exit code says something was skipped.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { decodeToFile } from '../../src/cli/commands/decode.ts';
import { fileInfo } from '../../src/cli/commands/info.ts';
import { printable } from '../../src/cli/paths.ts';
import { resultLine } from '../../src/cli/commands/verify.ts';
import { openFile } from '../../src/decoders/registry.ts';
import { loadEqPreset } from '../../src/dsp/presets/load.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { writeWav } from '../analysis/files.ts';
import { lcgInts } from '../helpers/alsa.ts';
import { needTools } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';

const root = path.resolve(import.meta.dirname, '../..');
const HANG_GUARD_MS = 60_000;

/** A short 16-bit stereo WAV. */
function wav(file: string, seed: number, seconds = 0.3): void {
  writeWav(file, 44100, 2, 16, lcgInts(Math.round(44100 * seconds) * 2, 16, seed));
}

/**
 * The user the CLI runs as in these tests. As root, permission bits do not stop a read, so the run
 * drops to `nobody` (uid/gid 65534) with setpriv; the test folder is made world-readable for it.
 * Not root: the run is the test's own user.
 */
function asUser(t: TestContext): string[] | null {
  if (process.getuid?.() !== 0) return [];
  if (!needTools(t, 'setpriv')) return null;
  return ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-u', 'HOME'];
}

/** The CLI in a child process (as `prefix` says), stdout and stderr as text; null status = it hung. */
function auris(prefix: string[], ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const cmd = [...prefix, process.execPath, '--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: root, encoding: 'utf8', timeout: HANG_GUARD_MS, killSignal: 'SIGKILL' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A library with one of each bad path next to good files:
 *   01 a.wav, 02 b.wav          good files
 *   03 link.wav                 symlink to a file outside the library
 *   04 new\nline.wav            a name with a newline
 *   pipe.flac                   a FIFO (nobody writes to it: opening it for reading would block)
 *   locked/                     a folder without read permission, holding a good file
 *   deep/.../x.wav              a file whose path is longer than PATH_MAX (4096)
 */
function library(): { dir: string; lib: string } {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  const lib = path.join(dir, 'lib');
  mkdirSync(lib);
  wav(path.join(lib, '01 a.wav'), 1);
  wav(path.join(lib, '02 b.wav'), 2);
  wav(path.join(dir, 'outside.wav'), 3);
  symlinkSync(path.join(dir, 'outside.wav'), path.join(lib, '03 link.wav'));
  wav(path.join(lib, '04 new\nline.wav'), 4);
  execFileSync('mkfifo', [path.join(lib, 'pipe.flac')]);
  mkdirSync(path.join(lib, 'locked'));
  wav(path.join(lib, 'locked', 'hidden.wav'), 5);
  chmodSync(path.join(lib, 'locked'), 0o000);
  // 20 folders of 250 characters: the file's path is ~5,000 characters. Made by a child process
  // that descends with relative names (no single system call sees the whole path).
  const deepRoot = path.join(lib, 'deep');
  mkdirSync(deepRoot);
  const descend = `const fs = require('fs'); process.chdir(process.argv[1]); for (let i = 0; i < 20; i++) { fs.mkdirSync('${'d'.repeat(250)}'); process.chdir('${'d'.repeat(250)}'); } fs.writeFileSync('x.wav', '');`;
  execFileSync(process.execPath, ['-e', descend, deepRoot]);
  return { dir, lib };
}

/** Removes the deep tree and unlocks the locked folder, so the temporary folder can be removed. */
function cleanUp(lib: string): void {
  chmodSync(path.join(lib, 'locked'), 0o755);
  execFileSync('rm', ['-rf', path.join(lib, 'deep')]);
}

test('the decoder refuses a FIFO at once (E_NOT_A_FILE): info, decode and verify\'s open never block on it', { timeout: HANG_GUARD_MS }, async (t) => {
  if (!needTools(t, 'mkfifo')) return;
  const dir = tempDir();
  const fifo = path.join(dir, 'x.flac');
  execFileSync('mkfifo', [fifo]);
  const notAFile = (e: unknown) => isAurisError(e, 'E_NOT_A_FILE');
  await assert.rejects(openFile(fifo), notAFile);
  await assert.rejects(fileInfo(fifo, true), notAFile);
  await assert.rejects(decodeToFile(fifo, path.join(dir, 'out.wav'), 0, null), notAFile);
  assert.equal(existsSync(path.join(dir, 'out.wav')), false);
  // A folder is not a file either.
  await assert.rejects(openFile(dir), notAFile);
  // Nor is an EQ preset that is a FIFO (play --eq, convert --eq, auris eq).
  const preset = path.join(dir, 'preset.txt');
  execFileSync('mkfifo', [preset]);
  await assert.rejects(loadEqPreset(preset), notAFile);
});

test('verify: every bad path is reported and skipped, every good file verified, exit 1; one line per file', { timeout: HANG_GUARD_MS * 2 }, (t) => {
  if (!needTools(t, 'mkfifo')) return;
  const user = asUser(t);
  if (!user) return;
  const { dir, lib } = library();
  try {
    // A path that does not exist in the middle of the batch, and a name longer than NAME_MAX.
    const r = auris(user, 'verify', path.join(lib, '01 a.wav'), path.join(dir, 'missing.flac'), lib, path.join(dir, `${'n'.repeat(300)}.flac`));
    assert.notEqual(r.status, null, 'verify hung');
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    const names = lines.slice(0, -1).map((l) => /^OK {4}(.*) \([^()]*, \d+ frames/.exec(l)?.[1]).sort();
    assert.deepEqual(names, [`${lib}/01 a.wav`, `${lib}/02 b.wav`, `${lib}/03 link.wav`, `${lib}/04 new\\nline.wav`]);
    // Skipped: the missing path, the long name, the FIFO, the locked folder, the deep path.
    assert.equal(lines.at(-1), '4 file(s) verified: 4 ok, 0 failed; 5 path(s) skipped (see above)');
    assert.match(r.stderr, /missing\.flac: no such file or folder \[E_NOT_FOUND\]/);
    assert.match(r.stderr, /n{300}\.flac: the path is longer than the system allows \[E_IO\]/);
    assert.match(r.stderr, /lib\/pipe\.flac: not a regular file .*\[E_NOT_A_FILE\]/);
    assert.match(r.stderr, /lib\/locked: permission denied \[E_PERMISSION\]/);
    assert.match(r.stderr, /lib\/deep\/d{250}\/.*: the path is longer than the system allows \[E_IO\]/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    cleanUp(lib);
  }
});

test('dr: the same library gives a DR for each readable file and reports the rest, exit 1', { timeout: HANG_GUARD_MS * 2 }, (t) => {
  if (!needTools(t, 'mkfifo')) return;
  const user = asUser(t);
  if (!user) return;
  const { dir, lib } = library();
  try {
    // A name too long and a file in an unreadable folder, named directly, before the folder.
    const r = auris(user, 'dr', '--json', path.join(dir, 'missing.flac'), path.join(dir, `${'n'.repeat(300)}.flac`), path.join(lib, 'locked', 'hidden.wav'), lib);
    assert.notEqual(r.status, null, 'dr hung');
    assert.equal(r.status, 1, r.stderr);
    const json = JSON.parse(r.stdout) as { tracks: { path: string }[] };
    assert.deepEqual(json.tracks.map((x) => path.basename(x.path)).sort(), ['01 a.wav', '02 b.wav', '03 link.wav', '04 new\nline.wav']);
    for (const what of [/locked\/hidden\.wav: permission denied \[E_PERMISSION\]/, /n{300}\.flac: the path is longer/, /missing\.flac: no such file or folder \[E_NOT_FOUND\]/, /pipe\.flac: not a regular file/, /locked: permission denied \[E_PERMISSION\]/, /longer than the system allows \[E_IO\]/]) {
      assert.match(r.stderr, what);
    }
    // The newline in a name is escaped in the error lines too: every stderr line is one report.
    for (const line of r.stderr.trimEnd().split('\n')) assert.match(line, /^auris: .* \[E_[A-Z_]+\]$/);
  } finally {
    cleanUp(lib);
  }
});

test('verify | head -1: a reader that closes stdout ends the run quietly, no EPIPE trace', { timeout: HANG_GUARD_MS }, async () => {
  const dir = tempDir();
  for (let i = 0; i < 6; i++) wav(path.join(dir, `${i}.wav`), 10 + i, 1);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'verify', '-j', '1', dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  let first = '';
  child.stdout.setEncoding('utf8').once('data', (s: string) => {
    first = s;
    child.stdout.destroy(); // what `head -1` does after its line
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.match(first, /^OK {4}/);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
});

test('play: a FIFO in the queue is reported and skipped, and SIGINT ends the run', { timeout: HANG_GUARD_MS }, async (t) => {
  if (!needTools(t, 'mkfifo')) return;
  const dir = tempDir();
  wav(path.join(dir, '1 long.wav'), 20, 20);
  execFileSync('mkfifo', [path.join(dir, '2 pipe.flac')]);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'play', '--json', '--output', 'null', dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  // The skip is reported while the listing runs, before playback starts. Ctrl-C right then lands
  // while the core is still starting: the run must still end (it used to wait forever).
  while (!/pipe\.flac/.test(stderr)) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGINT');
  const code = await exited;
  assert.equal(code, 1, 'exit code 1: a path was skipped');
  assert.match(stderr, /2 pipe\.flac: not a regular file .*\[E_NOT_A_FILE\]/);
});

test('printable: control characters in a name are escaped, other characters kept', () => {
  assert.equal(printable('a\nb\tc\x1b[2Jd\\e é'), 'a\\nb\\tc\\x1b[2Jd\\e é');
  const line = resultLine({ path: '/m/x\ny.flac', ok: true, codec: 'FLAC', frames: 1, md5: 'match', crcErrors: 0, warnings: [], damage: [], error: null });
  assert.equal(line.split('\n').length, 1);
  assert.equal(line, 'OK    /m/x\\ny.flac (FLAC, 1 frames, MD5 ok)');
});
