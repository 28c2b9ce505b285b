// `auris eq`, `auris convert` and `auris debug filter`, run as a user runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { intBlock, type AudioBlock } from '../../src/audio/block.ts';
import { pcmFormat, type AudioFormat } from '../../src/audio/format.ts';
import { wavDataBytes, wavHeader } from '../../src/audio/wav.ts';
import { openFile } from '../../src/decoders/registry.ts';
import { buildChain } from '../../src/dsp/chain.ts';
import { eqResponse } from '../../src/dsp/plugins/eq/index.ts';
import { loadEqPreset } from '../../src/dsp/presets/load.ts';
import { findFilterPlugin, prepareFilter } from '../../src/dsp/registry.ts';
import type { PreparedFilter } from '../../src/dsp/interface.ts';
import { crc32 } from '../../src/util/png.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HD650 = path.join(ROOT, 'test/dsp/presets/fixtures/hd650-ParametricEQ.txt');

function auris(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, input, maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** Writes a 16-bit stereo WAV of a tone plus a little deterministic noise; returns path and samples. */
function makeWav(dir: string, rate = 44100, seconds = 0.5, bits = 16): { file: string; samples: Int32Array; format: AudioFormat } {
  const format = pcmFormat(rate, 2, bits);
  const n = Math.round(rate * seconds);
  const full = 2 ** (bits - 1) - 1;
  let s = 1;
  const samples = Int32Array.from({ length: n * 2 }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const t = Math.floor(i / 2) / rate;
    return Math.round(full * (0.5 * Math.sin(2 * Math.PI * (i % 2 ? 440 : 60) * t) + 0.01 * (s / 2 ** 32 - 0.5)));
  });
  const data = wavDataBytes(intBlock(format, samples));
  const file = path.join(dir, `src-${rate}-${bits}.wav`);
  writeFileSync(file, Buffer.concat([wavHeader(format, data.length), data]));
  return { file, samples, format };
}

/** The data chunk of a RIFF/WAVE file. */
function wavData(bytes: Uint8Array): Uint8Array {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let p = 12; p + 8 <= bytes.length;) {
    const id = String.fromCharCode(...bytes.subarray(p, p + 4));
    const size = v.getUint32(p + 4, true);
    if (id === 'data') return bytes.subarray(p + 8, p + 8 + size);
    p += 8 + size + (size & 1);
  }
  throw new Error('no data chunk');
}

test('auris eq --json: preamp as given, automatic preamp from the true maximum, response as the library computes it', async () => {
  const r = auris(['eq', HD650, '--json', '--rate', '44100', '--freqs', '0,20,1000,8865,22050']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout.toString());
  assert.equal(j.preampDb, -6.1);
  assert.equal(j.autoPreampDb, -6.4);
  assert.equal(j.bands.length, 10);
  assert.deepEqual(j.bands[0], { type: 'lowshelf', freq: 105, gainDb: 6.4, q: 0.7, channels: 'all', biquadHz: 105 });
  const { settings } = await loadEqPreset(HD650);
  const lib = eqResponse(settings, 44100, [0, 20, 1000, 8865, 22050]);
  assert.deepEqual(j.response.map((p: { hz: number }) => p.hz), [0, 20, 1000, 8865, 22050]);
  j.response.forEach((p: { db: number }, i: number) => assert.ok(Math.abs(p.db - lib[i]!.db) < 1e-4));
  assert.ok(Math.abs(j.response[0].db - 0.3) < 1e-3, 'DC: +6.4 dB of filters with the file\'s -6.1 dB preamp');
});

