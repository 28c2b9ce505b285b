// Crash safety: a scanning process killed with SIGKILL at random points leaves a database that
// opens, passes integrity_check, and the next scan completes with the right counts.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Database } from 'better-sqlite3';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LibraryService } from '../../src/core/library.ts';
import { openLibrary } from '../../src/library/library.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools, run } from '../helpers/tools.ts';
import { flacAt } from './tree.ts';

const FILES = 600;
const child = new URL('./scan-child.ts', import.meta.url).pathname;

/** Runs the child scanner; kills it with SIGKILL after `killAfter` progress lines. Resolves true when it finished first. */
function scanUntilKilled(dataDir: string, music: string, killAfter: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dataDir, music], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let done = false;
    let buffered = '';
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        if (line.startsWith('done ')) done = true;
        else if (++lines === killAfter) p.kill('SIGKILL');
      }
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve(done && signal !== 'SIGKILL');
      else reject(new Error(`the scanner exited with ${code}: ${stderr}`));
    });
  });
}

function indexesOf(db: Database): unknown[] {
  return db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();
}

test('a scan killed with SIGKILL at random points: the database stays whole and the next scan finishes the job', { timeout: 180_000 }, async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac')) return;
  const music = tempDir('auris-crash-');
  const first = flacAt(music, 'Album 000/00.flac', { tags: { ARTIST: 'Crash', ALBUMARTIST: 'Crash', ALBUM: 'Test' } });
  const files = [first];
  for (let i = 1; i < FILES; i++) {
    const dir = path.join(music, `Album ${String(Math.floor(i / 12)).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    const f = path.join(dir, `${String(i % 12).padStart(2, '0')}.flac`);
    copyFileSync(first, f);
    files.push(f);
  }
  // Distinct titles, set in one metaflac run per 100 files.
  for (let i = 0; i < FILES; i += 100) run('metaflac', ['--set-tag=TITLE=Crash song', ...files.slice(i, i + 100)]);
  const dataDir = tempDir('auris-crash-data-');
  const killPoints: number[] = [];
  const fresh = openLibrary({ dataDir: tempDir('auris-crash-fresh-') });
  const freshIndexes = indexesOf(fresh.db);
  fresh.close();
  for (let round = 0; round < 5; round++) {
    const killAfter = 1 + Math.floor(Math.random() * 6);
    killPoints.push(killAfter);
    const finished = await scanUntilKilled(dataDir, music, killAfter);
    const lib = openLibrary({ dataDir });
    try {
      assert.equal(lib.db.pragma('integrity_check', { simple: true }), 'ok', `after kill points ${killPoints.join(',')}`);
      const n = lib.stats().songs;
      assert.ok(n <= FILES, `${n} songs`);
      // Every track row has its file row and album, and the search index agrees with the table.
      assert.equal((lib.db.prepare('SELECT COUNT(*) AS n FROM tracks t LEFT JOIN files f ON f.id = t.file_id WHERE f.id IS NULL').get() as { n: number }).n, 0);
      assert.equal((lib.db.prepare("SELECT COUNT(*) AS n FROM tracks_fts WHERE tracks_fts MATCH 'crash'").get() as { n: number }).n, n);
      if (finished) assert.equal(n, FILES);
      // A first scan's deferred indexes (bulk.ts) are all back, as a new library has them, and its album counts its tracks.
      assert.deepEqual(indexesOf(lib.db), freshIndexes);
      if (n > 0) assert.equal(lib.albums().items[0]!.trackCount, n);
    } finally {
      lib.close();
    }
  }
  t.diagnostic(`killed after progress lines: ${killPoints.join(', ')}`);
  const service = new LibraryService({ dataDir, tagReaders: 1 });
  try {
    const before = service.library.stats().songs;
    const [r] = await service.scan();
    assert.deepEqual([r!.added, r!.unchanged, r!.removed, r!.errors], [FILES - before, before, 0, 0]);
    assert.equal(service.library.stats().songs, FILES);
    assert.equal(service.library.albums().total, 1);
    assert.equal(service.library.albums().items[0]!.trackCount, FILES);
  } finally {
    await service.close();
  }
});
