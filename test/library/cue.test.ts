// CUE sheets: the parser's errors and encodings, and a sheet embedded in a FLAC (its CUESHEET tag)
// showing as the file's tracks, renamed with the file and gone when the tag is removed.

import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LibraryService } from '../../src/core/library.ts';
import { cueFrame, cueRanges, decodeCueText, parseCue } from '../../src/library/cue.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools, run } from '../helpers/tools.ts';
import { flacAt, textAt } from './tree.ts';

test('cue parser: ranges, several FILEs, bad sheets with their line, Windows-1252 text', () => {
  const sheet = parseCue(`TITLE "Two files"\nFILE "a.wav" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 01:00:00\nFILE "b.wav" WAVE\n  TRACK 03 AUDIO\n    INDEX 00 00:00:00\n    INDEX 01 00:02:00\n`);
  assert.deepEqual(cueRanges(sheet, (f) => (f === 'a.wav' ? 44100 : 96000)).map((r) => [r.file, r.track.number, r.startFrame, r.endFrame]), [
    ['a.wav', 1, 0, 60 * 44100],
    ['a.wav', 2, 60 * 44100, null],
    ['b.wav', 3, 2 * 96000, null],
  ]);
  assert.equal(cueFrame(1, 44100), 588);
  assert.throws(() => parseCue('FILE "a.wav" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:61:00\n', 'x.cue'), { code: 'E_CORRUPT', message: /x\.cue, line 3: bad time/ });
  assert.throws(() => parseCue('FILE "a.wav" WAVE\n  TRACK 01 AUDIO\n    TITLE "no index"\n', 'x.cue'), { code: 'E_CORRUPT', message: /line 2: track 1 has no INDEX 01/ });
  assert.throws(() => parseCue('TRACK 01 AUDIO\n', 'x.cue'), { code: 'E_CORRUPT', message: /line 1: TRACK before any FILE/ });
  assert.throws(() => parseCue('REM nothing\n', 'x.cue'), { code: 'E_CORRUPT', message: /no tracks/ });
  assert.equal(decodeCueText(Buffer.from([0x54, 0x49, 0x54, 0x4c, 0x45, 0x20, 0x22, 0x43, 0x61, 0x66, 0xe9, 0x22])), 'TITLE "Café"');
  assert.equal(decodeCueText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('TITLE "Café"')])), 'TITLE "Café"');
});

test('a cue sheet embedded in a FLAC: its tracks, renamed with the file, gone with the tag', async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac')) return;
  const music = tempDir('auris-embcue-');
  const file = flacAt(music, 'Live/concert.flac', { seconds: 4, rate: 48000, tags: { ARTIST: 'Band', ALBUM: 'Live' } });
  const cue = textAt(tempDir('auris-embcue-src-'), 'c.cue', `PERFORMER "Band"\nTITLE "Live"\nFILE "concert.wav" WAVE\n  TRACK 01 AUDIO\n    TITLE "Opening"\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    TITLE "Encore"\n    INDEX 00 00:01:50\n    INDEX 01 00:02:10\n`);
  run('metaflac', [`--set-tag-from-file=CUESHEET=${cue}`, file]);
  const service = new LibraryService({ dataDir: tempDir('auris-embcue-data-'), tagReaders: 1 });
  try {
    const lib = service.library;
    await service.addRoot(music);
    await service.scan();
    assert.deepEqual(lib.listFolder('Live').folders.map((f) => f.uri), ['Live/concert.flac']);
    assert.deepEqual(lib.listFolder('Live').tracks, []);
    const tracks = lib.listFolder('Live/concert.flac').tracks;
    assert.deepEqual(tracks.map((x) => [x.uri, x.title, x.startFrame, x.endFrame, x.duration]), [
      ['Live/concert.flac/track0001', 'Opening', 0, (2 * 75 + 10) * 640, (2 * 75 + 10) / 75],
      ['Live/concert.flac/track0002', 'Encore', (2 * 75 + 10) * 640, null, 4 - (2 * 75 + 10) / 75],
    ]);
    renameSync(path.join(music, 'Live'), path.join(music, 'Concert'));
    const moved = (await service.scan())[0]!;
    assert.equal(moved.renamed, 1);
    assert.deepEqual(lib.listFolder('Concert/concert.flac').tracks.map((x) => [x.id, x.uri]), tracks.map((x) => [x.id, x.uri.replace('Live/', 'Concert/')]));
    run('metaflac', ['--remove-tag=CUESHEET', path.join(music, 'Concert', 'concert.flac')]);
    const retagged = (await service.scan())[0]!;
    assert.deepEqual([retagged.changed, retagged.errors], [1, 0], JSON.stringify(retagged));
    assert.deepEqual(lib.findTracks(null).map((x) => [x.uri, x.startFrame]), [['Concert/concert.flac', null]]);
    assert.equal(lib.stats().songs, 1);
  } finally {
    await service.close();
  }
});