test('auris eq --png writes a valid PNG of the stated size', () => {
  const dir = tempDir();
  const png = path.join(dir, 'eq.png');
  const r = auris(['eq', HD650, '--png', png, '--size', '640x320']);
  assert.equal(r.status, 0, r.stderr);
  const b = readFileSync(png);
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  assert.equal(b.subarray(12, 16).toString(), 'IHDR');
  assert.equal(v.getUint32(16), 640);
  assert.equal(v.getUint32(20), 320);
  // Every chunk's CRC is right and the image data inflates to 320 rows of 1 + 640*3 bytes.
  const idat: Buffer[] = [];
  for (let p = 8; p < b.length;) {
    const len = v.getUint32(p);
    const type = b.subarray(p + 4, p + 8).toString();
    assert.equal(v.getUint32(p + 8 + len), crc32(b.subarray(p + 4, p + 8 + len)), `${type} CRC`);
    if (type === 'IDAT') idat.push(b.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  assert.equal(raw.length, 320 * (1 + 640 * 3));
  let coloured = 0;
  for (let i = 0; i < raw.length; i += 3) if (raw[i] !== raw[i + 1]) coloured++;
  assert.ok(coloured > 500, 'a curve is drawn');
});

test('auris eq refuses a missing preset and a bad frequency list with typed errors', () => {
  const missing = auris(['eq', '/nonexistent/preset.txt']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /E_NOT_FOUND/);
  const bad = auris(['eq', HD650, '--freqs', '20,abc']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /E_INVALID_ARGUMENT/);
});

/** The WAV data bytes the library's chain of `filters` (TPDF dither, `seed`) makes of `file`: what convert must write. */
async function libraryChainBytes(file: string, format: AudioFormat, filters: PreparedFilter[], seed: number): Promise<Buffer> {
  const chain = buildChain(filters, format, { dither: 'tpdf', seed });
  const opened = await openFile(file);
  const parts: Uint8Array[] = [];
  try {
    for (let b: AudioBlock | null; (b = await opened.decoder.read(10000));) parts.push(wavDataBytes(chain.process(b)));
  } finally {
    await opened.close();
  }
  return Buffer.concat(parts);
}

test('auris convert --eq equals the library chain on the same decoded samples (same dither seed)', async () => {
  const dir = tempDir();
  const { file, format } = makeWav(dir);
  const out = path.join(dir, 'eq.wav');
  const r = auris(['convert', file, out, '--eq', HD650, '--seed', '3']);
  assert.equal(r.status, 0, r.stderr);
  // The preset says -6.1 dB; its largest boost needs -6.4 dB, which the automatic preamp (on by default) applies.
  assert.match(r.stderr, /Parametric EQ: 10 bands, preamp -6\.40 dB \(auto\)/);
  const { settings } = await loadEqPreset(HD650);
  const expected = await libraryChainBytes(file, format, [prepareFilter('eq', { ...settings, autoPreamp: true })], 3);
  const got = wavData(readFileSync(out));
  assert.equal(got.length, expected.length);
  assert.ok(Buffer.from(got).equals(expected), 'convert output differs from the library result');
  assert.ok(!Buffer.from(got).equals(Buffer.from(wavData(readFileSync(file)))), 'the EQ changed the samples');
});

test('auris convert --eq lowers a boosting preset\'s preamp by default, as playback does; --no-auto-preamp keeps it and counts the clips', () => {
  const dir = tempDir();
  const { file } = makeWav(dir); // 440 Hz at -6 dBFS on the right channel
  const preset = path.join(dir, 'boost.txt');
  writeFileSync(preset, 'Preamp: 0 dB\nFilter 1: ON PK Fc 440 Hz Gain 12 dB Q 1\n');
  const auto = auris(['convert', file, path.join(dir, 'auto.wav'), '--eq', preset, '--seed', '1']);
  assert.equal(auto.status, 0, auto.stderr);
  assert.doesNotMatch(auto.stderr, /clipped samples/);
  const peak = (f: string) => {
    const d = wavData(readFileSync(f));
    let m = 0;
    for (let i = 0; i + 1 < d.length; i += 2) m = Math.max(m, Math.abs((d[i]! | (d[i + 1]! << 8)) << 16 >> 16));
    return m;
  };
  // -6 dBFS + 12 dB boost - 12 dB automatic preamp: about -6 dBFS again (0.5 of full scale, within 0.5 dB).
  assert.ok(Math.abs(20 * Math.log10(peak(path.join(dir, 'auto.wav')) / 32767) + 6) < 0.5);
  const own = auris(['convert', file, path.join(dir, 'own.wav'), '--eq', preset, '--no-auto-preamp', '--seed', '1']);
  assert.equal(own.status, 0, own.stderr);
  assert.match(own.stderr, /clipped samples per channel: \d+ [1-9]\d* \(drop --no-auto-preamp, or lower --volume\)/);
  assert.ok(peak(path.join(dir, 'own.wav')) >= 32767, 'clipped at full scale');
});

test('auris convert --crossfeed [preset] runs bs2b after the source, equal to the library chain; a bad preset is a typed error', async () => {
  const dir = tempDir();
  const { file, format } = makeWav(dir, 44100, 0.3, 16);
  for (const preset of [null, 'cmoy'] as const) {
    const out = path.join(dir, `crossfeed-${preset ?? 'default'}.wav`);
    const r = auris(['convert', file, out, '--crossfeed', ...(preset ? [preset] : []), '--seed', '5']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, preset ? /Crossfeed \(bs2b\): cmoy: 700 Hz, 6 dB/ : /Crossfeed \(bs2b\): default: 700 Hz, 4\.5 dB/);
    const expected = await libraryChainBytes(file, format, [prepareFilter('crossfeed', { preset: preset ?? 'default' })], 5);
    const got = Buffer.from(wavData(readFileSync(out)));
    assert.ok(got.equals(expected), `convert --crossfeed ${preset ?? ''} differs from the library chain`);
    assert.ok(!got.equals(Buffer.from(wavData(readFileSync(file)))), 'the crossfeed changed the samples');
  }
  const bad = auris(['convert', file, path.join(dir, 'bad.wav'), '--crossfeed', 'loud']);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /preset must be default, cmoy, jmeier, got loud \[E_INVALID_ARGUMENT\]/);
});

test('auris convert --volume 0 --dither none is byte-exact to the source (16 and 24 bit), and widens by zero-padding', () => {
  const dir = tempDir();
  for (const bits of [16, 24]) {
    const { file } = makeWav(dir, 48000, 0.3, bits);
    const out = path.join(dir, `copy-${bits}.wav`);
    const r = auris(['convert', file, out, '--volume', '0', '--dither', 'none']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /bit-perfect/);
    assert.ok(readFileSync(out).equals(readFileSync(file)), `${bits}-bit copy is not byte-exact`);
  }
  const { file, samples } = makeWav(dir, 44100, 0.2, 16);
  const wide = path.join(dir, 'wide.wav');
  assert.equal(auris(['convert', file, wide, '--bits', '24']).status, 0);
  const data = wavData(readFileSync(wide));
  for (let i = 0; i < samples.length; i += 97) {
    assert.equal(data[3 * i], 0);
    assert.equal(((data[3 * i + 1]! | (data[3 * i + 2]! << 8)) << 16) >> 16, samples[i]);
  }
});

test('auris convert of a FLAC made by flac(1) with nothing to do gives the source samples exactly', (t) => {
  if (!needTools(t, 'flac')) return;
  const dir = tempDir();
  const { file } = makeWav(dir, 44100, 0.4, 16);
  const flac = path.join(dir, 'src.flac');
  run('flac', ['-s', '-f', '-o', flac, file]);
  const out = path.join(dir, 'from-flac.wav');
  const r = auris(['convert', flac, out, '--dither', 'none', '--volume', '0']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Buffer.from(wavData(readFileSync(out))).equals(Buffer.from(wavData(readFileSync(file)))));
});

test('auris convert --rate: resamples when a resampler is registered, otherwise a typed error says none is', () => {
  const dir = tempDir();
  const { file } = makeWav(dir, 44100, 0.2, 16);
  const out = path.join(dir, 'rate.wav');
  const r = auris(['convert', file, out, '--rate', '48000']);
  if (findFilterPlugin('resample')) {
    assert.equal(r.status, 0, r.stderr);
    assert.equal(new DataView(readFileSync(out).buffer).getUint32(24 + 36 - 12 + 12, true), 48000);
  } else {
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no resampler is registered.*\[E_UNSUPPORTED_FEATURE\]/);
  }
});

