// Ogg Vorbis and Opus files as they come from the wild (issue 17): damaged pages, cut-off files,
// audio that fits in one page, the Opus output gain, multiplexed streams and Ogg files of codecs
// Auris does not decode. Files are made by ffmpeg (libvorbis, libopus, libspeex, flac) and every
// result is compared with ffmpeg's own decode of the same file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { compareSignals, decodeFile } from '../helpers/decode-file.ts';
import { openFile } from '../../src/decoders/registry.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { pageAt, pageCrc } from '../../src/decoders/plugins/ogg/pages.ts';

const SIGNAL = 'aevalsrc=0.4*sin(2*PI*440*t)|0.3*sin(2*PI*660*t):s=48000:d=';

function make(dir: string, name: string, seconds: number, args: string[]): string {
  const file = path.join(dir, name);
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `${SIGNAL}${seconds}`, ...args, file]);
  return file;
}

/** ffmpeg's float decode of `file` (interleaved), the reference. */
function ffmpegFloats(file: string): Float32Array {
  const raw = run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f32le', '-c:a', 'pcm_f32le', '-']);
  return new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
}

/** Offsets and lengths of the pages of an Ogg file, in order. */
function pages(bytes: Uint8Array): { offset: number; length: number; granule: bigint }[] {
  const out = [];
  for (let at = 0; at < bytes.length;) {
    const p = pageAt(bytes, at);
    assert.ok(typeof p !== 'string', `a valid page at ${at}`);
    out.push({ offset: at, length: p.bytes.length, granule: p.granule });
    at += p.bytes.length;
  }
  return out;
}

async function decodeLenient(file: string) {
  const f = await openFile(file, { integrity: 'lenient' });
  try {
    let frames = 0;
    for (let b = await f.decoder.read(4096); b; b = await f.decoder.read(4096)) frames += b.frames;
    return { frames, integrity: f.decoder.integrity() };
  } finally {
    await f.close();
  }
}

// Pages of 100 ms (ffmpeg's default is 1 s), so that a lost page is a small part of the file.
const SMALL_PAGES = ['-page_duration', '100000'];
for (const c of [{ name: 'vorbis', file: 'a.ogg', args: ['-c:a', 'libvorbis', ...SMALL_PAGES] }, { name: 'opus', file: 'a.opus', args: ['-c:a', 'libopus', ...SMALL_PAGES] }]) {
  test(`${c.name}: a page with one damaged byte fails its CRC, as ffmpeg says; lenient decoding goes on`, async (t) => {
    if (!needTools(t, 'ffmpeg')) return;
    const dir = tempDir();
    const good = make(dir, c.file, 2, c.args);
    const bytes = readFileSync(good);
    const list = pages(bytes);
    assert.ok(list.length >= 5, `${list.length} pages`);
    const victim = list[Math.floor(list.length / 2)]!;
    const bad = Buffer.from(bytes);
    bad[victim.offset + victim.length - 10]! ^= 0x10;
    const file = path.join(dir, `bad-${c.file}`);
    writeFileSync(file, bad);
    const ff = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
    assert.match(ff.stderr.toString(), /CRC|checksum|error/i, 'ffmpeg flags the page');
    await assert.rejects(decodeFile(file), (e) => isAurisError(e, 'E_CORRUPT') && e.message.includes(file) && /CRC/.test(e.message));
    const lenient = await decodeLenient(file);
    assert.ok(lenient.integrity.crcErrors >= 1, 'the damaged page is counted');
    assert.ok(lenient.integrity.warnings.some((w) => /CRC/.test(w)), lenient.integrity.warnings.join('; '));
    const full = await decodeFile(good);
    // The page is lost, the rest plays: fewer frames than the whole, but most of them.
    assert.ok(lenient.frames < full.frames && lenient.frames > full.frames * 0.7, `${lenient.frames} of ${full.frames}`);
  });

  test(`${c.name}: a file cut inside a page decodes its whole pages exactly, then says E_TRUNCATED`, async (t) => {
    if (!needTools(t, 'ffmpeg')) return;
    const dir = tempDir();
    const good = make(dir, c.file, 2, c.args);
    const bytes = readFileSync(good);
    const list = pages(bytes);
    const cutPage = list[list.length - 3]!;
    const file = path.join(dir, `cut-${c.file}`);
    writeFileSync(file, bytes.subarray(0, cutPage.offset + Math.floor(cutPage.length / 2)));
    const full = await decodeFile(good);

    const f = await openFile(file);
    const got: number[] = [];
    let error: unknown = null;
    try {
      for (let b = await f.decoder.read(4096); b; b = await f.decoder.read(4096)) if (b.kind === 'float') got.push(...b.samples);
    } catch (e) {
      error = e;
    } finally {
      await f.close();
    }
    assert.ok(isAurisError(error, 'E_TRUNCATED'), `E_TRUNCATED after the audio, got ${String(error)}`);
    // Exactly the audio up to the last whole page (granule of the page before the cut one).
    const preSkip = c.name === 'opus' ? bytes.readUInt16LE(28 + 10) : 0; // OpusHead pre-skip, right after the first page header
    const lastWhole = Number(list[list.length - 4]!.granule) - preSkip;
    assert.equal(got.length / 2, lastWhole, 'frames up to the last whole page');
    assert.deepEqual(Float64Array.from(got), (full.samples as Float64Array).subarray(0, got.length), 'the same samples as the whole file there');
    const lenient = await decodeLenient(file);
    assert.equal(lenient.frames, lastWhole);
    assert.ok(lenient.integrity.warnings.some((w) => /truncated/.test(w)));
  });
}

