// MPEG audio is named by its layer (issue 17 review): a layer II file is "MP2" as codec and
// container in `info` and in the signal path's decoder stage, not "MP3"; layer I is "MP1". Layer II
// is made by ffmpeg's mp2 encoder; layer I, which no encoder here writes, is built by hand from
// frames whose bit allocation is all zero (silence), a valid stream by ISO 11172-3.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { fileInfo } from '../../src/cli/commands/info.ts';
import { decodeToFile } from '../../src/cli/commands/decode.ts';

for (const c of [
  { encoder: 'mp2', file: 'a.mp2', name: 'MP2' },
  { encoder: 'libmp3lame', file: 'a.mp3', name: 'MP3' },
]) {
  test(`an ffmpeg ${c.encoder} file is ${c.name} in info, as codec and container`, async (t) => {
    if (!needTools(t, 'ffmpeg')) return;
    const file = path.join(tempDir(), c.file);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=1:r=44100', '-ac', '2', '-c:a', c.encoder, file]);
    const info = await fileInfo(file, false);
    assert.deepEqual([info.codec, info.container, info.lossless], [c.name, c.name, false]);
  });
}

test('a layer I stream is MP1 and decodes to 384 samples per frame', async () => {
  // MPEG-1 layer I, no CRC (FF FF), 128 kbit/s at 44.1 kHz (0x40), stereo (0x00): 136-byte frames.
  const frame = new Uint8Array(136);
  frame.set([0xff, 0xff, 0x40, 0x00]);
  const frames = 50;
  const bytes = new Uint8Array(frame.length * frames);
  for (let i = 0; i < frames; i++) bytes.set(frame, i * frame.length);
  const dir = tempDir();
  const file = path.join(dir, 'a.mp1');
  writeFileSync(file, bytes);
  const info = await fileInfo(file, false);
  assert.deepEqual([info.codec, info.container, info.frames], ['MP1', 'MP1', frames * 384]);
  const decoded = await decodeToFile(file, path.join(dir, 'out.wav'), 0, null);
  assert.equal(decoded.frames, frames * 384);
});
