// `auris library ...` and `auris playlist ...` as a script runs them: a process per command, one
// data folder, JSON read back.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tmp.ts';
import { needTools } from '../helpers/tools.ts';
import { flacAt } from './tree.ts';

const repo = path.resolve(import.meta.dirname, '../..');

function auris(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repo, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test('auris library add/scan/search/stats/analyse and playlist import/export with --data', async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac')) return;
  const music = tempDir('auris-cli-lib-');
  const data = tempDir('auris-cli-data-');
  flacAt(music, 'Sigur Rós/Ágætis byrjun/01.flac', { tags: { ARTIST: 'Sigur Rós', ALBUMARTIST: 'Sigur Rós', ALBUM: 'Ágætis byrjun', TITLE: 'Svefn-g-englar', TRACKNUMBER: '1' } });
  flacAt(music, 'Sigur Rós/Ágætis byrjun/02.flac', { tags: { ARTIST: 'Sigur Rós', ALBUMARTIST: 'Sigur Rós', ALBUM: 'Ágætis byrjun', TITLE: 'Starálfur', TRACKNUMBER: '2' } });

  let r = auris('library', 'scan', '--data', data);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no folder yet.*\[E_STATE\]/);

  r = auris('library', 'add', music, '--data', data, '--json');
  assert.equal(r.status, 0, r.stderr);
  const added = JSON.parse(r.stdout) as { results: { added: number }[]; stats: { songs: number; albums: number } };
  assert.deepEqual([added.results[0]!.added, added.stats.songs, added.stats.albums], [2, 2, 1]);

  r = auris('library', 'scan', '--data', data);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /2 files, 0 added, 0 changed, 0 renamed, 0 removed, 2 unchanged, 0 errors/);

  r = auris('library', 'search', 'sigur', 'staral', '--data', data, '--json');
  assert.equal(r.status, 0, r.stderr);
  const found = JSON.parse(r.stdout) as { total: number; tracks: { title: string; uri: string }[] };
  assert.deepEqual(found.tracks.map((x) => [x.title, x.uri]), [['Starálfur', 'Sigur Rós/Ágætis byrjun/02.flac']]);

  r = auris('library', 'stats', '--data', data, '--json');
  assert.equal(r.status, 0, r.stderr);
  const stats = JSON.parse(r.stdout) as { songs: number; artists: number; playtime: number; errors: unknown[] };
  assert.deepEqual([stats.songs, stats.artists, stats.playtime, stats.errors.length], [2, 1, 1, 0]);

  r = auris('library', 'analyse', '--data', data, '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { analysed: 2, failed: 0, cancelled: false });
  r = auris('library', 'analyse', '--data', data, '--json');
  assert.deepEqual(JSON.parse(r.stdout), { analysed: 0, failed: 0, cancelled: false }, 'nothing left to analyse');

  const lists = tempDir('auris-cli-pl-');
  const source = path.join(lists, 'Night.m3u8');
  writeFileSync(source, `#EXTM3U\n${path.relative(lists, path.join(music, 'Sigur Rós', 'Ágætis byrjun', '02.flac'))}\n${path.join(music, 'Sigur Rós', 'Ágætis byrjun', '01.flac')}\n`);
  r = auris('playlist', 'import', source, '--data', data);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Night: 2 tracks\n$/);
  const out = path.join(lists, 'out', 'Night.m3u8');
  r = auris('playlist', 'export', out, '--data', data);
  assert.equal(r.status, 1, 'the folder of the file must exist');
  assert.match(r.stderr, /\[E_NOT_FOUND\]/);
  const out2 = path.join(lists, 'copy.m3u8');
  r = auris('playlist', 'export', out2, '--name', 'Night', '--data', data);
  assert.equal(r.status, 0, r.stderr);
  const rel = (f: string): string => path.relative(lists, path.join(music, 'Sigur Rós', 'Ágætis byrjun', f));
  assert.deepEqual(readFileSync(out2, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')), [rel('02.flac'), rel('01.flac')]);
  r = auris('playlist', 'export', out2, '--name', 'Nope', '--data', data);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no playlist "Nope" \[E_NOT_FOUND\]/);
});

test('auris library stats names an unreadable file once in its error line', async () => {
  const music = tempDir('auris-cli-lib-');
  const data = tempDir('auris-cli-data-');
  // A FLAC marker and a STREAMINFO header that claims more bytes than the file has.
  const broken = path.join(music, 'broken.flac');
  writeFileSync(broken, Buffer.from([0x66, 0x4c, 0x61, 0x43, 0x80, 0x00, 0x00, 0x22, 1, 2, 3]));
  let r = auris('library', 'add', music, '--data', data);
  assert.equal(r.status, 0, r.stderr);
  r = auris('library', 'stats', '--data', data);
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.includes('broken.flac'));
  assert.ok(line, r.stdout);
  assert.equal(line.split(broken).length - 1, 1, `the path once: ${line}`);
  assert.match(line, /^ {2}\S.*broken\.flac: .+ \[E_[A-Z_]+\]$/);
});
