import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listFiles as listFilesAsync, walkFilesSync, type WalkOptions } from '../../src/util/walk.ts';
import { tempDir } from '../helpers/tmp.ts';

const exts = new Set(['flac', 'wav']);

/** listFiles, after checking that walkFilesSync (the scanner's, in its worker) yields the same items in the same order. */
async function listFiles(paths: readonly string[], options: WalkOptions): ReturnType<typeof listFilesAsync> {
  const got = await listFilesAsync(paths, options);
  const sync = [...walkFilesSync(paths, options)];
  const plain = (items: readonly { kind: string; path: string; error?: { code: string; message: string } }[]): unknown[] =>
    items.map((i) => ({ ...i, error: i.error ? [i.error.code, i.error.message] : undefined }));
  assert.deepEqual(plain(sync.filter((i) => i.kind === 'file')), plain(got.files));
  assert.deepEqual(plain(sync.filter((i) => i.kind === 'problem')), plain(got.problems));
  return got;
}

test('walk: folders sorted by name with numbers in order, only wanted extensions, files named directly always listed', async () => {
  const d = tempDir();
  mkdirSync(path.join(d, 'A/CD2'), { recursive: true });
  mkdirSync(path.join(d, 'A/CD10'), { recursive: true });
  for (const f of ['A/CD2/10 x.flac', 'A/CD2/2 x.flac', 'A/CD10/1 y.wav', 'A/cover.jpg', 'A/notes.txt']) writeFileSync(path.join(d, f), 'x');
  const { files, problems } = await listFiles([path.join(d, 'A'), path.join(d, 'A/notes.txt')], { extensions: exts });
  assert.deepEqual(problems, []);
  assert.deepEqual(files.map((f) => path.relative(d, f.path)), ['A/CD2/2 x.flac', 'A/CD2/10 x.flac', 'A/CD10/1 y.wav', 'A/notes.txt']);
  assert.equal(files[0]!.size, 1);
});

test('walk: symlinked files are followed, a symlink loop is listed once, a FIFO and a missing path are problems and the walk goes on', async () => {
  const d = tempDir();
  mkdirSync(path.join(d, 'm/sub'), { recursive: true });
  writeFileSync(path.join(d, 'real.flac'), 'x');
  symlinkSync(path.join(d, 'real.flac'), path.join(d, 'm/link.flac'));
  symlinkSync(path.join(d, 'm'), path.join(d, 'm/sub/loop'));
  symlinkSync(path.join(d, 'nowhere.flac'), path.join(d, 'm/dangling.flac'));
  execFileSync('mkfifo', [path.join(d, 'm/pipe.flac')]);
  writeFileSync(path.join(d, 'm/sub/z.flac'), 'x');
  const { files, problems } = await listFiles([path.join(d, 'missing'), path.join(d, 'm'), path.join(d, 'm/pipe.flac')], { extensions: exts });
  assert.deepEqual(files.map((f) => path.relative(d, f.path)), ['m/link.flac', 'm/sub/z.flac']);
  assert.deepEqual(problems.map((p) => [path.relative(d, p.path), p.error.code]), [
    ['missing', 'E_NOT_FOUND'], ['m/dangling.flac', 'E_NOT_FOUND'], ['m/pipe.flac', 'E_NOT_A_FILE'], ['m/pipe.flac', 'E_NOT_A_FILE'],
  ]);
  assert.match(problems[0]!.error.message, /missing: no such file or folder/);
});

test('walk: a path longer than the system allows is a problem, not a crash', async () => {
  const d = tempDir();
  const long = path.join(d, `${'n'.repeat(300)}.flac`);
  const { files, problems } = await listFiles([long, d], { extensions: exts });
  assert.deepEqual(files, []);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.error.code, 'E_IO');
  assert.match(problems[0]!.error.message, /longer than the system allows/);
});
