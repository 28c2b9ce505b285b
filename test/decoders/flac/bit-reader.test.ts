// Unit tests of the FLAC bit reader (frame and subframe headers) and the CRC-8. The residuals and
// the CRC-16 are read by the kernel: kernel.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitReader, BitUnderflow } from '../../../src/decoders/plugins/flac/bit-reader.ts';
import { crc8 } from '../../../src/decoders/plugins/flac/crc.ts';
import { bits } from './flac-helpers.ts';

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
});

test('bitPosition and seekBit hand a position over and back, mid-byte', () => {
  const bytes = bits('101 11001010 0111 1' + '0'.repeat(11) + '11110000');
  const r = reader(bytes, 0, bytes.length);
  assert.equal(r.readBits(3), 0b101);
  assert.equal(r.bitPosition(), 3);
  r.seekBit(11);
  assert.equal(r.readBits(4), 0b0111);
  assert.equal(r.bitPosition(), 15);
  r.seekBit(27);
  assert.equal(r.readBits(8), 0xf0);
  assert.equal(r.buffer, bytes);
  assert.throws(() => r.readBits(8), BitUnderflow);
});

test('CRC-8 check value ("123456789")', () => {
  const data = new TextEncoder().encode('123456789');
  assert.equal(crc8(data, 0, data.length), 0xf4);
  assert.equal(crc8(data, 2, 2), 0);
});
