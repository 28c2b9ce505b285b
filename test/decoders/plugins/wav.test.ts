import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { wavPlugin } from '../../../src/decoders/plugins/wav/index.ts';
import { packFloat, packMd5Layout } from '../../../src/audio/pack.ts';
import { isAurisError } from '../../../src/util/errors.ts';
import { needTools, run } from '../../helpers/tools.ts';
import { ffmpegBatch, ffmpegDecodeRaw } from '../../helpers/ffmpeg.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { floatNoise, noise } from '../../helpers/signals.ts';
import { asToolBytes, checkSeeks, decodeAll, openBytes, type Decoded } from '../../helpers/decode.ts';
import { chunk, concat, intBytesLE, riffWave, uint, wavFmt, ascii } from '../../helpers/containers.ts';

const RATE = 48000;
const FRAMES = 4801; // odd, so 8-bit mono and 24-bit mono data chunks are odd-sized

async function decodeFile(file: string): Promise<{ decoded: Decoded; bytes: Uint8Array }> {
  const bytes = readFileSync(file);
  const decoder = await openBytes(wavPlugin, bytes);
  return { decoded: await decodeAll(decoder, 1000), bytes };
}

interface ToolCase {
  readonly codec: string;
  readonly channels: number;
  /** Integer depth, or 32/64 for float codecs. */
  readonly bits: number;
  readonly rf64?: boolean;
}

const FFMPEG_CASES: ToolCase[] = [
  { codec: 'pcm_u8', bits: 8, channels: 1 },
  { codec: 'pcm_s16le', bits: 16, channels: 2 },
  { codec: 'pcm_s24le', bits: 24, channels: 1 },
  { codec: 'pcm_s32le', bits: 32, channels: 2 },
  ...[2, 3, 4, 5, 6, 7, 8].map((channels) => ({ codec: 'pcm_s24le', bits: 24, channels })),
  { codec: 'pcm_s16le', bits: 16, channels: 6 },
  { codec: 'pcm_f32le', bits: 32, channels: 1 },
  { codec: 'pcm_f32le', bits: 32, channels: 6 },
  { codec: 'pcm_f64le', bits: 64, channels: 2 },
  { codec: 'pcm_s24le', bits: 24, channels: 2, rf64: true },
  { codec: 'pcm_f32le', bits: 32, channels: 2, rf64: true },
];

test('WAV and RF64 written by ffmpeg (8-32 bit, float 32/64, 1-8 ch extensible) decode byte-equal to ffmpeg', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const cases = FFMPEG_CASES.map((c, i) => {
    const float = c.codec.startsWith('pcm_f');
    const src = float ? floatNoise(FRAMES, c.channels, { seed: i, float32: c.bits === 32 }) : noise(FRAMES, c.channels, c.bits, 100 + i);
    const input = path.join(dir, `in${i}.raw`);
    writeFileSync(input, float ? packFloat(src as Float64Array, 'FLOAT64_LE') : packMd5Layout((src as Int32Array).map((v) => v << (32 - c.bits)), 32));
    return { ...c, float, src, input, file: path.join(dir, `${i}-${c.codec}-${c.channels}.wav`) };
  });
  ffmpegBatch(cases.map((c) => ({
    input: c.input,
    inputArgs: ['-f', c.float ? 'f64le' : 's32le', '-ar', String(RATE), '-ac', String(c.channels)],
    output: c.file,
    outputArgs: ['-c:a', c.codec, ...(c.rf64 ? ['-rf64', 'always'] : []), '-f', 'wav'],
  })));
  ffmpegDecodeRaw(cases.map((c) => ({ file: c.file, raw: c.float ? 'f64le' : 's32le' })));
  for (const [i, c] of cases.entries()) {
    const { decoded, bytes } = await decodeFile(c.file);
    const label = `${c.codec} ${c.channels} ch${c.rf64 ? ' RF64' : ''}`;
    assert.equal(Buffer.from(bytes.subarray(0, 4)).toString(), c.rf64 ? 'RF64' : 'RIFF', label);
    assert.equal(decoded.format.validBits, c.bits, label);
    assert.equal(decoded.format.channels, c.channels, label);
    assert.equal(decoded.frames, FRAMES, label);
    assert.deepEqual(decoded.samples, c.src, `${label}: the samples put in`);
    assert.ok(asToolBytes(decoded).equals(readFileSync(`${c.file}.${c.float ? 'f64le' : 's32le'}`)), `${label}: equal to ffmpeg's decode`);
    await checkSeeks(await openBytes(wavPlugin, bytes), decoded, 200, i);
    if (!c.rf64 && (c.channels > 2 || c.bits > 16)) assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint16(20, true), 0xfffe, `${label}: ffmpeg wrote WAVE_FORMAT_EXTENSIBLE`);
    if (c.rf64) {
      const bw64 = Uint8Array.from(bytes);
      bw64.set(ascii('BW64'), 0);
      const bw = await openBytes(wavPlugin, bw64);
      assert.equal(bw.info.container, 'BW64');
      assert.deepEqual((await decodeAll(bw)).samples, c.src, `${label} relabelled BW64`);
    }
  }
});

