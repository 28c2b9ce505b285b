// One rule for damaged input in `auris decode` (issue 17, classes 7 and 9): decode what can be
// decoded into a valid output file, then fail (non-zero exit) with an error that names the file
// and the damage. Files cut short are made from real encodes (ffmpeg: libopus, libvorbis,
// libmp3lame, pcm) and the output is compared with what ffmpeg reads back from it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { decodeToFile } from '../../src/cli/commands/decode.ts';
import { isAurisError } from '../../src/util/errors.ts';

const SOURCE = 'aevalsrc=0.4*sin(2*PI*440*t)|0.3*sin(2*PI*660*t):s=48000:d=3';

for (const c of [
  { file: 'a.opus', args: ['-c:a', 'libopus', '-page_duration', '100000'] },
  { file: 'a.ogg', args: ['-c:a', 'libvorbis', '-page_duration', '100000'] },
  { file: 'a.mp3', args: ['-c:a', 'libmp3lame'] },
  { file: 'a.wav', args: ['-c:a', 'pcm_s16le'] },
]) {
  test(`decode ${c.file} cut to 60%: the whole frames before the cut land in a valid WAV, then E_TRUNCATED naming the file`, async (t) => {
    if (!needTools(t, 'ffmpeg')) return;
    const dir = tempDir();
    const whole = path.join(dir, c.file);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', SOURCE, ...c.args, whole]);
    const bytes = readFileSync(whole);
    const cut = path.join(dir, `cut-${c.file}`);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const out = path.join(dir, 'out.wav');
    let error: unknown = null;
    try {
      await decodeToFile(cut, out, 0, null);
    } catch (e) {
      error = e;
    }
    assert.ok(isAurisError(error, 'E_TRUNCATED'), `E_TRUNCATED, got ${String(error)}`);
    assert.ok(error.message.includes(cut), error.message);
    const written = error.details.framesWritten as number;
    // Up to 60% of 3 s at 48 kHz (less by the share of the headers: Vorbis's are a few KiB).
    assert.ok(written > 0.4 * 144000 && written <= 0.6 * 144000, `${written} frames`);
    // ffmpeg reads the output as a complete WAV of exactly that length.
    const probe = JSON.parse(run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', out]).toString()) as { streams: { duration_ts: number }[] };
    assert.equal(probe.streams[0]!.duration_ts, written);
  });
}

test('MP3 without a length header, cut inside a frame: the frames before it, as ffmpeg decodes them, then E_TRUNCATED', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const whole = path.join(dir, 'noxing.mp3');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', SOURCE, '-c:a', 'libmp3lame', '-write_xing', '0', whole]);
  const bytes = readFileSync(whole);
  const cut = path.join(dir, 'cut.mp3');
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2) + 7));
  const out = path.join(dir, 'out.wav');
  await assert.rejects(decodeToFile(cut, out, 0, null), (e) => isAurisError(e, 'E_TRUNCATED') && /ends inside the MPEG frame/.test(e.message));
  const ours = JSON.parse(run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', out]).toString()) as { streams: { duration_ts: number }[] };
  const ref = run('ffmpeg', ['-v', 'quiet', '-i', cut, '-f', 'f32le', '-c:a', 'pcm_f32le', '-']);
  // mpg123 and ffmpeg differ by at most one frame on the cut one (1152 samples).
  assert.ok(Math.abs(ours.streams[0]!.duration_ts - ref.length / 8) <= 1152, `${ours.streams[0]!.duration_ts} vs ffmpeg ${ref.length / 8}`);
});

test('MP3 with garbage before its first frame and an ID3v1 tag after its last: decoded whole, the garbage named, the tag not', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const clean = path.join(dir, 'clean.mp3');
  const encoded = path.join(dir, 'encoded.mp3');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', SOURCE, '-c:a', 'libmp3lame', '-id3v2_version', '0', encoded]);
  // An ID3v1 tag: "TAG", then title, artist, album (30 bytes each), year, comment, genre.
  const id3v1 = Buffer.alloc(128);
  id3v1.write('TAGA title', 0, 'latin1');
  const bytes = Buffer.concat([readFileSync(encoded), id3v1]);
  writeFileSync(clean, bytes);
  const garbage = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 37 + 11) & 0x7f));
  const dirty = path.join(dir, 'dirty.mp3');
  writeFileSync(dirty, Buffer.concat([garbage, bytes]));
  const a = await decodeToFile(clean, path.join(dir, 'a.wav'), 0, null);
  const b = await decodeToFile(dirty, path.join(dir, 'b.wav'), 0, null);
  assert.deepEqual(a.warnings, [], 'an ID3v1 tag is no damage');
  assert.equal(b.frames, a.frames, 'the same audio');
  assert.deepEqual(b.warnings, ['bytes 0..1999 are no MPEG audio frame and were skipped']);
  assert.deepEqual(readFileSync(path.join(dir, 'b.wav')), readFileSync(path.join(dir, 'a.wav')));
});

test('a WAV written to a pipe (size fields 0xFFFFFFFF, as ffmpeg writes them) decodes whole, the placeholder named as a warning', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const piped = path.join(dir, 'piped.wav');
  writeFileSync(piped, run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', SOURCE, '-c:a', 'pcm_s16le', '-f', 'wav', '-']));
  assert.equal(readFileSync(piped).readUInt32LE(4), 0xffffffff, 'a placeholder RIFF size');
  const r = await decodeToFile(piped, path.join(dir, 'out.wav'), 0, null);
  assert.equal(r.frames, 144000);
  assert.ok(r.warnings.some((w) => /streaming writer/.test(w)), r.warnings.join('; '));
});
