import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packInt, unpackInt, packMd5Layout, packFloat, containersFor, frameBytes, md5LayoutFromContainer, type Container } from '../../src/audio/pack.ts';
import { pcmFormat, floatFormat, validateFormat, formatToString, dsdFormat } from '../../src/audio/format.ts';
import { intBlock, sliceBlock } from '../../src/audio/block.ts';
import { isAurisError } from '../../src/util/errors.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('S16_LE packs 16-bit samples little-endian', () => {
  assert.equal(hex(packInt(Int32Array.of(1, -1, 32767, -32768, 0x1234), 16, 'S16_LE')), '0100ffffff7f00803412');
});

test('S24_3LE packs 24-bit samples in three bytes', () => {
  assert.equal(hex(packInt(Int32Array.of(0x123456, -1, -8388608, 8388607), 24, 'S24_3LE')), '563412ffffff000080ffff7f');
});

test('S24_LE keeps 24 bits in the low three bytes, sign-extended', () => {
  assert.equal(hex(packInt(Int32Array.of(0x123456, -2), 24, 'S24_LE')), '56341200feffffff');
});

test('S32_LE left-justifies 24-bit samples with a zero low byte (24-in-32)', () => {
  assert.equal(hex(packInt(Int32Array.of(0x123456, -1), 24, 'S32_LE')), '00563412' + '00ffffff');
});

test('widening is left-justified: 16-bit into S24_3LE and S32_LE', () => {
  assert.equal(hex(packInt(Int32Array.of(0x1234, -1), 16, 'S24_3LE')), '003412' + '00ffff');
  assert.equal(hex(packInt(Int32Array.of(0x1234), 16, 'S32_LE')), '00003412');
});

test('20-bit samples left-justify into S24_3LE', () => {
  assert.equal(hex(packInt(Int32Array.of(0x12345, -1), 20, 'S24_3LE')), '503412' + 'f0ffff');
});

test('S32_LE packs full 32-bit samples', () => {
  assert.equal(hex(packInt(Int32Array.of(-2147483648, 2147483647), 32, 'S32_LE')), '00000080ffffff7f');
});

test('packing a deeper sample into a smaller container is refused, never truncated', () => {
  assert.throws(() => packInt(Int32Array.of(1), 24, 'S16_LE'), (e) => isAurisError(e, 'E_FORMAT_REFUSED'));
  assert.throws(() => packInt(Int32Array.of(1), 32, 'S24_LE'), (e) => isAurisError(e, 'E_FORMAT_REFUSED'));
  assert.throws(() => packInt(Int32Array.of(1), 16, 'FLOAT_LE'), (e) => isAurisError(e, 'E_FORMAT_REFUSED'));
});

test('unpackInt inverts packInt for every container and depth that fits', () => {
  const containers: Container[] = ['S8', 'S16_LE', 'S24_3LE', 'S24_LE', 'S32_LE'];
  for (const c of containers) {
    for (const bits of [4, 8, 12, 16, 20, 24, 32]) {
      const max = 2 ** (bits - 1);
      const src = Int32Array.from([0, 1, -1, max - 1, -max, Math.floor(max / 3), -Math.floor(max / 7)]);
      let packed: Uint8Array;
      try { packed = packInt(src, bits, c); } catch (e) { assert.ok(isAurisError(e, 'E_FORMAT_REFUSED')); continue; }
      assert.deepEqual(unpackInt(packed, bits, c), src, `${bits} bits in ${c}`);
    }
  }
});

test('unpackInt detects non-zero padding bits', () => {
  assert.throws(() => unpackInt(Uint8Array.of(0x01, 0, 0, 0), 24, 'S32_LE'), (e) => isAurisError(e, 'E_CORRUPT'));
});

test('FLAC MD5 layout uses ceil(bits/8) signed little-endian bytes, right-justified', () => {
  assert.equal(hex(packMd5Layout(Int32Array.of(-1, 7), 4)), 'ff07');
  assert.equal(hex(packMd5Layout(Int32Array.of(-2, 0x3fff), 15)), 'feffff3f');
  assert.equal(hex(packMd5Layout(Int32Array.of(0x12345, -1), 20)), '452301ffffff');
  assert.equal(hex(packMd5Layout(Int32Array.of(-2147483648), 32)), '00000080');
});