test('WAV and RIFX written by sox (8/16/24/32-bit, float 32/64) decode to what sox decodes', async (t) => {
  if (!needTools(t, 'sox')) return;
  const dir = tempDir();
  const cases = [
    { bits: 8, channels: 1, endian: [] as string[] },
    { bits: 16, channels: 2, endian: [] },
    { bits: 16, channels: 2, endian: ['-B'] },
    { bits: 24, channels: 2, endian: [] },
    { bits: 24, channels: 4, endian: [] },
    { bits: 32, channels: 2, endian: [] },
    { bits: 32, channels: 1, endian: ['-B'] },
  ];
  for (const [i, c] of cases.entries()) {
    const src = noise(FRAMES, c.channels, c.bits, 200 + i);
    const raw = path.join(dir, `in${i}.raw`);
    const file = path.join(dir, `sox${i}.wav`);
    writeFileSync(raw, packMd5Layout(src, c.bits));
    run('sox', ['-t', 'raw', '-r', String(RATE), '-e', 'signed', '-b', String(c.bits), '-c', String(c.channels), raw, ...c.endian, file]);
    const { decoded, bytes } = await decodeFile(file);
    const label = `sox ${c.bits}-bit ${c.channels} ch ${c.endian.join('')}`;
    if (c.endian.length) assert.equal(Buffer.from(bytes.subarray(0, 4)).toString(), 'RIFX', label);
    assert.deepEqual(decoded.samples, src, label);
    const soxOut = run('sox', [file, '-t', 'raw', '-e', 'signed', '-b', '32', '-L', '-']);
    assert.ok(asToolBytes(decoded).equals(soxOut), `${label}: equal to sox's decode`);
    await checkSeeks(await openBytes(wavPlugin, bytes), decoded, 200, i);
  }
  for (const bits of [32, 64]) {
    const src = floatNoise(FRAMES, 2, { seed: bits, float32: bits === 32 });
    const raw = path.join(dir, `f${bits}.raw`);
    const file = path.join(dir, `soxf${bits}.wav`);
    writeFileSync(raw, packFloat(src, bits === 32 ? 'FLOAT_LE' : 'FLOAT64_LE'));
    run('sox', ['-t', 'raw', '-r', String(RATE), '-e', 'floating-point', '-b', String(bits), '-c', '2', raw, file]);
    const { decoded } = await decodeFile(file);
    const soxOut = run('sox', [file, '-t', 'raw', '-e', 'floating-point', '-b', '64', '-L', '-']);
    assert.ok(asToolBytes(decoded).equals(soxOut), `sox float${bits}: equal to sox's decode`);
  }
});

test('WAV that ffmpeg and sox write to a pipe (unknown-length headers) decodes whole', async (t) => {
  if (!needTools(t, 'ffmpeg', 'sox')) return;
  const src = noise(FRAMES, 2, 16, 31);
  const raw = packMd5Layout(src, 16);
  const fromFfmpeg = run('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', String(RATE), '-ac', '2', '-i', '-', '-c:a', 'pcm_s16le', '-f', 'wav', '-'], { input: raw });
  const fromFfmpegRf64 = run('ffmpeg', ['-v', 'error', '-f', 's16le', '-ar', String(RATE), '-ac', '2', '-i', '-', '-c:a', 'pcm_s16le', '-rf64', 'always', '-f', 'wav', '-'], { input: raw });
  const fromSox = run('sox', ['-V1', '-t', 'raw', '-r', String(RATE), '-e', 'signed', '-b', '16', '-c', '2', '-', '-t', 'wav', '-'], { input: raw });
  for (const [tool, bytes] of [['ffmpeg', fromFfmpeg], ['ffmpeg -rf64 always', fromFfmpegRf64], ['sox', fromSox]] as const) {
    const d = await openBytes(wavPlugin, bytes);
    assert.equal(d.info.totalFrames, FRAMES, tool);
    assert.deepEqual((await decodeAll(d)).samples, src, tool);
    assert.match(d.integrity().warnings.join(), /streaming writer/, tool);
  }
});

const pcm16 = (channels: number) => wavFmt({ tag: 1, channels, rate: RATE, containerBits: 16 });

