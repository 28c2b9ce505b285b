// The scanner against a folder that changes: incremental rescans, retagged, renamed and deleted
// files, bad files, odd names, symlink loops, and a root that vanishes (an unmounted disk).

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LibraryService } from '../../src/core/library.ts';
import { openLibrary } from '../../src/library/library.ts';
import type { ScanResult } from '../../src/library/scanner.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools, run } from '../helpers/tools.ts';
import { flacAt, textAt } from './tree.ts';

/** The counts of a result that a test compares. */
function counts(r: ScanResult | undefined): Record<string, number | boolean> {
  assert.ok(r);
  return { available: r.available, added: r.added, changed: r.changed, renamed: r.renamed, removed: r.removed, unchanged: r.unchanged, errors: r.errors };
}

test('rescans: nothing changed, retagged, renamed (same id, stickers follow), deleted, broken then repaired', async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac')) return;
  const music = tempDir('auris-scan-');
  for (const n of [1, 2, 3]) flacAt(music, `A/${n}.flac`, { tags: { TITLE: `Song ${n}`, ARTIST: 'Band', ALBUM: 'First' } });
  flacAt(music, 'B/1.flac', { tags: { TITLE: 'Other', ARTIST: 'Band', ALBUM: 'Second' } });
  const service = new LibraryService({ dataDir: tempDir('auris-scan-data-'), tagReaders: 1 });
  try {
    const lib = service.library;
    await service.addRoot(music);
    assert.deepEqual(counts((await service.scan())[0]), { available: true, added: 4, changed: 0, renamed: 0, removed: 0, unchanged: 0, errors: 0 });
    assert.deepEqual(counts((await service.scan())[0]), { available: true, added: 0, changed: 0, renamed: 0, removed: 0, unchanged: 4, errors: 0 });

    const song1 = lib.trackByUri('A/1.flac')!;
    run('metaflac', ['--remove-tag=TITLE', '--set-tag=TITLE=Song One', path.join(music, 'A', '1.flac')]);
    assert.deepEqual(counts((await service.scan())[0]), { available: true, added: 0, changed: 1, renamed: 0, removed: 0, unchanged: 3, errors: 0 });
    assert.deepEqual([lib.track(song1.id)!.title, lib.search('one').items.map((x) => x.id)], ['Song One', [song1.id]]);

    const song2 = lib.trackByUri('A/2.flac')!;
    lib.setSticker('A/2.flac', 'rating', '7');
    lib.savePlaylist('p', [song2.id]);
    mkdirSync(path.join(music, 'C'));
    renameSync(path.join(music, 'A', '2.flac'), path.join(music, 'C', 'two.flac'));
    assert.deepEqual(counts((await service.scan())[0]), { available: true, added: 0, changed: 0, renamed: 1, removed: 0, unchanged: 3, errors: 0 });
    const moved = lib.trackByUri('C/two.flac')!;
    assert.equal(moved.id, song2.id, 'a renamed file keeps its id');
    assert.equal(moved.path, path.join(music, 'C', 'two.flac'));
    assert.equal(lib.getSticker('C/two.flac', 'rating'), '7');
    assert.deepEqual(lib.playlist('p')!.entries, [{ uri: 'C/two.flac', trackId: song2.id }]);
    assert.equal(lib.search('two').total, 1, 'the path is searchable under its new name');

    rmSync(path.join(music, 'B', '1.flac'));
    assert.deepEqual(counts((await service.scan())[0]), { available: true, added: 0, changed: 0, renamed: 0, removed: 1, unchanged: 3, errors: 0 });
    assert.equal(lib.albums().items.some((a) => a.title === 'Second'), false, 'an album without tracks goes');
    assert.deepEqual(lib.listFolder('').folders.map((f) => f.name), ['A', 'C']);

    // A file that breaks keeps its old row and records the error; repaired, it is read again.
    const good = path.join(music, 'A', '3.flac');
    const before = lib.trackByUri('A/3.flac')!;
    renameSync(good, `${good}.bak`);
    writeFileSync(good, Buffer.from('fLaC garbage'));
    const broken = (await service.scan())[0]!;
    assert.deepEqual([broken.changed, broken.errors], [1, 1]);
    assert.equal(lib.trackByUri('A/3.flac')!.id, before.id);
    assert.deepEqual(lib.fileErrors().map((e) => [path.basename(e.path), e.code]), [['3.flac', 'E_TRUNCATED']]);
    rmSync(good);
    renameSync(`${good}.bak`, good);
    const repaired = (await service.scan())[0]!;
    assert.deepEqual([repaired.errors, lib.fileErrors().length, lib.trackByUri('A/3.flac')!.id], [0, 0, before.id]);
    assert.equal(lib.stats().songs, 3);
  } finally {
    await service.close();
  }
});

