// What the FLAC decoder exposes besides audio: STREAMINFO fields, SEEKTABLE, VORBIS_COMMENT,
// PICTURE and where each metadata block sits, for `auris info` and the library.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { flacPlugin, type FlacDecoder } from '../../../src/decoders/plugins/flac/index.ts';
import { FileByteSource } from '../../../src/util/byte-source.ts';
import { needTools, run } from '../../helpers/tools.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { encodeFlac, musicSignal, sourceMd5 } from './flac-helpers.ts';

test('FLAC metadata: STREAMINFO, SEEKTABLE, VORBIS_COMMENT and PICTURE are exposed', { timeout: 60_000 }, async (t) => {
  if (!needTools(t, 'flac', 'metaflac')) return;
  const dir = tempDir('auris-flac-meta-');
  const png = path.join(dir, 'cover.png');
  // A 1x1 PNG.
  writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3f5d1b40000000049454e44ae426082', 'hex'));
  const samples = musicSignal(30000, 2, 24, 96000, 9);
  const file = encodeFlac(dir, 'meta', samples, 2, 24, 96000, ['-5', '-T', 'ARTIST=Somebody', '-T', 'TITLE=Ünïcode', `--picture=3||front cover||${png}`, '-S', '0', '-S', '10000', '-S', '20000']);
  const source = await FileByteSource.open(file);
  const d = (await flacPlugin.open(source, {})) as FlacDecoder;
  try {
    assert.deepEqual(d.format, { rate: 96000, channels: 2, sample: 's24', validBits: 24 });
    assert.equal(d.info.codec, 'FLAC');
    assert.equal(d.info.totalFrames, 30000);
    assert.equal(d.info.lossless, true);
    assert.equal(d.info.md5, sourceMd5(samples, 24));
    const si = d.details.streamInfo!;
    assert.equal(si.maxBlockSize, 4096);
    assert.equal(si.bitsPerSample, 24);
    assert.ok(si.maxFrameSize >= si.minFrameSize && si.minFrameSize > 0);
    assert.deepEqual(d.details.seekTable.map((p) => p.sample), [0, 10000, 20000].map((s) => s - (s % 4096)));
    assert.ok(d.details.vorbisComment!.comments.includes('ARTIST=Somebody'));
    assert.ok(d.details.vorbisComment!.comments.includes('TITLE=Ünïcode'));
    const pic = d.details.pictures[0]!;
    assert.equal(pic.mime, 'image/png');
    assert.equal(pic.pictureType, 3);
    assert.equal(pic.description, 'front cover');
    const bytes = await source.read(pic.dataOffset, pic.dataLength);
    assert.deepEqual(Buffer.from(bytes).subarray(0, 8), Buffer.from('89504e470d0a1a0a', 'hex'));
    assert.deepEqual(d.details.blocks.map((b) => b.name), ['STREAMINFO', 'SEEKTABLE', 'VORBIS_COMMENT', 'PICTURE', 'PADDING']);
    assert.equal(d.details.audioOffset, d.details.blocks.at(-1)!.offset + 4 + d.details.blocks.at(-1)!.length);
    const listed = run('metaflac', ['--list', '--block-type=SEEKTABLE', file]).toString();
    assert.ok(listed.includes(`points: ${d.details.seekTable.length}`), 'seek points agree with metaflac');
    assert.equal(d.integrity().md5, 'unchecked');
  } finally {
    await d.close();
    await source.close();
  }
});
