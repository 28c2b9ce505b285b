// One rule for damaged input, the same in every command (issue 17 class 7): `decode`, `verify` and
// `info --verify` decode what can be decoded, name every damaged place with the frames it affected,
// and fail with the same code; their frame counts agree with each other and with the reference
// decoder: `flac -d -F` exactly (a bad FLAC frame is silence of its length there and here, sample
// for sample), ffmpeg for the rest (exact for WAV, Vorbis and Opus pages, one MPEG frame of 1152
// samples for MP3, where mpg123 and ffmpeg differ on a frame cut or hit by damage). Files are real
// encodes (sox, flac, ffmpeg) with bytes damaged at fixed places.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { decodeToFile, writtenLine } from '../../src/cli/commands/decode.ts';
import { dsfFile } from '../helpers/containers.ts';
import { fileInfo } from '../../src/cli/commands/info.ts';
import { verifyFile } from '../../src/core/verify-file.ts';
import type { Damage } from '../../src/decoders/interface.ts';
import { openFile } from '../../src/decoders/registry.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { flacFrames, oggPages } from '../helpers/containers.ts';

const SOURCE = 'aevalsrc=0.4*sin(2*PI*440*t)|0.3*sin(2*PI*660*t):s=44100:d=6';

/** Frames in a WAV that ffprobe reads. */
function wavFrames(file: string): number {
  const probe = JSON.parse(run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file]).toString()) as { streams: { duration_ts: number }[] };
  return probe.streams[0]!.duration_ts;
}

/** Frames ffmpeg decodes from `file` (its own decoders, errors skipped as its players do). */
function ffmpegFrames(file: string, channels: number): number {
  return run('ffmpeg', ['-v', 'quiet', '-i', file, '-f', 's16le', '-c:a', 'pcm_s16le', '-']).length / (2 * channels);
}

interface Case {
  readonly name: string;
  /** Makes the damaged file in `dir`; returns its path. */
  readonly make: (dir: string) => string;
  readonly code: 'E_CORRUPT' | 'E_TRUNCATED';
  /** What the first damage message says (which frame or page, where). */
  readonly names: RegExp;
  /** The reference length of the damaged file, and how far ours may be from it. */
  readonly reference: (file: string) => number;
  readonly tolerance: number;
  /** The length of the undamaged file (6 s; Opus decodes at 48 kHz). */
  readonly stated: number;
  readonly tools: readonly string[];
}

function encode(dir: string, name: string, args: string[]): Uint8Array {
  const file = path.join(dir, name);
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', SOURCE, ...args, file]);
  return readFileSync(file);
}

/** `bytes` with `n` bytes from `at` on flipped (xor 0x5a): damage a checksum catches. */
function flipped(bytes: Uint8Array, at: number, n: number): Uint8Array {
  const b = Uint8Array.from(bytes);
  for (let i = at; i < at + n; i++) b[i] = b[i]! ^ 0x5a;
  return b;
}

/** A 16-bit FLAC file with `n` bytes flipped `into` bytes after the start of the frame `where` (a fraction) through it. */
function flacCase(name: string, where: number, into: number, n: number, names: RegExp): Case {
  return {
    name,
    tools: ['ffmpeg', 'flac'],
    make(dir) {
      const flac = encode(dir, 'a.flac', ['-c:a', 'flac', '-sample_fmt', 's16']);
      const frames = flacFrames(flac);
      const file = path.join(dir, 'damaged.flac');
      writeFileSync(file, flipped(flac, frames[Math.floor(frames.length * where)]! + into, n));
      return file;
    },
    code: 'E_CORRUPT',
    names,
    reference: (file) => flacReference(file).frames,
    tolerance: 0,
    stated: 264600,
  };
}

/** An Ogg file of `codec` with one page in the middle damaged (one byte flipped: its CRC fails). */
function oggPageCase(codec: string, ext: string, encoder: string, stated: number): Case {
  return {
    name: `Ogg ${codec} with one damaged page in the middle`,
    tools: ['ffmpeg'],
    make(dir) {
      const ogg = encode(dir, `a.${ext}`, ['-c:a', encoder, '-page_duration', '500000']);
      const pages = oggPages(ogg);
      const file = path.join(dir, `page.${ext}`);
      writeFileSync(file, flipped(ogg, pages[Math.floor(pages.length / 2)]! + 100, 1));
      return file;
    },
    code: 'E_CORRUPT',
    names: new RegExp(`^${codec} stream damaged at byte \\d+: bytes \\d+\\.\\.\\d+ are no valid Ogg page \\(bad CRC or damaged header\\); \\d+ frames lost$`),
    reference: (file) => ffmpegFrames(file, 2),
    tolerance: 0,
    stated,
  };
}

