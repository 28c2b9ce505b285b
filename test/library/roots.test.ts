// Several library folders: each is a top folder named by its name, uris carry it, and removing one
// removes its tracks and albums only.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { LibraryService } from '../../src/core/library.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools } from '../helpers/tools.ts';
import { flacAt } from './tree.ts';

test('two roots: top folders by name, public uris, base filters, overlap refused, removal', async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac')) return;
  const parent = tempDir('auris-roots-');
  const a = path.join(parent, 'Music');
  const b = path.join(parent, 'Other', 'Music');
  flacAt(a, 'Jazz/1.flac', { tags: { TITLE: 'In A', ARTIST: 'X', ALBUM: 'A1', ALBUMARTIST: 'X' } });
  flacAt(b, 'Jazz/1.flac', { tags: { TITLE: 'In B', ARTIST: 'Y', ALBUM: 'B1', ALBUMARTIST: 'Y' } });
  const service = new LibraryService({ dataDir: tempDir('auris-roots-data-'), tagReaders: 1 });
  try {
    const lib = service.library;
    const ra = await service.addRoot(a);
    const rb = await service.addRoot(b);
    assert.deepEqual([ra.name, rb.name], ['Music', 'Music (2)'], 'names are unique');
    assert.equal((await service.addRoot(a)).id, ra.id, 'adding a root twice is the same root');
    await assert.rejects(service.addRoot(path.join(a, 'Jazz')), { code: 'E_INVALID_ARGUMENT' });
    await assert.rejects(service.addRoot(path.join(parent, 'nowhere')), { code: 'E_NOT_FOUND' });
    await service.scan();
    assert.deepEqual(lib.listFolder('').folders, [{ uri: 'Music', name: 'Music' }, { uri: 'Music (2)', name: 'Music (2)' }]);
    assert.deepEqual(lib.listFolder('Music (2)/Jazz').tracks.map((x) => [x.title, x.uri, lib.publicUri(x)]), [['In B', 'Jazz/1.flac', 'Music (2)/Jazz/1.flac']]);
    assert.equal(lib.trackByUri('Music/Jazz/1.flac')!.title, 'In A');
    assert.equal(lib.trackByUri('Jazz/1.flac'), null, 'with several roots a uri names its root');
    assert.deepEqual(lib.findTracks({ base: 'Music (2)' }).map((x) => x.title), ['In B']);
    assert.deepEqual(lib.findTracks({ base: 'Music/Jazz' }).map((x) => x.title), ['In A']);
    service.removeRoot(ra.id);
    assert.deepEqual(lib.findTracks(null).map((x) => x.title), ['In B']);
    assert.deepEqual(lib.albums().items.map((x) => x.title), ['B1']);
    // Back to one root: uris are relative to it again.
    assert.equal(lib.trackByUri('Jazz/1.flac')!.title, 'In B');
    assert.deepEqual(lib.listFolder('').folders.map((f) => f.uri), ['Jazz']);
    assert.throws(() => service.removeRoot(ra.id), { code: 'E_NOT_FOUND' });
  } finally {
    await service.close();
  }
});