test('odd-sized and unknown chunks are skipped with their pad byte; LIST/id3/fmt-after-data still work', async () => {
  const src = noise(101, 2, 16, 9);
  const data = intBytesLE(src, 2);
  const file = riffWave([
    chunk('JUNK', new Uint8Array(3)), // odd: pad byte follows
    chunk('LIST', concat(ascii('INFO'), chunk('INAM', ascii('odd title')))),
    chunk('abcd', Uint8Array.of(1, 2, 3, 4, 5)),
    chunk('fmt ', pcm16(2)),
    chunk('id3 ', new Uint8Array(11)),
    chunk('data', data),
    chunk('LIST', ascii('INFOtrailing')),
  ]);
  const decoded = await decodeAll(await openBytes(wavPlugin, file));
  assert.deepEqual(decoded.samples, src);

  // fmt after data, and an odd data chunk (8-bit mono, 101 frames) followed by its pad byte.
  const u8 = noise(101, 1, 8, 10);
  const late = riffWave([chunk('data', Uint8Array.from(u8, (v) => v + 128)), chunk('fmt ', wavFmt({ tag: 1, channels: 1, rate: 8000, containerBits: 8 }))]);
  assert.deepEqual((await decodeAll(await openBytes(wavPlugin, late))).samples, u8);
});

test('20 valid bits in a 24-bit container come out as 20-bit samples; non-zero padding keeps all 24 bits', async () => {
  const src = noise(3000, 2, 20, 11);
  const fmt = wavFmt({ tag: 1, channels: 2, rate: 96000, containerBits: 24, validBits: 20, extensible: true });
  const clean = riffWave([chunk('fmt ', fmt), chunk('data', intBytesLE(src.map((v) => v << 4), 3))]);
  const d = await openBytes(wavPlugin, clean);
  assert.deepEqual(d.format, { rate: 96000, channels: 2, sample: 's24', validBits: 20 });
  const decoded = await decodeAll(d);
  assert.deepEqual(decoded.samples, src);
  assert.deepEqual(d.integrity().warnings, []);

  const dirty = noise(3000, 2, 24, 12); // low 4 bits carry signal although the header says 20
  const lying = riffWave([chunk('fmt ', fmt), chunk('data', intBytesLE(dirty, 3))]);
  const d2 = await openBytes(wavPlugin, lying);
  assert.equal(d2.format.validBits, 24);
  assert.deepEqual((await decodeAll(d2)).samples, dirty);
  assert.match(d2.integrity().warnings.join(), /padding bits are not zero/);

  // 24 valid bits in 32-bit containers, and 12 bits in a plain PCM 16-bit container.
  const s24 = noise(500, 2, 24, 13);
  const in32 = riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 2, rate: RATE, containerBits: 32, validBits: 24, extensible: true })), chunk('data', intBytesLE(s24.map((v) => v << 8), 4))]);
  const d3 = await openBytes(wavPlugin, in32);
  assert.deepEqual(d3.format, { rate: RATE, channels: 2, sample: 's24', validBits: 24 });
  assert.deepEqual((await decodeAll(d3)).samples, s24);
  const s12 = noise(500, 1, 12, 14);
  const in16 = riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 1, rate: RATE, containerBits: 16, validBits: 12 })), chunk('data', intBytesLE(s12.map((v) => v << 4), 2))]);
  const d4 = await openBytes(wavPlugin, in16);
  assert.equal(d4.format.validBits, 12);
  assert.deepEqual((await decodeAll(d4)).samples, s12);
});

test('streaming headers (data size 0xFFFFFFFF or 0) use the file size', async () => {
  const src = noise(777, 2, 16, 15);
  const data = intBytesLE(src, 2);
  for (const size of [0xffffffff, 0]) {
    const file = riffWave([chunk('fmt ', pcm16(2)), chunk('data', data, { size })], { riffSize: size });
    const d = await openBytes(wavPlugin, file);
    assert.equal(d.info.totalFrames, 777);
    assert.deepEqual((await decodeAll(d)).samples, src, `data size ${size}`);
    assert.match(d.integrity().warnings.join(), /streaming/);
  }
  // A really empty data chunk followed by a LIST chunk is empty, not streamed.
  const empty = riffWave([chunk('fmt ', pcm16(2)), chunk('data', new Uint8Array(0)), chunk('LIST', ascii('INFO'))]);
  const d = await openBytes(wavPlugin, empty);
  assert.equal(d.info.totalFrames, 0);
  assert.equal(await d.read(100), null);
});