const CASES: Case[] = [
  // Bytes inside a frame's audio: its CRC-16 fails.
  flacCase('FLAC, one frame failing its CRC-16', 1 / 2, 300, 4,
    /^frame at offset \d+ \(frames \d+\.\.\d+\) failed its CRC-16 check and was replaced by 4608 frames of silence$/),
  // The frame number in a header: its CRC-8 fails and the frame is lost until the next one.
  flacCase('FLAC, one frame header failing its CRC-8 (lost sync)', 1 / 3, 4, 1,
    /^frame header at offset \d+ fails its CRC-8 check: \d+ bytes \(frames \d+\.\.\d+\) replaced by 4608 frames of silence$/),
  {
    name: 'WAV cut short',
    tools: ['ffmpeg'],
    make(dir) {
      const wav = encode(dir, 'a.wav', ['-c:a', 'pcm_s16le']);
      const file = path.join(dir, 'cut.wav');
      writeFileSync(file, wav.subarray(0, Math.floor(wav.length * 0.7)));
      return file;
    },
    code: 'E_TRUNCATED',
    names: /^file is truncated: the header declares 264600 frames, the file holds \d+ frames \(\d+ frames missing\)$/,
    reference: (file) => ffmpegFrames(file, 2),
    tolerance: 0,
    stated: 264600,
  },
  {
    name: 'MP3 cut inside a frame',
    tools: ['ffmpeg'],
    make(dir) {
      const mp3 = encode(dir, 'a.mp3', ['-c:a', 'libmp3lame']);
      const file = path.join(dir, 'cut.mp3');
      writeFileSync(file, mp3.subarray(0, Math.floor(mp3.length / 2) + 7));
      return file;
    },
    code: 'E_TRUNCATED',
    names: /^the file ends inside the MPEG frame at byte \d+ \(truncated: \d+ of its \d+ bytes missing\); \d+ frames missing$/,
    reference: (file) => ffmpegFrames(file, 2),
    tolerance: 1152,
    stated: 264600,
  },
  {
    name: 'MP3 with 1000 bytes of garbage over frames in the middle',
    tools: ['ffmpeg'],
    make(dir) {
      const mp3 = encode(dir, 'a.mp3', ['-c:a', 'libmp3lame']);
      const b = Uint8Array.from(mp3);
      const at = Math.floor(b.length / 2);
      for (let i = 0; i < 1000; i++) b[at + i] = (i * 73 + 19) & 0x7f;
      const file = path.join(dir, 'garbage.mp3');
      writeFileSync(file, b);
      return file;
    },
    code: 'E_CORRUPT',
    names: /^MP3 stream damaged at byte \d+: bytes \d+\.\.\d+ are no MPEG audio frame and were skipped; \d+ frames lost$/,
    reference: (file) => ffmpegFrames(file, 2),
    tolerance: 1152,
    stated: 264600,
  },
  oggPageCase('Vorbis', 'ogg', 'libvorbis', 264600),
  oggPageCase('Opus', 'opus', 'libopus', 288000),
];

/** What `flac -d -F` (keep going through errors) writes: its frames and its sample bytes. */
function flacReference(file: string): { frames: number; data: Buffer } {
  const raw = run('flac', ['-s', '-d', '-F', '-c', '--force-raw-format', '--endian=little', '--sign=signed', file]);
  return { frames: raw.length / 4, data: raw };
}

for (const c of CASES) {
  test(`${c.name}: decode, verify and info --verify agree on frames and damage, and with the reference decoder`, async (t) => {
    if (!needTools(t, ...c.tools)) return;
    const dir = tempDir();
    const file = c.make(dir);
    const out = path.join(dir, 'out.wav');

    let error: unknown = null;
    try {
      await decodeToFile(file, out, 0, null);
    } catch (e) {
      error = e;
    }
    assert.ok(isAurisError(error, c.code), `decode fails with ${c.code}, got ${String(error)}`);
    assert.ok(error.message.startsWith(`${file}: damaged`), error.message);
    const written = error.details.framesWritten as number;
    const decodeDamage = error.details.damage as Damage[];
    assert.equal(wavFrames(out), written, 'the output holds what decode says');
    assert.match(decodeDamage[0]!.message, c.names);

    const verified = await verifyFile(file);
    assert.equal(verified.ok, false);
    assert.equal(verified.error?.code, c.code);
    assert.equal(verified.frames, written, 'verify decodes what decode writes');
    assert.deepEqual(verified.damage, decodeDamage, 'verify names the same damage');

    const info = await fileInfo(file, true);
    assert.equal(info.decodedFrames, written, 'info --verify decodes what decode writes');
    assert.deepEqual(info.damage, decodeDamage, 'info names the same damage');

    // Every damage states the frames it affected; those dropped or missing, plus those decoded,
    // make the undamaged length (FLAC's silence replaces frames, so nothing is missing there).
    assert.ok(decodeDamage.every((d) => d.frames !== null && d.frames > 0), JSON.stringify(decodeDamage));
    const lost = decodeDamage.reduce((n, d) => n + d.frames!, 0);
    if (c.name.startsWith('FLAC')) assert.equal(written, c.stated);
    else assert.equal(written + lost, c.stated, `${written} decoded + ${lost} lost vs ${c.stated}`);

    const reference = c.reference(file);
    assert.ok(Math.abs(written - reference) <= c.tolerance, `${written} frames vs the reference decoder's ${reference} (tolerance ${c.tolerance})`);
  });
}

