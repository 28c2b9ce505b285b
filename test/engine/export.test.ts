// The export stage (src/engine/export.ts): device bytes and proof bytes for every container and
// source width, DoP, native DSD and mono upmix, checked against the pack functions the engine used
// before it (packInt / packFloat, packDop, packNativeDsd, unpackInt + packMd5Layout), and buffer reuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dsdBlock, floatBlock, intBlock } from '../../src/audio/block.ts';
import { DSD_SILENCE_BYTE, packDop, packNativeDsd, type NativeDsdFormat } from '../../src/audio/dop.ts';
import { dsdFormat, floatFormat, pcmFormat } from '../../src/audio/format.ts';
import { blockMd5Bytes, containerShape, intFitsContainer, packFloat, packInt, packMd5Layout, unpackInt, type Container } from '../../src/audio/pack.ts';
import { ExportStage } from '../../src/engine/export.ts';
import { isAurisError } from '../../src/util/errors.ts';

/** A hash that keeps what it is fed, in order. */
function recorder(): { update(b: Uint8Array): void; bytes(): Buffer } {
  const parts: Buffer[] = [];
  return { update: (b) => { parts.push(Buffer.from(b)); }, bytes: () => Buffer.concat(parts) };
}

/** Deterministic full-range samples of `bits` bits. */
function samplesOf(n: number, bits: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x | 0) >> (32 - bits);
  }
  out[0] = -(2 ** (bits - 1));
  out[1] = 2 ** (bits - 1) - 1;
  return out;
}

const INT_CONTAINERS: Container[] = ['S8', 'S16_LE', 'S24_3LE', 'S24_LE', 'S32_LE'];

test('PCM integers: every container x source width gives packInt\'s bytes and the MD5 layout of the samples read back', () => {
  for (const c of INT_CONTAINERS) {
    for (const bits of [8, 16, 20, 24, 32]) {
      if (!intFitsContainer(bits, c)) continue;
      const stage = new ExportStage(c, 2, 1, 'pcm');
      const hash = recorder();
      const expectedMd5: Buffer[] = [];
      for (const [n, seed] of [[512, 1], [300, 2], [512, 3]] as const) {
        const samples = samplesOf(n * 2, bits, seed + bits);
        const bytes = stage.pack(intBlock(pcmFormat(48000, 2, bits), samples), hash);
        const old = packInt(samples, bits, c);
        assert.ok(Buffer.from(bytes).equals(Buffer.from(old)), `${bits} bits in ${c}: device bytes`);
        // The old proof: exact containers hashed as they are, others read back with unpackInt.
        const exact = containerShape(c).bytes * 8 === bits;
        expectedMd5.push(Buffer.from(exact ? old : packMd5Layout(unpackInt(old, bits, c), bits)));
      }
      assert.ok(hash.bytes().equals(Buffer.concat(expectedMd5)), `${bits} bits in ${c}: proof bytes`);
    }
  }
});

test('PCM floats: f32 into FLOAT_LE and FLOAT64_LE, f64 into FLOAT64_LE, as packFloat; f64 into FLOAT_LE is refused', () => {
  const values = Float64Array.from({ length: 1024 }, (_, i) => Math.fround(Math.sin(i / 7) * 0.9));
  for (const [bits, c] of [[32, 'FLOAT_LE'], [32, 'FLOAT64_LE'], [64, 'FLOAT64_LE']] as const) {
    const stage = new ExportStage(c, 2, 1, 'pcm');
    const hash = recorder();
    const block = floatBlock(floatFormat(96000, 2, bits), values);
    const bytes = stage.pack(block, hash);
    assert.ok(Buffer.from(bytes).equals(Buffer.from(packFloat(values, c))), `f${bits} in ${c}`);
    // The proof always sees the samples in their own layout: the device bytes when the container is as
    // wide as the samples, else the f32 samples widened exactly into FLOAT64_LE, in f32 (it used to see nothing).
    assert.ok(hash.bytes().equals(Buffer.from(blockMd5Bytes(block))), `f${bits} in ${c}: proof bytes`);
  }
  assert.throws(() => new ExportStage('FLOAT_LE', 2, 1, 'pcm').pack(floatBlock(floatFormat(96000, 2, 64), values), recorder()),
    (e) => isAurisError(e, 'E_FORMAT_REFUSED'));
  assert.throws(() => new ExportStage('S16_LE', 2, 1, 'pcm').pack(intBlock(pcmFormat(96000, 2, 24), samplesOf(8, 24, 1)), recorder()),
    (e) => isAurisError(e, 'E_FORMAT_REFUSED'));
});

