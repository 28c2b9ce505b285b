// Unit tests of the FLAC bit reader, Rice decoding edge cases, and the CRCs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitReader, BitUnderflow, RiceOverflow } from '../../../src/decoders/plugins/flac/bit-reader.ts';
import { crc16, crc8 } from '../../../src/decoders/plugins/flac/crc.ts';

/** Packs a string of '0'/'1' (spaces ignored) MSB-first into bytes, zero-padded. */
function bits(s: string): Uint8Array {
  const b = s.replace(/\s/g, '');
  const out = new Uint8Array(Math.ceil(b.length / 8));
  for (let i = 0; i < b.length; i++) if (b[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

/** Rice code of a signed value with parameter k, as a bit string (zigzag, unary quotient, k low bits). */
function rice(v: number, k: number): string {
  const u = v >= 0 ? 2 * v : -2 * v - 1;
  const q = Math.floor(u / 2 ** k);
  const low = u % 2 ** k;
  return '0'.repeat(q) + '1' + (k ? low.toString(2).padStart(k, '0') : '');
}

function reader(bytes: Uint8Array, start = 0, end = bytes.length): BitReader {
  const r = new BitReader();
  r.reset(bytes, start, end);
  return r;
}

test('readBits: widths 1..32 across byte boundaries', () => {
  const values = [[1, 1], [3, 5], [7, 100], [13, 4321], [24, 0xabcdef], [25, 0x1abcdef], [31, 0x7fffffff], [32, 0xfedcba98], [2, 0]] as const;
  const r = reader(bits(values.map(([n, v]) => v.toString(2).padStart(n, '0')).join('')));
  for (const [n, v] of values) assert.equal(r.readBits(n), v, `${n} bits`);
  assert.equal(r.readBits(0), 0);
});

test('readSigned: sign extension at every width, and 33-bit values', () => {
  const cases: [number, number][] = [[1, -1], [4, -8], [4, 7], [16, -32768], [24, -1], [31, -(2 ** 30)], [32, -(2 ** 31)], [32, 2 ** 31 - 1], [33, -(2 ** 32)], [33, 2 ** 32 - 1], [33, -5]];
  const text = cases.map(([n, v]) => (v < 0 ? 2 ** n + v : v).toString(2).padStart(n, '0')).join('');
  const r = reader(bits(text));
  for (const [n, v] of cases) assert.equal(r.readSigned(n), v, `${n}-bit ${v}`);
});

test('readUnary: zero runs longer than the cache, and a one in the last bit', () => {
  const r = reader(bits('0'.repeat(100) + '1' + '1' + '0'.repeat(31) + '1' + '0000000'));
  assert.equal(r.readUnary(), 100);
  assert.equal(r.readUnary(), 0);
  assert.equal(r.readUnary(), 31);
  assert.ok(r.isByteAligned() === false);
  assert.equal(r.alignToByte(), 0);
  assert.equal(r.bitsLeft(), 8);
  assert.equal(r.readBits(8), 0);
});

test('never reads past `end`, even when the buffer goes on', () => {
  const bytes = Uint8Array.from([0x00, 0x00, 0xff, 0xff]);
  const r = reader(bytes, 0, 2);
  assert.throws(() => r.readUnary(), BitUnderflow, 'the ones after `end` are not seen');
  const r2 = reader(bytes, 0, 2);
  assert.equal(r2.readBits(16), 0);
  assert.throws(() => r2.readBits(1), BitUnderflow);
  const r3 = reader(bytes, 1, 3);
  assert.equal(r3.readBits(8), 0x00);
  assert.equal(r3.bytePosition(), 2);
  assert.equal(r3.readBits(4), 0xf);
  const r4 = reader(bytes, 0, 2);
  assert.throws(() => r4.readRice(new Int32Array(4), 0, 4, 3), BitUnderflow);
});

test('readRice: parameters 0..30, extreme values, runs across refills', () => {
  for (const k of [0, 1, 4, 14, 24, 25, 29, 30]) {
    const limit = k === 0 ? 40 : 2 ** Math.min(30, k + 5);
    const values = [0, -1, 1, 2 ** (k === 0 ? 0 : k - 1), -(2 ** Math.max(0, k - 1)) - 1, limit - 1, -limit, 5, -7];
    const text = values.map((v) => rice(v, k)).join('');
    const out = new Int32Array(values.length + 2);
    const r = reader(bits(text + '1'.repeat(8)));
    r.readRice(out, 1, values.length, k);
    assert.deepEqual([...out.subarray(1, 1 + values.length)], values, `k=${k}`);
    assert.equal(out[0], 0, 'nothing written before start');
    assert.equal(out[values.length + 1], 0, 'nothing written after the count');
  }
});

test('readRice: the int32 extremes, and quotients that do not fit 32 bits', () => {
  const out = new Int32Array(2);
  reader(bits(rice(2 ** 31 - 1, 30) + rice(-(2 ** 31), 30) + '0000')).readRice(out, 0, 2, 30);
  assert.deepEqual([...out], [2 ** 31 - 1, -(2 ** 31)]);
  // k = 20 and a quotient of 4096 make a 33-bit value: corrupt data, not a wrapped number.
  assert.throws(() => reader(bits('0'.repeat(4096) + '1' + '0'.repeat(20) + '1')).readRice(new Int32Array(1), 0, 1, 20), RiceOverflow);
  assert.throws(() => reader(bits('0'.repeat(4096) + '1' + '0'.repeat(28) + '1')).readRice(new Int32Array(1), 0, 1, 28), RiceOverflow);
});

test('CRC-8 and CRC-16 check values ("123456789")', () => {
  const data = new TextEncoder().encode('123456789');
  assert.equal(crc8(data, 0, data.length), 0xf4);
  assert.equal(crc16(data, 0, data.length), 0xfee8);
  assert.equal(crc8(data, 2, 2), 0);
});
