// The watcher: files added, retagged, renamed and deleted while the library runs show within a
// few seconds, without a scan being asked for.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LibraryService } from '../../src/core/library.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools, run } from '../helpers/tools.ts';
import { flacAt } from './tree.ts';

/** Resolves once `check` returns a value other than undefined, or fails after `ms`. */
async function eventually<T>(what: string, check: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the watcher picks up a file added, retagged, renamed and deleted', async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac')) return;
  const music = tempDir('auris-watch-');
  flacAt(music, 'A/1.flac', { tags: { TITLE: 'First' } });
  const spare = flacAt(tempDir('auris-watch-src-'), 'new.flac', { tags: { TITLE: 'Newcomer', ARTIST: 'W' } });
  const service = new LibraryService({ dataDir: tempDir('auris-watch-data-'), tagReaders: 1, watchDelayMs: 200 });
  try {
    const lib = service.library;
    await service.addRoot(music);
    await service.scan();
    let changes = 0;
    service.on((e) => { if (e.type === 'database-changed') changes++; });
    service.watch();

    mkdirSync(path.join(music, 'B'));
    copyFileSync(spare, path.join(music, 'B', 'new.flac'));
    const added = await eventually('the new file is indexed', () => lib.trackByUri('B/new.flac') ?? undefined);
    assert.equal(added.title, 'Newcomer');

    run('metaflac', ['--remove-tag=TITLE', '--set-tag=TITLE=Retagged', path.join(music, 'B', 'new.flac')]);
    await eventually('the new title is stored', () => (lib.track(added.id)?.title === 'Retagged' ? true : undefined));

    renameSync(path.join(music, 'B', 'new.flac'), path.join(music, 'A', 'moved.flac'));
    const moved = await eventually('the renamed file has its new uri', () => lib.trackByUri('A/moved.flac') ?? undefined);
    assert.equal(moved.id, added.id, 'a rename keeps the id');
    assert.equal(lib.trackByUri('B/new.flac'), null);

    rmSync(path.join(music, 'A', '1.flac'));
    await eventually('the deleted file is gone', () => (lib.trackByUri('A/1.flac') === null ? true : undefined));
    assert.equal(lib.stats().songs, 1);

    // A root added while watching is watched too (and, with two roots, uris carry the root's name).
    const second = tempDir('auris-watch-2-');
    const root2 = await service.addRoot(second);
    copyFileSync(spare, path.join(second, 'late.flac'));
    await eventually('a file in the root added later is indexed', () => lib.trackByUri(`${root2.name}/late.flac`) ?? undefined);
    assert.ok(changes >= 5, `database-changed events: ${changes}`);
  } finally {
    await service.close();
  }
});