test('mono upmix: each sample to both device channels (integers and floats); the proof hashes the mono samples read back', () => {
  for (const c of ['S16_LE', 'S24_3LE', 'S32_LE'] as const) {
    const bits = c === 'S16_LE' ? 16 : 24;
    const mono = samplesOf(777, bits, 9);
    const stage = new ExportStage(c, 1, 2, 'pcm');
    const hash = recorder();
    const bytes = stage.pack(intBlock(pcmFormat(44100, 1, bits), mono), hash);
    const stereo = Int32Array.from({ length: mono.length * 2 }, (_, i) => mono[i >> 1]!);
    assert.ok(Buffer.from(bytes).equals(Buffer.from(packInt(stereo, bits, c))), `${bits} bits in ${c}`);
    assert.ok(hash.bytes().equals(Buffer.from(packMd5Layout(mono, bits))), `${bits} bits in ${c}: proof`);
  }
  const mono = Float64Array.from({ length: 300 }, (_, i) => Math.fround(Math.cos(i) / 2));
  const stage = new ExportStage('FLOAT_LE', 1, 2, 'pcm');
  const hash = recorder();
  const bytes = stage.pack(floatBlock(floatFormat(44100, 1, 32), mono), hash);
  assert.ok(Buffer.from(bytes).equals(Buffer.from(packFloat(Float64Array.from({ length: 600 }, (_, i) => mono[i >> 1]!), 'FLOAT_LE'))));
  assert.ok(hash.bytes().equals(Buffer.from(packFloat(mono, 'FLOAT_LE'))));
});

/** Byte-interleaved stereo DSD, split in uneven chunks (odd frame counts, so DoP and native words straddle them). */
function dsdChunks(): Uint8Array[] {
  const all = Uint8Array.from({ length: 2 * 1001 }, (_, i) => (i * 37 + (i >> 3)) & 0xff);
  return [all.subarray(0, 2 * 333), all.subarray(2 * 333, 2 * 334), all.subarray(2 * 334, 2 * 900), all.subarray(2 * 900)];
}

test('DoP: the device bytes of a stream packed in uneven blocks equal packDop of the whole, and the proof gets every DSD byte once', () => {
  for (const c of ['S24_3LE', 'S32_LE'] as const) {
    const stage = new ExportStage(c, 2, 1, 'dop');
    const chunks = dsdChunks();
    const device: Buffer[] = [];
    const hash = recorder();
    for (const b of chunks) device.push(Buffer.from(stage.pack(dsdBlock(dsdFormat(2822400, 2), b), hash)));
    stage.claimHeldDsd(hash); // the track ends: the held frame is its own
    device.push(Buffer.from(stage.flush()));
    const whole = Buffer.concat(chunks.map((b) => Buffer.from(b)));
    assert.ok(Buffer.concat(device).equals(Buffer.from(packDop(whole, 2, c))), `DoP in ${c}`);
    assert.ok(hash.bytes().equals(whole), `DoP in ${c}: proof`);
  }
});

test('native DSD: every ALSA layout equals packNativeDsd of the whole stream padded with DSD silence; the proof gets every byte once', () => {
  for (const f of ['DSD_U8', 'DSD_U16_LE', 'DSD_U16_BE', 'DSD_U32_LE', 'DSD_U32_BE'] as NativeDsdFormat[]) {
    const stage = new ExportStage(f, 2, 1, 'native');
    const chunks = dsdChunks();
    const device: Buffer[] = [];
    const hash = recorder();
    for (const b of chunks) device.push(Buffer.from(stage.pack(dsdBlock(dsdFormat(2822400, 2), b), hash)));
    stage.claimHeldDsd(hash);
    device.push(Buffer.from(stage.flush()));
    const whole = Buffer.concat(chunks.map((b) => Buffer.from(b)));
    const word = 2 * (f === 'DSD_U8' ? 1 : f.startsWith('DSD_U16') ? 2 : 4);
    const padded = Buffer.concat([whole, Buffer.alloc((word - (whole.length % word)) % word, DSD_SILENCE_BYTE)]);
    assert.ok(Buffer.concat(device).equals(Buffer.from(packNativeDsd(padded, 2, f))), f);
    assert.ok(hash.bytes().equals(whole), `${f}: proof`);
  }
});