test('FLAC damage comes out as `flac -d -F` writes it: the damaged frames as silence, the rest sample for sample', async (t) => {
  if (!needTools(t, 'ffmpeg', 'flac')) return;
  const FRAME_BYTES = 4; // 16-bit stereo
  for (const c of CASES.filter((x) => x.name.startsWith('FLAC'))) {
    const dir = tempDir();
    const file = c.make(dir);
    const out = path.join(dir, 'out.raw');
    let damage: Damage[] = [];
    await assert.rejects(decodeToFile(file, out, 0, null), (e) => isAurisError(e, 'E_CORRUPT') && Array.isArray(damage = e.details.damage as Damage[]));
    const ours = readFileSync(out);
    const reference = flacReference(file).data;
    const clean = run('flac', ['-s', '-d', '-c', '--force-raw-format', '--endian=little', '--sign=signed', path.join(dir, 'a.flac')]);
    assert.equal(damage.length, 1);
    const [, first, last] = /frames (\d+)\.\.(\d+)/.exec(damage[0]!.message)!.map(Number) as [number, number, number];
    const from = first * FRAME_BYTES;
    const to = (last + 1) * FRAME_BYTES;
    assert.ok(ours.subarray(from, to).every((x) => x === 0), `${c.name}: frames ${first}..${last} are silence`);
    assert.ok(reference.subarray(from, to).every((x) => x === 0), `${c.name}: flac -d -F silences the same frames`);
    // After a frame that fails its CRC-16, libFLAC loses sync and silences the good frame after it
    // too; there Auris keeps the frame, equal to the undamaged file. Everywhere else: the same bytes.
    const next = to + 4608 * FRAME_BYTES;
    const libflacAlsoSilenced = reference.subarray(to, next).every((x) => x === 0);
    const sameFrom = libflacAlsoSilenced ? next : to;
    if (libflacAlsoSilenced) assert.ok(ours.subarray(to, next).equals(clean.subarray(to, next)), `${c.name}: the good frame after the damage is decoded`);
    assert.ok(ours.subarray(0, from).equals(reference.subarray(0, from)), `${c.name}: the same samples before the damage`);
    assert.ok(ours.subarray(sameFrom).equals(reference.subarray(sameFrom)), `${c.name}: the same samples after it`);
    assert.equal(ours.length, reference.length);
  }
});

test('DSD lengths are told in DSD samples, the unit of the DSD rate: decode\'s summary and the truncation of a DSF file', async () => {
  // 2 s of DSD64: 705600 bytes (frames) per channel, 5644800 one-bit samples per channel.
  const seconds = 2;
  const bytesPerChannel = (2822400 / 8) * seconds;
  const msb = new Uint8Array(bytesPerChannel * 2).fill(0x69);
  const dir = tempDir();
  const whole = path.join(dir, 'x.dsf');
  writeFileSync(whole, dsfFile({ rate: 2822400, channels: 2, msb }));
  const out = path.join(dir, 'x.raw');
  const { frames, format } = await decodeToFile(whole, out, 0, null);
  assert.equal(frames, bytesPerChannel);
  assert.equal(writtenLine(out, frames, format), `${out}: 5644800 one-bit samples per channel, 2822400 Hz, 2 ch, DSD64`);

  const cut = path.join(dir, 'cut.dsf');
  const bytes = readFileSync(whole);
  writeFileSync(cut, bytes.subarray(0, 92 + 4096 * 2 * 61));
  const info = await fileInfo(cut, false);
  assert.deepEqual(info.damage.map((d) => [d.code, d.frames, d.message]), [[
    'E_TRUNCATED', bytesPerChannel - 4096 * 61,
    `file is truncated: the header declares 5644800 one-bit samples per channel, the file holds ${4096 * 61 * 8} one-bit samples per channel (${(bytesPerChannel - 4096 * 61) * 8} one-bit samples per channel missing)`,
  ]]);
});

test('FLAC silence standing in for a lost frame is seekable: every seek lands on the frames of a full decode', async (t) => {
  if (!needTools(t, 'ffmpeg', 'flac')) return;
  const c = CASES.find((x) => x.name.includes('CRC-8'))!;
  const file = c.make(tempDir());
  const full = await openFile(file, { integrity: 'lenient' });
  const all: number[] = [];
  for (let b = await full.decoder.read(65536); b; b = await full.decoder.read(65536)) if (b.kind === 'int') all.push(...b.samples);
  const damage = full.decoder.integrity().damage;
  await full.close();
  const [, first, last] = /frames (\d+)\.\.(\d+)/.exec(damage[0]!.message)!.map(Number) as [number, number, number];
  const seeking = await openFile(file, { integrity: 'lenient' });
  try {
    // Into the silence, at its edges, just past it, back before it, and far after it.
    for (const target of [first + 100, first, last, last + 1, first - 1, 1000, last + 20000, first + 4000]) {
      assert.equal(await seeking.decoder.seek(target), target);
      const b = (await seeking.decoder.read(2000))!;
      assert.ok(b.kind === 'int');
      assert.deepEqual(Array.from(b.samples), all.slice(target * 2, (target + b.frames) * 2), `seek to ${target}`);
    }
  } finally {
    await seeking.close();
  }
});
