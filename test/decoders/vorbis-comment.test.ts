// Vorbis comments to the tags that name a track; for FLAC files the decoder's tags must equal what
// music-metadata makes of the same file (the DR log read them through music-metadata before).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basicTagsOfVorbisComments } from '../../src/decoders/vorbis-comment.ts';
import { readTags } from '../../src/decoders/tags.ts';
import { flacPlugin } from '../../src/decoders/plugins/flac/index.ts';
import { FileByteSource } from '../../src/util/byte-source.ts';
import { needTools } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { encodeFlac, musicSignal } from './flac/flac-helpers.ts';

test('vorbis comments: field names in any case, the first value of a repeated field, track "n/m"', () => {
  assert.deepEqual(basicTagsOfVorbisComments([
    'title=One = Two', 'ARTIST=A', 'Artist=B', 'ALBUM ARTIST=Various', 'album=X', 'ALBUM=Y', 'TITLE=Later', 'TrackNumber=03/12', 'COMMENT=ARTIST=no',
  ]), { title: 'One = Two', artist: 'A', albumArtist: 'Various', album: 'X', trackNumber: 3, trackText: null });
  // A track "number" that is not one (vinyl sides) is kept as text, for the DR log's Track column.
  assert.deepEqual(basicTagsOfVorbisComments(['TRACKNUMBER=side A', '=empty field', 'noequals']), { title: null, artist: null, albumArtist: null, album: null, trackNumber: null, trackText: 'side A' });
  assert.equal(basicTagsOfVorbisComments(['TRACKNUMBER=  ']).trackText, null);
});

test('FLAC: the decoder\'s tags are music-metadata\'s, for one artist and for several', { timeout: 60_000 }, async (t) => {
  if (!needTools(t, 'flac')) return;
  const dir = tempDir('auris-vorbis-tags-');
  const samples = musicSignal(4096, 2, 16, 44100, 3);
  const cases: [string, string[]][] = [
    ['one', ['-T', 'TITLE=Ünïcode title', '-T', 'ARTIST=Somebody', '-T', 'ALBUM=The Album', '-T', 'TRACKNUMBER=7']],
    ['several', ['-T', 'TITLE=Duet', '-T', 'ARTIST=A', '-T', 'ARTIST=B', '-T', 'ARTIST=C', '-T', 'ALBUMARTIST=A', '-T', 'ALBUMARTIST=B', '-T', 'TRACKNUMBER=3/12']],
    ['spellings', ['-T', 'title=lower case', '-T', 'Album Artist=Spaced', '-T', 'ALBUMARTIST=Joined', '-T', 'tracknumber=11/12']],
    ['vinyl', ['-T', 'TITLE=Side one', '-T', 'TRACKNUMBER=A1']],
    ['none', []],
  ];
  for (const [name, tags] of cases) {
    const file = encodeFlac(dir, name, samples, 2, 16, 44100, ['-5', ...tags]);
    const source = await FileByteSource.open(file);
    const decoder = await flacPlugin.open(source, {});
    try {
      const expected = await readTags(file);
      assert.deepEqual(decoder.tags, {
        title: expected.title, artist: expected.artist, albumArtist: expected.albumArtist, album: expected.album, trackNumber: expected.trackNumber,
        trackText: expected.trackText,
      }, name);
    } finally {
      await decoder.close();
      await source.close();
    }
  }
});