test('odd trees: empty files, symlink loops, NFC and NFD names, a non-UTF-8 name, a FIFO', async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac')) return;
  const music = tempDir('auris-odd-');
  flacAt(music, 'x/Caf\u00e9.flac', { tags: { TITLE: 'Caf\u00e9 composed' } });
  flacAt(music, 'x/Cafe\u0301 2.flac', { tags: { TITLE: 'Cafe\u0301 decomposed' } });
  textAt(music, 'x/zero.flac', new Uint8Array(0));
  symlinkSync('..', path.join(music, 'x', 'loop'));
  writeFileSync(Buffer.concat([Buffer.from(path.join(music, 'x') + path.sep), Buffer.from([0x62, 0xe9, 0x2e, 0x66, 0x6c, 0x61, 0x63])]), 'junk');
  run('mkfifo', [path.join(music, 'x', 'pipe.flac')]);
  const service = new LibraryService({ dataDir: tempDir('auris-odd-data-'), tagReaders: 1 });
  try {
    await service.addRoot(music);
    const r = (await service.scan())[0]!;
    assert.equal(service.library.stats().songs, 2);
    // zero.flac is recorded with its error; the FIFO and the name that is not UTF-8 are reported by the walk.
    assert.deepEqual(service.library.fileErrors().map((e) => [path.basename(e.path), e.code]), [['zero.flac', 'E_TRUNCATED']]);
    assert.equal(r.errors, 3);
    assert.deepEqual(service.library.search('cafe').items.map((x) => x.uri).sort(), ['x/Caf\u00e9.flac', 'x/Cafe\u0301 2.flac'].sort());
    // Each name is kept as the disk has it, and found in either normalisation.
    assert.equal(service.library.trackByUri('x/Cafe\u0301.flac')?.uri, 'x/Caf\u00e9.flac');
    assert.equal(service.library.trackByUri('x/Caf\u00e9 2.flac')?.uri, 'x/Cafe\u0301 2.flac');
    assert.deepEqual(counts((await service.scan())[0]), { available: true, added: 0, changed: 0, renamed: 0, removed: 0, unchanged: 3, errors: 2 });
  } finally {
    await service.close();
  }
});

test('a root that vanishes keeps its tracks, marked unavailable, and comes back', async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac')) return;
  const parent = tempDir('auris-mount-');
  const music = path.join(parent, 'disk');
  for (const n of [1, 2]) flacAt(music, `Album/${n}.flac`, { tags: { TITLE: `T${n}`, ALBUM: 'Album', ARTIST: 'X' } });
  const dataDir = tempDir('auris-mount-data-');
  const service = new LibraryService({ dataDir, tagReaders: 1 });
  try {
    await service.addRoot(music);
    await service.scan();
    renameSync(music, path.join(parent, 'away'));
    const gone = (await service.scan())[0]!;
    assert.deepEqual([gone.available, gone.removed], [false, 0]);
    const lib = service.library;
    assert.equal(lib.stats().songs, 2);
    assert.deepEqual(lib.findTracks(null).map((x) => x.available), [false, false]);
    assert.equal(lib.roots()[0]!.available, false);
    // An empty mount point (the disk unmounted, its folder left) is the same.
    mkdirSync(music);
    const empty = (await service.scan())[0]!;
    assert.deepEqual([empty.available, lib.stats().songs], [false, 2]);
    rmSync(music, { recursive: true });
    renameSync(path.join(parent, 'away'), music);
    const back = (await service.scan())[0]!;
    assert.deepEqual([back.available, back.unchanged, back.removed], [true, 2, 0]);
    assert.deepEqual(lib.findTracks(null).map((x) => x.available), [true, true]);
  } finally {
    await service.close();
  }
  // The same database opens again read-only from another connection, its tracks intact.
  const again = openLibrary({ dataDir, readonly: true });
  assert.equal(again.stats().songs, 2);
  again.close();
});

test('a damaged database file is refused with E_CORRUPT, not worked on', () => {
  const dataDir = tempDir('auris-corrupt-');
  writeFileSync(path.join(dataDir, 'library.db'), Buffer.alloc(8192, 0x41));
  assert.throws(() => openLibrary({ dataDir }), { code: 'E_CORRUPT' });
});

test('after a session that did not close, the integrity check runs and catches a damaged page', () => {
  const dataDir = tempDir('auris-unclean-');
  const lib = openLibrary({ dataDir });
  lib.savePlaylist('p', Array.from({ length: 2000 }, (_, i) => `some/long/uri/number/${i}.flac`));
  lib.db.pragma('wal_checkpoint(TRUNCATE)');
  // Closed without Library.close(): as after a crash, the database is marked open.
  lib.db.close();
  const file = path.join(dataDir, 'library.db');
  const bytes = readFileSync(file);
  const pageSize = bytes.readUInt16BE(16);
  // Garbage over the last page (a playlist_entries leaf): the header is fine, the b-tree is not.
  bytes.fill(0x5a, bytes.length - pageSize + 8);
  writeFileSync(file, bytes);
  assert.throws(() => openLibrary({ dataDir }), { code: 'E_CORRUPT' });
});
