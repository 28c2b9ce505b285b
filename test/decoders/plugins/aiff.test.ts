import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { aiffPlugin, readExtendedRate } from '../../../src/decoders/plugins/aiff/index.ts';
import { packFloat, packMd5Layout } from '../../../src/audio/pack.ts';
import { isAurisError } from '../../../src/util/errors.ts';
import { needTools, run } from '../../helpers/tools.ts';
import { ffmpegBatch, ffmpegDecodeRaw } from '../../helpers/ffmpeg.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { floatNoise, noise } from '../../helpers/signals.ts';
import { asToolBytes, checkSeeks, decodeAll, openBytes } from '../../helpers/decode.ts';
import { aiffFile, ascii, chunk, concat, extended80, intBytesBE, intBytesLE } from '../../helpers/containers.ts';

const RATE = 44100;
const FRAMES = 3001;

const FFMPEG_CASES = [
  { codec: 'pcm_s8', bits: 8, channels: 1, container: 'AIFF', compression: null },
  { codec: 'pcm_u8', bits: 8, channels: 2, container: 'AIFC', compression: 'raw ' },
  { codec: 'pcm_s16be', bits: 16, channels: 2, container: 'AIFF', compression: null },
  { codec: 'pcm_s24be', bits: 24, channels: 1, container: 'AIFF', compression: null },
  { codec: 'pcm_s24be', bits: 24, channels: 6, container: 'AIFF', compression: null },
  { codec: 'pcm_s32be', bits: 32, channels: 2, container: 'AIFF', compression: null },
  { codec: 'pcm_s16le', bits: 16, channels: 2, container: 'AIFC', compression: 'sowt' },
  { codec: 'pcm_f32be', bits: 32, channels: 2, container: 'AIFC', compression: 'fl32' },
  { codec: 'pcm_f64be', bits: 64, channels: 3, container: 'AIFC', compression: 'fl64' },
];

test('AIFF and AIFF-C (NONE, raw, sowt, fl32, fl64) written by ffmpeg decode byte-equal to ffmpeg', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const cases = FFMPEG_CASES.map((c, i) => {
    const float = c.codec.startsWith('pcm_f');
    const src = float ? floatNoise(FRAMES, c.channels, { seed: i, float32: c.bits === 32 }) : noise(FRAMES, c.channels, c.bits, 300 + i);
    const input = path.join(dir, `in${i}.raw`);
    writeFileSync(input, float ? packFloat(src as Float64Array, 'FLOAT64_LE') : packMd5Layout((src as Int32Array).map((v) => v << (32 - c.bits)), 32));
    return { ...c, float, src, input, file: path.join(dir, `${i}-${c.codec}.aiff`) };
  });
  ffmpegBatch(cases.map((c) => ({
    input: c.input,
    inputArgs: ['-f', c.float ? 'f64le' : 's32le', '-ar', String(RATE), '-ac', String(c.channels)],
    output: c.file,
    outputArgs: ['-c:a', c.codec, '-f', 'aiff'],
  })));
  ffmpegDecodeRaw(cases.map((c) => ({ file: c.file, raw: c.float ? 'f64le' : 's32le' })));
  for (const c of cases) {
    const bytes = readFileSync(c.file);
    const label = `${c.codec} ${c.channels} ch`;
    const decoder = await openBytes(aiffPlugin, bytes);
    assert.equal(decoder.info.container, c.container, label);
    if (c.compression) assert.ok(bytes.includes(c.compression), `${label}: ffmpeg wrote '${c.compression}'`);
    const decoded = await decodeAll(decoder, 777);
    assert.equal(decoded.format.validBits, c.bits, label);
    assert.equal(decoded.format.rate, RATE, label);
    assert.deepEqual(decoded.samples, c.src, `${label}: the samples put in`);
    assert.ok(asToolBytes(decoded).equals(readFileSync(`${c.file}.${c.float ? 'f64le' : 's32le'}`)), `${label}: equal to ffmpeg's decode`);
    await checkSeeks(await openBytes(aiffPlugin, bytes), decoded, 200, c.bits + c.channels);
  }
});

