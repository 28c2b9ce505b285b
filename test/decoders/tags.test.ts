// Tags and cover art written by metaflac and ffmpeg, read back through readTags.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { readTags } from '../../src/decoders/tags.ts';
import { isAurisError } from '../../src/util/errors.ts';

function makeCover(dir: string): string {
  const png = path.join(dir, 'cover.png');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=24x16', '-frames:v', '1', png]);
  return png;
}

test('tags: a FLAC tagged by metaflac reads back with ReplayGain and cover bytes', async (t) => {
  if (!needTools(t, 'ffmpeg', 'flac', 'metaflac')) return;
  const dir = tempDir();
  const wav = path.join(dir, 'a.wav');
  const flac = path.join(dir, 'a.flac');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=0.5', '-c:a', 'pcm_s16le', wav]);
  run('flac', ['-s', '-o', flac, wav]);
  const cover = makeCover(dir);
  run('metaflac', [
    '--set-tag=TITLE=Ångström Café', '--set-tag=ARTIST=The Testers', '--set-tag=ALBUM=Proofs', '--set-tag=ALBUMARTIST=Various',
    '--set-tag=TRACKNUMBER=3', '--set-tag=TRACKTOTAL=12', '--set-tag=DISCNUMBER=2', '--set-tag=DISCTOTAL=2', '--set-tag=DATE=2021-03-04',
    '--set-tag=GENRE=Jazz', '--set-tag=COMPOSER=J. S. Bach',
    '--set-tag=REPLAYGAIN_TRACK_GAIN=-6.50 dB', '--set-tag=REPLAYGAIN_TRACK_PEAK=0.987654',
    '--set-tag=REPLAYGAIN_ALBUM_GAIN=-7.25 dB', '--set-tag=REPLAYGAIN_ALBUM_PEAK=0.999000',
    `--import-picture-from=3|image/png|front||${cover}`, flac,
  ]);
  const tags = await readTags(flac);
  assert.equal(tags.title, 'Ångström Café');
  assert.equal(tags.artist, 'The Testers');
  assert.equal(tags.album, 'Proofs');
  assert.equal(tags.albumArtist, 'Various');
  assert.equal(tags.trackNumber, 3);
  assert.equal(tags.trackTotal, 12);
  assert.equal(tags.discNumber, 2);
  assert.equal(tags.discTotal, 2);
  assert.equal(tags.date, '2021-03-04');
  assert.equal(tags.genre, 'Jazz');
  assert.equal(tags.composer, 'J. S. Bach');
  assert.deepEqual(tags.replayGain, { trackGainDb: -6.5, trackPeak: 0.987654, albumGainDb: -7.25, albumPeak: 0.999 });
  assert.equal(tags.cover?.mime, 'image/png');
  assert.deepEqual(Buffer.from(tags.cover!.bytes), readFileSync(cover));
  assert.ok(tags.duration !== null && Math.abs(tags.duration - 0.5) < 0.01, `duration ${tags.duration}`);
});

for (const c of [
  { ext: 'mp3', codec: ['-c:a', 'libmp3lame', '-id3v2_version', '3'] },
  { ext: 'm4a', codec: ['-c:a', 'alac'] },
]) {
  test(`tags: ffmpeg -metadata and an attached cover in .${c.ext} read back`, async (t) => {
    if (!needTools(t, 'ffmpeg')) return;
    const dir = tempDir();
    const cover = makeCover(dir);
    const file = path.join(dir, `a.${c.ext}`);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=0.5', '-i', cover, '-map', '0:a', '-map', '1:v', ...c.codec, '-c:v', 'copy',
      '-disposition:v', 'attached_pic', '-metadata', 'title=Song', '-metadata', 'artist=Band', '-metadata', 'album=Record',
      '-metadata', 'track=4/9', '-metadata', 'disc=1/2', '-metadata', 'date=1999', '-metadata', 'genre=Rock', '-metadata', 'composer=Writer',
      '-metadata', 'album_artist=Band & Friends', file]);
    const tags = await readTags(file);
    assert.equal(tags.title, 'Song');
    assert.equal(tags.artist, 'Band');
    assert.equal(tags.album, 'Record');
    assert.equal(tags.albumArtist, 'Band & Friends');
    assert.equal(tags.trackNumber, 4);
    assert.equal(tags.trackTotal, 9);
    assert.equal(tags.discNumber, 1);
    assert.equal(tags.discTotal, 2);
    assert.equal(tags.date, '1999');
    assert.equal(tags.genre, 'Rock');
    assert.equal(tags.composer, 'Writer');
    assert.equal(tags.replayGain, null);
    assert.equal(tags.cover?.mime, 'image/png');
    assert.deepEqual(Buffer.from(tags.cover!.bytes), readFileSync(cover));
  });
}

test('tags: a missing file is E_NOT_FOUND', async () => {
  await assert.rejects(readTags('/nonexistent/auris.flac'), (e) => isAurisError(e, 'E_NOT_FOUND'));
});