test('a gapless join on a DSD stream: the bytes held across it go to the first track\'s proof, not again to the second\'s', () => {
  const stage = new ExportStage('DSD_U32_BE', 2, 1, 'native');
  const [a, b] = [Uint8Array.from({ length: 2 * 5 }, (_, i) => i + 1), Uint8Array.from({ length: 2 * 7 }, (_, i) => 100 + i)];
  const first = recorder();
  const second = recorder();
  stage.pack(dsdBlock(dsdFormat(2822400, 2), a), first);
  stage.claimHeldDsd(first);
  stage.pack(dsdBlock(dsdFormat(2822400, 2), b), second);
  stage.claimHeldDsd(second);
  assert.ok(first.bytes().equals(Buffer.from(a)));
  assert.ok(second.bytes().equals(Buffer.from(b)));
});

test('steady state reuses one buffer: the second block of the same size (and a shorter one) lands in the first block\'s ArrayBuffer', () => {
  const cases: [ExportStage, () => Parameters<ExportStage['pack']>[0]][] = [
    [new ExportStage('S32_LE', 2, 1, 'pcm'), () => intBlock(pcmFormat(96000, 2, 24), samplesOf(9600, 24, 5))],
    [new ExportStage('S32_LE', 1, 2, 'pcm'), () => intBlock(pcmFormat(96000, 1, 24), samplesOf(4800, 24, 6))],
    [new ExportStage('S24_3LE', 2, 1, 'dop'), () => dsdBlock(dsdFormat(2822400, 2), new Uint8Array(2 * 4400).fill(0x69))],
    [new ExportStage('DSD_U32_BE', 2, 1, 'native'), () => dsdBlock(dsdFormat(2822400, 2), new Uint8Array(2 * 4400).fill(0x69))],
  ];
  for (const [stage, block] of cases) {
    const first = stage.pack(block(), recorder());
    const second = stage.pack(block(), recorder());
    assert.equal(second.buffer, first.buffer, `${stage.container}: same ArrayBuffer`);
    assert.equal(second.length, first.length);
  }
  // Blocks that leave a partial native word held: the buffer grows once, then stays.
  const native = new ExportStage('DSD_U32_BE', 2, 1, 'native');
  const buffers = Array.from({ length: 6 }, () => native.pack(dsdBlock(dsdFormat(2822400, 2), new Uint8Array(2 * 4410).fill(0x69)), recorder()).buffer);
  assert.equal(new Set(buffers.slice(1)).size, 1, 'native DSD with a held word: one buffer from the second block on');
  const stage = new ExportStage('S24_3LE', 2, 1, 'pcm');
  const big = stage.pack(intBlock(pcmFormat(48000, 2, 24), samplesOf(4800, 24, 7)), recorder());
  const small = stage.pack(intBlock(pcmFormat(48000, 2, 24), samplesOf(1000, 24, 8)), recorder());
  assert.equal(small.buffer, big.buffer);
  assert.ok(Buffer.from(small).equals(Buffer.from(packInt(samplesOf(1000, 24, 8), 24, 'S24_3LE'))));
});

test('a block of the wrong kind for the stream is a typed error', () => {
  assert.throws(() => new ExportStage('S24_3LE', 2, 1, 'dop').pack(intBlock(pcmFormat(176400, 2, 24), new Int32Array(4)), recorder()),
    (e) => isAurisError(e, 'E_INTERNAL'));
  assert.throws(() => new ExportStage('S24_3LE', 2, 1, 'pcm').pack(dsdBlock(dsdFormat(2822400, 2), new Uint8Array(4)), recorder()),
    (e) => isAurisError(e, 'E_FORMAT_REFUSED'));
  assert.throws(() => new ExportStage('DSD_U32_BE', 2, 1, 'pcm'), (e) => isAurisError(e, 'E_INTERNAL'));
  assert.throws(() => new ExportStage('S32_LE', 2, 1, 'native'), (e) => isAurisError(e, 'E_INTERNAL'));
  assert.throws(() => new ExportStage('S16_LE', 2, 1, 'dop'), (e) => isAurisError(e, 'E_INTERNAL'));
});