test('AIFF and AIFF-C written by sox (8/16/24/32-bit) decode byte-equal to sox', async (t) => {
  if (!needTools(t, 'sox')) return;
  const dir = tempDir();
  for (const [i, c] of [
    { bits: 8, channels: 1, ext: 'aiff' }, { bits: 16, channels: 2, ext: 'aiff' }, { bits: 24, channels: 2, ext: 'aiff' },
    { bits: 32, channels: 4, ext: 'aiff' }, { bits: 16, channels: 2, ext: 'aifc' }, { bits: 24, channels: 1, ext: 'aifc' },
  ].entries()) {
    const src = noise(FRAMES, c.channels, c.bits, 400 + i);
    const raw = path.join(dir, `in${i}.raw`);
    const file = path.join(dir, `sox${i}.${c.ext}`);
    writeFileSync(raw, packMd5Layout(src, c.bits));
    run('sox', ['-t', 'raw', '-r', String(RATE), '-e', 'signed', '-b', String(c.bits), '-c', String(c.channels), raw, file]);
    const bytes = readFileSync(file);
    const decoded = await decodeAll(await openBytes(aiffPlugin, bytes));
    const label = `sox ${c.ext} ${c.bits}-bit ${c.channels} ch`;
    await checkSeeks(await openBytes(aiffPlugin, bytes), decoded, 200, i);
    assert.deepEqual(decoded.samples, src, label);
    assert.ok(asToolBytes(decoded).equals(run('sox', [file, '-t', 'raw', '-e', 'signed', '-b', '32', '-L', '-'])), `${label}: equal to sox's decode`);
  }
});

test('AIFF that ffmpeg and sox write to a pipe (unknown-length headers) decodes whole', async (t) => {
  if (!needTools(t, 'ffmpeg', 'sox')) return;
  const src = noise(FRAMES, 2, 16, 32);
  const raw = packMd5Layout(src, 16);
  const fromFfmpeg = run('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', String(RATE), '-ac', '2', '-i', '-', '-c:a', 'pcm_s16be', '-f', 'aiff', '-'], { input: raw });
  const fromSox = run('sox', ['-V1', '-t', 'raw', '-r', String(RATE), '-e', 'signed', '-b', '16', '-c', '2', '-', '-t', 'aiff', '-'], { input: raw });
  for (const [tool, bytes] of [['ffmpeg', fromFfmpeg], ['sox', fromSox]] as const) {
    const d = await openBytes(aiffPlugin, bytes);
    assert.equal(d.info.totalFrames, FRAMES, tool);
    assert.deepEqual((await decodeAll(d)).samples, src, tool);
    assert.match(d.integrity().warnings.join(), /streaming writer/, tool);
  }
});

test('80-bit extended sample rates read exactly; a fractional rate is rounded with a warning', () => {
  for (const rate of [1, 8000, 11025, 22050, 44100, 48000, 88200, 96000, 176400, 192000, 352800, 384000, 705600, 768000, 2822400]) {
    const warnings: string[] = [];
    assert.equal(readExtendedRate(extended80(rate), 0, warnings), rate);
    assert.deepEqual(warnings, []);
  }
  // 44100 Hz as sox writes it: 40 0E AC 44 00 00 00 00 00 00.
  assert.equal(readExtendedRate(Uint8Array.of(0x40, 0x0e, 0xac, 0x44, 0, 0, 0, 0, 0, 0), 0, []), 44100);
  // 44100.5 Hz: mantissa AC 44 80 00..., exponent +15.
  const warnings: string[] = [];
  assert.equal(readExtendedRate(Uint8Array.of(0x40, 0x0e, 0xac, 0x44, 0x80, 0, 0, 0, 0, 0), 0, warnings), 44101);
  assert.equal(warnings.length, 1);
  for (const bad of [Uint8Array.of(0xc0, 0x0e, 0xac, 0x44, 0, 0, 0, 0, 0, 0), new Uint8Array(10), Uint8Array.of(0x7f, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0)]) {
    assert.throws(() => readExtendedRate(bad, 0, []), (e) => isAurisError(e, 'E_CORRUPT'));
  }
});