test('opus: audio that fits in one page is trimmed to its granule position, like ffmpeg', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  for (const seconds of [0.01, 0.05, 0.3]) {
    const file = make(dir, `short-${seconds}.opus`, seconds, ['-c:a', 'libopus']);
    const audioPages = pages(readFileSync(file)).length - 2;
    if (seconds < 0.1) assert.equal(audioPages, 1, 'all audio in one page');
    const ref = ffmpegFloats(file);
    const d = await decodeFile(file);
    assert.equal(d.frames, Math.round(seconds * 48000), `${seconds} s`);
    assert.equal(d.samples.length, ref.length, 'as long as ffmpeg decodes it');
    assert.equal(d.info.totalFrames, d.frames);
  }
});

test('opus: the output gain of the OpusHead is applied (RFC 7845 section 5.1), as ffmpeg does', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const plain = make(dir, 'plain.opus', 1, ['-c:a', 'libopus']);
  const bytes = Buffer.from(readFileSync(plain));
  const first = pages(bytes)[0]!;
  // -20 dB in Q7.8 at offset 16 of the OpusHead, which starts after the 28-byte page header.
  bytes.writeInt16LE(-20 * 256, first.offset + 28 + 16);
  bytes.writeUInt32LE(pageCrc(bytes.subarray(first.offset, first.offset + first.length)), first.offset + 22);
  const quiet = path.join(dir, 'quiet.opus');
  writeFileSync(quiet, bytes);
  const ref = ffmpegFloats(quiet);
  const d = await decodeFile(quiet);
  const loud = await decodeFile(plain);
  assert.equal(d.samples.length, ref.length);
  const { maxDiff, correlation } = compareSignals(d.samples, ref);
  assert.ok(maxDiff < 1e-4 && correlation > 0.9999, `against ffmpeg: max diff ${maxDiff}, correlation ${correlation}`);
  const peak = (s: ArrayLike<number>) => { let m = 0; for (let i = 0; i < s.length; i++) m = Math.max(m, Math.abs(s[i]!)); return m; };
  assert.ok(Math.abs(peak(d.samples) / peak(loud.samples) - 0.1) < 1e-6, 'exactly -20 dB');
});

test('ogg: multiplexed streams (video first, two audio tracks): the first audio stream is decoded and its length is known', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  for (const [audio, ext, codec] of [['libvorbis', 'ogg', 'Vorbis'], ['libopus', 'ogg', 'Opus']] as const) {
    const file = path.join(dir, `two-${audio}.${ext}`);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:d=1.5', '-f', 'lavfi', '-i', `${SIGNAL}1.5`,
      '-f', 'lavfi', '-i', 'sine=f=1000:r=48000:d=1', '-map', '0', '-map', '1', '-map', '2', '-c:v', 'libtheora', '-c:a', audio, file]);
    const ref = run('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a:0', '-f', 'f32le', '-c:a', 'pcm_f32le', '-']);
    const d = await decodeFile(file);
    assert.equal(d.info.codec, codec);
    assert.equal(d.format.rate, 48000);
    assert.equal(d.frames, 72000);
    assert.equal(d.info.totalFrames, 72000, 'the length of the first audio stream, not of the video or the other track');
    assert.equal(d.samples.length, ref.length / 4, 'as long as ffmpeg decodes it');
    const { correlation } = compareSignals(d.samples, new Float32Array(ref.buffer, ref.byteOffset, ref.length / 4));
    assert.ok(correlation > 0.999, `correlation ${correlation}`);
  }
});