test('float containers hold IEEE values', () => {
  assert.equal(hex(packFloat(Float64Array.of(1, -0.5), 'FLOAT_LE')), '0000803f000000bf');
  assert.equal(hex(packFloat(Float64Array.of(1), 'FLOAT64_LE')), '000000000000f03f');
});

test('container choices: exact first, then lossless widenings', () => {
  assert.deepEqual(containersFor(pcmFormat(96000, 2, 24)), ['S24_3LE', 'S24_LE', 'S32_LE']);
  assert.deepEqual(containersFor(pcmFormat(44100, 2, 16)), ['S16_LE', 'S24_3LE', 'S24_LE', 'S32_LE']);
  assert.deepEqual(containersFor(pcmFormat(44100, 2, 32)), ['S32_LE']);
  assert.deepEqual(containersFor(floatFormat(44100, 2, 32)), ['FLOAT_LE']);
  assert.equal(frameBytes('S24_3LE', 8), 24);
});

test('formats validate and print', () => {
  assert.equal(formatToString(pcmFormat(96000, 2, 24)), '96000 Hz, 2 ch, 24-bit');
  assert.equal(formatToString(dsdFormat(2822400, 2)), '2822400 Hz, 2 ch, DSD64');
  assert.throws(() => validateFormat({ rate: 44100, channels: 2, sample: 's16', validBits: 24 }), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
  assert.throws(() => pcmFormat(0, 2, 16), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
});

test('blocks slice by frames and share memory', () => {
  const b = intBlock(pcmFormat(44100, 2, 16), Int32Array.of(1, 2, 3, 4, 5, 6));
  const s = sliceBlock(b, 1, 2);
  assert.equal(s.frames, 1);
  assert.deepEqual([...s.samples], [3, 4]);
  assert.throws(() => intBlock(pcmFormat(44100, 2, 16), Int32Array.of(1, 2, 3)), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
});

test('md5LayoutFromContainer reads every container and depth back to FLAC\'s MD5 layout in one pass, as unpackInt + packMd5Layout do', () => {
  const containers: Container[] = ['S8', 'S16_LE', 'S24_3LE', 'S24_LE', 'S32_LE'];
  for (const c of containers) {
    for (const bits of [4, 8, 12, 16, 20, 24, 32]) {
      const max = 2 ** (bits - 1);
      const src = Int32Array.from([0, 1, -1, max - 1, -max, Math.floor(max / 3), -Math.floor(max / 7), 5]);
      let packed: Uint8Array;
      try { packed = packInt(src, bits, c); } catch (e) { assert.ok(isAurisError(e, 'E_FORMAT_REFUSED')); continue; }
      const reference = packMd5Layout(unpackInt(packed, bits, c), bits);
      assert.equal(hex(md5LayoutFromContainer(packed, bits, c)), hex(reference), `${bits} bits in ${c}`);
      // Stride 2: the first sample of each pair.
      const everyOther = packMd5Layout(src.filter((_, i) => i % 2 === 0), bits);
      const into = new Uint8Array(64).fill(0xee);
      const got = md5LayoutFromContainer(packed, bits, c, into, 2);
      assert.equal(got.buffer, into.buffer, 'written into the given buffer');
      assert.equal(hex(got), hex(everyOther), `${bits} bits in ${c}, stride 2`);
    }
  }
  assert.throws(() => md5LayoutFromContainer(Uint8Array.of(0x01, 0, 0, 0), 24, 'S32_LE'), (e) => isAurisError(e, 'E_CORRUPT'));
  assert.throws(() => md5LayoutFromContainer(new Uint8Array(12), 24, 'S32_LE', undefined, 2), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
  assert.throws(() => md5LayoutFromContainer(new Uint8Array(8), 24, 'S32_LE', new Uint8Array(5)), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
});