test('hand-built AIFF: 20 and 12 bits left-justified, SSND offset/blockSize, odd chunks, twos/in24/in32/FL32', async () => {
  const s20 = noise(500, 2, 20, 21);
  const a20 = aiffFile({ channels: 2, frames: 500, bits: 20, rate: 96000, data: intBytesBE(s20.map((v) => v << 4), 3), offset: 7, blockSize: 4096, extra: [chunk('ANNO', ascii('odd'), { bigEndian: true })] });
  const d20 = await openBytes(aiffPlugin, a20);
  assert.deepEqual(d20.format, { rate: 96000, channels: 2, sample: 's24', validBits: 20 });
  assert.deepEqual((await decodeAll(d20)).samples, s20);

  const s12 = noise(333, 1, 12, 22);
  const a12 = aiffFile({ channels: 1, frames: 333, bits: 12, rate: 8000, data: intBytesBE(s12.map((v) => v << 4), 2) });
  assert.deepEqual((await decodeAll(await openBytes(aiffPlugin, a12))).samples, s12);

  const s16 = noise(200, 2, 16, 23);
  assert.deepEqual((await decodeAll(await openBytes(aiffPlugin, aiffFile({ channels: 2, frames: 200, bits: 16, rate: RATE, data: intBytesBE(s16, 2), compression: 'twos' })))).samples, s16);
  assert.deepEqual((await decodeAll(await openBytes(aiffPlugin, aiffFile({ channels: 2, frames: 200, bits: 16, rate: RATE, data: intBytesLE(s16, 2), compression: 'sowt' })))).samples, s16);
  const s24 = noise(200, 2, 24, 24);
  assert.deepEqual((await decodeAll(await openBytes(aiffPlugin, aiffFile({ channels: 2, frames: 200, bits: 24, rate: RATE, data: intBytesBE(s24, 3), compression: 'in24' })))).samples, s24);
  const s32 = noise(200, 2, 32, 25);
  assert.deepEqual((await decodeAll(await openBytes(aiffPlugin, aiffFile({ channels: 2, frames: 200, bits: 32, rate: RATE, data: intBytesBE(s32, 4), compression: 'in32' })))).samples, s32);
  const f = floatNoise(200, 2, { float32: true });
  const fBytes = new Uint8Array(800 * 2);
  const v = new DataView(fBytes.buffer);
  f.forEach((x, i) => v.setFloat32(i * 4, x, false));
  const df = await openBytes(aiffPlugin, aiffFile({ channels: 2, frames: 200, bits: 32, rate: RATE, data: fBytes, compression: 'FL32' }));
  assert.equal(df.info.codec, 'IEEE float');
  assert.deepEqual((await decodeAll(df)).samples, f);
});

test('AIFF truncation, missing chunks and unsupported compression are typed', async () => {
  const src = noise(1000, 2, 16, 26);
  const whole = aiffFile({ channels: 2, frames: 1000, bits: 16, rate: RATE, data: intBytesBE(src, 2) });
  const cut = whole.subarray(0, whole.length - 4 * 250 - 1);
  const strict = await openBytes(aiffPlugin, cut);
  assert.equal(strict.info.totalFrames, 749);
  await assert.rejects(decodeAll(strict), (e) => isAurisError(e, 'E_TRUNCATED'));
  const lenient = await openBytes(aiffPlugin, cut, { integrity: 'lenient' });
  assert.deepEqual((await decodeAll(lenient)).samples, src.subarray(0, 749 * 2));
  assert.match(lenient.integrity().warnings.join(), /truncated/);

  // COMM says more frames than a complete SSND holds: decode the SSND, warn.
  const short = aiffFile({ channels: 2, frames: 2000, bits: 16, rate: RATE, data: intBytesBE(src, 2) });
  const ds = await openBytes(aiffPlugin, short);
  assert.deepEqual((await decodeAll(ds)).samples, src);
  assert.match(ds.integrity().warnings.join(), /COMM declares 2000 frames/);

  for (const compression of ['ulaw', 'alaw', 'ima4', 'ACE2']) {
    await assert.rejects(openBytes(aiffPlugin, aiffFile({ channels: 1, frames: 2, bits: 16, rate: RATE, data: new Uint8Array(4), compression })), (e) => isAurisError(e, 'E_UNSUPPORTED_FEATURE'), compression);
  }
  const noComm = concat(ascii('FORM'), Uint8Array.of(0, 0, 0, 12), ascii('AIFF'), chunk('SSND', new Uint8Array(8), { bigEndian: true }));
  await assert.rejects(openBytes(aiffPlugin, noComm), (e) => isAurisError(e, 'E_CORRUPT'));
  await assert.rejects(openBytes(aiffPlugin, aiffFile({ channels: 1, frames: 2, bits: 40, rate: RATE, data: new Uint8Array(10) })), (e) => isAurisError(e, 'E_CORRUPT'));
  await assert.rejects(openBytes(aiffPlugin, ascii('FORM\0\0\0\x04ILBM')), (e) => isAurisError(e, 'E_UNSUPPORTED_FORMAT'));
});

test('AIFF seeking to 200 random frames returns the frames of a full decode', async () => {
  const files = [
    aiffFile({ channels: 2, frames: 20000, bits: 16, rate: RATE, data: intBytesBE(noise(20000, 2, 16, 27), 2), offset: 3 }),
    aiffFile({ channels: 3, frames: 7001, bits: 24, rate: RATE, data: intBytesBE(noise(7001, 3, 24, 28), 3), compression: 'NONE' }),
  ];
  for (const file of files) {
    const full = await decodeAll(await openBytes(aiffPlugin, file));
    await checkSeeks(await openBytes(aiffPlugin, file), full);
  }
});