test('ogg: Speex in Ogg is refused by name with a typed error', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const speex = path.join(dir, 'speech.ogg');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:r=16000:d=0.5', '-c:a', 'libspeex', speex]);
  await assert.rejects(decodeFile(speex), (e) => isAurisError(e, 'E_UNSUPPORTED_FORMAT') && /Speex/.test(e.message) && e.message.includes(speex));
});

test('ogg: FLAC in Ogg decodes with the native FLAC decoder, sample for sample as ffmpeg, with exact seeks', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  for (const [name, fmt, bits] of [['s16.oga', 's16', 16], ['s24.ogg', 's32', 24]] as const) {
    const file = path.join(dir, name);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t)+0.01*random(0)|0.2*sin(2*PI*550*t):s=48000:d=2.5',
      '-c:a', 'flac', '-sample_fmt', fmt, ...(bits === 24 ? ['-bits_per_raw_sample', '24'] : []), '-f', 'ogg', file]);
    const raw = run('ffmpeg', ['-v', 'error', '-i', file, '-f', 's32le', '-c:a', 'pcm_s32le', '-']);
    const ref = Int32Array.from(new Int32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length)), (v) => v >> (32 - bits));
    const d = await decodeFile(file);
    assert.deepEqual([d.info.codec, d.info.container, d.info.lossless, d.format.validBits], ['FLAC', 'Ogg', true, bits]);
    assert.deepEqual(d.samples, ref, `${name}: the samples ffmpeg decodes`);
    assert.equal(d.info.totalFrames, 120000, 'the length, from the last granule when STREAMINFO lacks it');
    for (const start of [1, 4095, 4096, 77777, 119999]) {
      const part = await decodeFile(file, { start, frames: 50 });
      assert.deepEqual(part.samples, ref.subarray(start * 2, Math.min(120000, start + 50) * 2), `${name}: seek to ${start}`);
    }
  }
});

test('opus: a file cut inside its first page or before its first audio is E_TRUNCATED (a 64-byte cut threw a RangeError)', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const bytes = readFileSync(make(dir, 'a.opus', 1, ['-c:a', 'libopus']));
  const list = pages(bytes);
  for (const length of [20, 64, list[1]!.offset + 10, list[2]!.offset]) {
    const file = path.join(dir, `cut-${length}.opus`);
    writeFileSync(file, bytes.subarray(0, length));
    await assert.rejects(decodeFile(file), (e) => isAurisError(e, 'E_TRUNCATED') && e.message.includes(file), `cut at ${length}`);
  }
});

/** `bytes` with audio pages 2..2+drop-1 left out, renumbered and re-checksummed: a recording that began late. */
function startLate(bytes: Uint8Array, drop: number): Buffer {
  const list = pages(bytes).map((p) => Buffer.from(bytes.subarray(p.offset, p.offset + p.length)));
  const kept = [list[0]!, list[1]!, ...list.slice(2 + drop)];
  kept.forEach((p, i) => { p.writeUInt32LE(i, 18); p.writeUInt32LE(pageCrc(p), 22); });
  return Buffer.concat(kept);
}

test('ogg: a stream that starts at a late granule (a live-stream recording) decodes as ffmpeg does, with no false truncation', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  for (const c of [{ file: 'late.opus', args: ['-c:a', 'libopus', ...['-page_duration', '100000']] }, { file: 'late.ogg', args: ['-c:a', 'libvorbis', ...['-page_duration', '100000']] }]) {
    const whole = make(dir, `whole-${c.file}`, 3, c.args);
    const file = path.join(dir, c.file);
    writeFileSync(file, startLate(readFileSync(whole), 5));
    const ref = ffmpegFloats(file);
    const d = await decodeFile(file); // strict: a false E_TRUNCATED would throw here
    assert.equal(d.samples.length, ref.length, `${c.file}: as long as ffmpeg decodes it`);
    assert.ok(d.frames < 144000 - 4000, 'the dropped pages are not there');
    assert.equal(d.info.totalFrames, d.frames, 'the length counted from the stream\'s own origin');
  }
});
