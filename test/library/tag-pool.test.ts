// The tag reader threads: what crosses the thread boundary (arrays, rebuilt as objects by position)
// arrives as the reader made it, for the header-only FLAC reader, music-metadata's path and errors;
// the listing equals walkFilesSync's.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LibraryService } from '../../src/core/library.ts';
import { readTrackFacts } from '../../src/decoders/track-facts.ts';
import { TagReaderPool } from '../../src/library/tag-pool.ts';
import { walkFilesSync } from '../../src/util/walk.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools } from '../helpers/tools.ts';
import { flacAt, imageAt, mp3At, textAt } from './tree.ts';

test('facts read in a tag reader thread equal the reader\'s own, field for field; errors keep their code', async (t) => {
  if (!needTools(t, 'sox', 'flac', 'metaflac', 'ffmpeg')) return;
  const music = tempDir('auris-tagpool-');
  const cover = imageAt(path.join(tempDir('auris-tagpool-img-'), 'front.jpg'), 64, 48);
  const files = [
    flacAt(music, 'A/01.flac', {
      picture: cover,
      tags: {
        TITLE: 'Title', ARTIST: ['First', 'Second'], ALBUMARTIST: 'Album Artist', ALBUM: 'Album', TRACKNUMBER: '3/12', DISCNUMBER: '2', DISCTOTAL: '3',
        DATE: '2001-02-03', GENRE: ['Rock', 'Jazz'], COMPOSER: 'Composer', COMPILATION: '1', MUSICBRAINZ_TRACKID: 'mb-track', MUSICBRAINZ_ALBUMID: 'mb-album',
        MUSICBRAINZ_ARTISTID: 'mb-artist', MUSICBRAINZ_ALBUMARTISTID: 'mb-album-artist', REPLAYGAIN_TRACK_GAIN: '-6.5 dB', REPLAYGAIN_TRACK_PEAK: '0.9',
        CUESHEET: 'FILE "01.wav" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n',
      },
    }),
    flacAt(music, 'A/02.flac', { tags: { TITLE: 'Bare' } }),
    mp3At(music, 'B/song.mp3', { title: 'Mp3', artist: 'Lame', album: 'Lossy', track: '4' }),
    textAt(music, 'B/broken.flac', Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(50, 0xff)])),
  ];
  const pool = new TagReaderPool(1);
  try {
    const results = await pool.read(files);
    for (let i = 0; i < 3; i++) {
      const r = results[i]!;
      assert.ok(r.ok, files[i]);
      const own = await readTrackFacts(files[i]!, { cover: true });
      assert.deepEqual(r.facts, { ...own, cover: null }, files[i]);
      if (own.cover) {
        assert.deepEqual([r.cover?.hash, r.cover?.mime], [createHash('sha1').update(own.cover.bytes).digest('hex'), own.cover.mime]);
        assert.deepEqual(Buffer.from(r.cover!.bytes!), Buffer.from(own.cover.bytes));
      } else {
        assert.equal(r.cover, null);
      }
    }
    assert.equal(results[0]!.ok && results[0]!.facts.tags.replayGain?.trackGainDb, -6.5);
    const bad = results[3]!;
    assert.ok(!bad.ok);
    assert.equal(bad.code, 'E_CORRUPT');
    const listed = await pool.list(music, new Set(['flac', 'mp3']));
    assert.deepEqual(listed, [...walkFilesSync([music], { extensions: new Set(['flac', 'mp3']) })]);
  } finally {
    await pool.close();
  }
});

test('a scan cancelled while its folders are listed returns cancelled and writes nothing; the next scan does the work', async () => {
  const music = tempDir('auris-tagpool-cancel-');
  for (let a = 0; a < 40; a++) {
    mkdirSync(path.join(music, `A${a}`));
    for (let i = 0; i < 50; i++) writeFileSync(path.join(music, `A${a}`, `${i}.flac`), 'not flac');
  }
  const service = new LibraryService({ dataDir: tempDir('auris-tagpool-cancel-data-'), tagReaders: 1 });
  try {
    await service.addRoot(music);
    const controller = new AbortController();
    // Cancelled as the listing starts (the scan says 'listing' just before it asks the thread).
    const off = service.on((e) => {
      if (e.type === 'scan-progress' && e.progress.phase === 'listing') controller.abort();
    });
    const scanning = service.scan({ signal: controller.signal });
    const [r] = await scanning;
    off();
    assert.equal(r!.cancelled, true);
    assert.equal(service.library.fileErrors().length, 0);
    const [again] = await service.scan();
    assert.deepEqual([again!.cancelled, again!.listed, again!.errors], [false, 2000, 2000]);
  } finally {
    await service.close();
  }
});