test('a data chunk longer than the file: decodes what is there, then E_TRUNCATED (strict) or a warning (lenient)', async () => {
  const src = noise(1000, 2, 24, 16);
  const whole = riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 2, rate: RATE, containerBits: 24, extensible: true })), chunk('data', intBytesLE(src, 3))]);
  const cut = whole.subarray(0, whole.length - 6 * 300 - 4); // 300 frames and 4 bytes of a frame missing
  const strict = await openBytes(wavPlugin, cut);
  assert.equal(strict.info.totalFrames, 699);
  const got: Int32Array[] = [];
  await assert.rejects(async () => { for (let b = await strict.read(256); b; b = await strict.read(256)) if (b.kind === 'int') got.push(b.samples); }, (e) => isAurisError(e, 'E_TRUNCATED'));
  assert.deepEqual(concatInt(got), src.subarray(0, 699 * 2));
  assert.equal(await strict.read(256), null, 'after the error the stream ends');
  assert.match(strict.integrity().warnings.join(), /truncated/);

  const lenient = await openBytes(wavPlugin, cut, { integrity: 'lenient' });
  assert.deepEqual((await decodeAll(lenient)).samples, src.subarray(0, 699 * 2));
  assert.match(lenient.integrity().warnings.join(), /declares 1000 frames, the file holds 699/);
});

test('compressed and unknown WAV formats are typed refusals', async () => {
  const fmt = (tag: number) => riffWave([chunk('fmt ', wavFmt({ tag, channels: 2, rate: RATE, containerBits: 16 })), chunk('data', new Uint8Array(64))]);
  await assert.rejects(openBytes(wavPlugin, fmt(2)), (e) => isAurisError(e, 'E_UNSUPPORTED_FEATURE')); // MS ADPCM
  await assert.rejects(openBytes(wavPlugin, fmt(0x55)), (e) => isAurisError(e, 'E_UNSUPPORTED_FEATURE')); // MP3 in WAV
  await assert.rejects(openBytes(wavPlugin, riffWave([chunk('data', new Uint8Array(4))])), (e) => isAurisError(e, 'E_CORRUPT'));
  await assert.rejects(openBytes(wavPlugin, riffWave([chunk('fmt ', pcm16(2))])), (e) => isAurisError(e, 'E_TRUNCATED'));
  await assert.rejects(openBytes(wavPlugin, ascii('RIFF\0\0\0\0AVI LIST')), (e) => isAurisError(e, 'E_UNSUPPORTED_FORMAT'));
  await assert.rejects(openBytes(wavPlugin, riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 0, rate: RATE, containerBits: 16 })), chunk('data', new Uint8Array(4))])), (e) => isAurisError(e, 'E_CORRUPT'));
});

test('RF64 built by hand: ds64 sizes override 0xFFFFFFFF, stream info is filled', async () => {
  const src = noise(999, 3, 16, 17);
  const data = intBytesLE(src, 2);
  const ds64 = concat(uint(0, 8), uint(data.length, 8), uint(999, 8), uint(0, 4));
  const file = riffWave([chunk('ds64', ds64), chunk('fmt ', pcm16(3)), chunk('data', data, { size: 0xffffffff }), chunk('LIST', ascii('INFO'))], { magic: 'RF64', riffSize: 0xffffffff });
  const d = await openBytes(wavPlugin, file);
  assert.deepEqual(d.info, { codec: 'PCM', container: 'RF64', lossless: true, totalFrames: 999, bitrate: RATE * 3 * 16, md5: null });
  assert.deepEqual((await decodeAll(d)).samples, src);
  assert.deepEqual(d.integrity(), { md5: 'absent', crcErrors: 0, warnings: [], damage: [] });
});

test('seeking to 200 random frames returns the frames of a full decode (16-bit, 24-bit, float, 8-bit)', async () => {
  const files = [
    riffWave([chunk('fmt ', pcm16(2)), chunk('data', intBytesLE(noise(20000, 2, 16, 18), 2))]),
    riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 5, rate: RATE, containerBits: 24, extensible: true })), chunk('data', intBytesLE(noise(9001, 5, 24, 19), 3))]),
    riffWave([chunk('fmt ', wavFmt({ tag: 3, channels: 2, rate: RATE, containerBits: 64 })), chunk('data', packFloat(floatNoise(8000, 2), 'FLOAT64_LE'))]),
    riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 1, rate: 8000, containerBits: 8 })), chunk('data', Uint8Array.from(noise(12345, 1, 8, 20), (v) => v + 128))]),
  ];
  for (const file of files) {
    const full = await decodeAll(await openBytes(wavPlugin, file));
    await checkSeeks(await openBytes(wavPlugin, file), full);
  }
});

function concatInt(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