test('auris debug filter streams raw PCM through one filter: volume -6 dB, no dither', () => {
  const frames = 3000;
  const src = Int16Array.from({ length: frames * 2 }, (_, i) => Math.round(20000 * Math.sin(i / 7)));
  const r = auris(['debug', 'filter', 'volume', '--settings', '{"db":-6}', '--rate', '44100', '--channels', '2', '--format', 's16', '--dither', 'none'], new Uint8Array(src.buffer));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /out: 44100 Hz, 2 ch, 16-bit/);
  const out = new Int16Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length / 2);
  assert.equal(out.length, src.length);
  const g = 10 ** (-6 / 20);
  for (let i = 0; i < src.length; i++) {
    const t = src[i]! * g;
    assert.equal(out[i], t >= 0 ? Math.floor(t + 0.5) : -Math.floor(0.5 - t));
  }
  const eq = auris(['debug', 'filter', 'eq', '--preset', HD650, '--rate', '44100', '--channels', '2', '--format', 'f32'], new Uint8Array(new Float32Array(src.length).fill(0.25).buffer));
  assert.equal(eq.status, 0, eq.stderr);
  assert.equal(eq.stdout.length, src.length * 4);
  const bad = auris(['debug', 'filter', 'nope', '--rate', '44100', '--channels', '2', '--format', 's16'], new Uint8Array(4));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /E_UNSUPPORTED_FEATURE/);
});
