// Unit tests of the FLAC decoding kernel (src/decoders/plugins/flac/kernel.ts) against plain
// references: Rice residuals against hand-made codes, prediction against exact BigInt sums,
// decorrelation against RFC 9639's formulas, the CRC-16 against a bit-by-bit CRC. The decoder as a
// whole is proven on the testbench and on flac-made files (conformance.test.ts, interop.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHANNEL_BASE, COEF_BASE, FlacKernel, INTERLEAVED_BASE, MAX_BLOCK, RESIDUAL_OVERFLOW, RESIDUAL_UNDERFLOW, WINDOW_BASE,
} from '../../../src/decoders/plugins/flac/kernel.ts';
import { prng, randomInt } from '../../helpers/signals.ts';
import { bits, rice } from './flac-helpers.ts';

const kernel = new FlacKernel(1 << 20);

/** Puts `bytes` at the start of the window and returns the window's kernel address. */
function place(bytes: Uint8Array): number {
  const w = kernel.window(bytes.length + 64);
  w.fill(0xff, 0, bytes.length + 64); // past the data: ones, which a read past `end` would see
  w.set(bytes);
  return WINDOW_BASE;
}

/** Channel 0 filled with a marker value, so writes outside the residual range show. */
function clearChannel(): Int32Array {
  const ch = kernel.channel(0);
  ch.fill(0x5a5a5a5a, 0, 4096);
  return ch;
}

interface Partition {
  readonly k: number;
  readonly values: readonly number[];
  /** Escape code with this raw width instead of Rice. */
  readonly raw?: number;
}

/** The bit string of a residual section's partitions (after method and partition order). */
function partitionBits(parts: readonly Partition[], paramBits: number): string {
  return parts.map((p) => {
    const param = (p.raw === undefined ? p.k : 2 ** paramBits - 1).toString(2).padStart(paramBits, '0');
    if (p.raw === undefined) return param + p.values.map((v) => rice(v, p.k)).join('');
    const raw = p.raw.toString(2).padStart(5, '0');
    return param + raw + (p.raw === 0 ? '' : p.values.map((v) => (v < 0 ? 2 ** p.raw! + v : v).toString(2).padStart(p.raw!, '0')).join(''));
  }).join('');
}

/** Decodes `parts` starting `lead` bits into the data; returns the kernel's result and the channel. */
function decodeParts(parts: readonly Partition[], opts: { paramBits?: number; order?: number; lead?: number; endShort?: number } = {}) {
  const paramBits = opts.paramBits ?? 5;
  const order = opts.order ?? 0;
  const lead = opts.lead ?? 0;
  const text = '1'.repeat(lead) + partitionBits(parts, paramBits);
  const bytes = bits(text);
  const at = place(bytes);
  const ch = clearChannel();
  const total = parts.reduce((s, p) => s + p.values.length, 0) + order;
  const partitionOrder = Math.log2(parts.length);
  const result = kernel.residual(at * 8 + lead, at + bytes.length - (opts.endShort ?? 0), CHANNEL_BASE + 4 * order, total, order, partitionOrder, paramBits);
  return { result, ch, end: at * 8 + text.length, total };
}

test('residual: Rice parameters 0..30, extreme values, long unary runs, a mid-byte start', () => {
  for (const k of [0, 1, 4, 14, 20, 24, 25, 29, 30]) {
    const limit = k === 0 ? 40 : 2 ** Math.min(30, k + 5);
    // The last two have quotients of 200 and 139 (past the 64-bit cache) where they fit int32.
    const long = (q: number) => Math.min(2 ** 31 - 1, q * 2 ** k);
    const values = [0, -1, 1, 2 ** (k === 0 ? 0 : k - 1), -(2 ** Math.max(0, k - 1)) - 1, limit - 1, -limit, 5, -7, long(100), -long(70)];
    for (const lead of [0, 3]) {
      const { result, ch, end } = decodeParts([{ k, values }], { lead });
      assert.equal(result, end, `k=${k}: the bit position after the last code`);
      assert.deepEqual([...ch.subarray(0, values.length)], values, `k=${k} lead=${lead}`);
      assert.equal(ch[values.length], 0x5a5a5a5a, 'nothing written after the last residual');
    }
  }
});

test('residual: the int32 extremes, and codes that do not fit 32 bits', () => {
  const { result, ch } = decodeParts([{ k: 30, values: [2 ** 31 - 1, -(2 ** 31)] }]);
  assert.ok(result > 0);
  assert.deepEqual([...ch.subarray(0, 2)], [2 ** 31 - 1, -(2 ** 31)]);
  // k = 20 and a quotient of 4096 make a 33-bit value: corrupt data, not a wrapped number.
  for (const k of [20, 28]) {
    const text = k.toString(2).padStart(5, '0') + '0'.repeat(4096) + '1' + '0'.repeat(k) + '1';
    const at = place(bits(text));
    assert.equal(kernel.residual(at * 8, at + bits(text).length, CHANNEL_BASE, 1, 0, 0, 5), RESIDUAL_OVERFLOW);
  }
});

test('residual: several partitions with an order, escapes of width 0 and 1..31, 4-bit parameters', () => {
  const next = prng(7);
  const rand = (width: number) => randomInt(next, 2 ** width) - 2 ** (width - 1);
  const parts: Partition[] = [
    { k: 3, values: Array.from({ length: 13 }, () => rand(6)) },
    { k: 0, values: new Array<number>(16).fill(0), raw: 0 },
    { k: 0, values: Array.from({ length: 16 }, () => rand(7)), raw: 7 },
    { k: 14, values: Array.from({ length: 16 }, () => rand(18)) },
  ];
  const { result, ch, end } = decodeParts(parts, { paramBits: 4, order: 3 });
  assert.equal(result, end);
  assert.equal(ch[2], 0x5a5a5a5a, 'the warm-up samples are not touched');
  assert.deepEqual([...ch.subarray(3, 64)], parts.flatMap((p) => p.values));
  for (const width of [1, 16, 31]) {
    const values = Array.from({ length: 8 }, () => rand(width));
    const r = decodeParts([{ k: 0, values, raw: width }]);
    assert.equal(r.result, r.end);
    assert.deepEqual([...r.ch.subarray(0, 8)], values, `raw width ${width}`);
  }
});

test('residual: never reads at or past `end`, in any part of a code', () => {
  const parts: Partition[] = [{ k: 12, values: [1000, -5000, 77, 3, -1, 0, 4095, -4096] }];
  const full = decodeParts(parts);
  assert.equal(full.result, full.end);
  // Cut the data short by 1..n bytes: the bytes beyond are all ones, which would decode as codes.
  const length = Math.ceil(partitionBits(parts, 5).length / 8);
  for (let cut = 1; cut <= length; cut++) assert.equal(decodeParts(parts, { endShort: cut }).result, RESIDUAL_UNDERFLOW, `cut ${cut}`);
  // A unary run that reaches `end`.
  const at = place(bits('00000' + '0'.repeat(200)));
  assert.equal(kernel.residual(at * 8, at + 25, CHANNEL_BASE, 1, 0, 0, 5), RESIDUAL_UNDERFLOW);
});

/** x[i] = wrap32(x[i] + floor(Σ c[j]·x[i-1-j] / 2^shift)), exactly. */
function lpcReference(x: Int32Array, n: number, c: readonly number[], shift: number): Int32Array {
  const out = x.slice();
  for (let i = c.length; i < n; i++) {
    let sum = 0n;
    for (let j = 0; j < c.length; j++) sum += BigInt(c[j]!) * BigInt(out[i - 1 - j]!);
    out[i] = Number(BigInt.asIntN(32, BigInt(out[i]!) + (sum >> BigInt(shift))));
  }
  return out;
}

test('lpc: orders 1..32 against exact sums, 16/24/32-bit samples, shifts 0..15', () => {
  const next = prng(11);
  const n = 999;
  for (let order = 1; order <= 32; order++) {
    for (const depth of [16, 24, 32]) {
      const shift = randomInt(next, 16);
      const c = Array.from({ length: order }, () => randomInt(next, 2 ** 15) - 2 ** 14);
      const x = new Int32Array(n);
      const lim = 2 ** (depth - 1);
      for (let i = 0; i < n; i++) x[i] = i < order ? randomInt(next, 2 * lim) - lim : randomInt(next, 2 ** 12) - 2 ** 11;
      const expected = lpcReference(x, n, c, shift);
      kernel.channel(0).set(x);
      kernel.ints.set(c, COEF_BASE >> 2);
      kernel.lpc[order]!(CHANNEL_BASE, n, shift);
      assert.deepEqual(kernel.channel(0).subarray(0, n), expected, `order ${order}, ${depth}-bit, shift ${shift}`);
    }
  }
});

test('fixed: orders 1..4 against exact sums stored to int32', () => {
  const next = prng(12);
  const n = 777;
  const coefficients = [[], [1], [2, -1], [3, -3, 1], [4, -6, 4, -1]];
  for (let order = 1; order <= 4; order++) {
    for (const depth of [16, 24, 32]) {
      const lim = 2 ** (depth - 1);
      const x = Int32Array.from({ length: n }, () => randomInt(next, 2 * lim) - lim);
      const expected = lpcReference(x, n, coefficients[order]!, 0);
      kernel.channel(1).set(x);
      kernel.fixed[order]!(kernel.channelAddress(1), n);
      assert.deepEqual(kernel.channel(1).subarray(0, n), expected, `order ${order}, ${depth}-bit`);
    }
  }
});

test('stereo decorrelation into interleaved frames: every mode, odd lengths, 16 to 32 bits', () => {
  const next = prng(13);
  const rnd = (b: number) => randomInt(next, 2 ** b) - 2 ** (b - 1);
  for (const n of [1, 3, 4, 5, 4096, 4097, MAX_BLOCK - 1, MAX_BLOCK]) {
    for (const depth of [16, 24, 30, 31, 32]) {
      const a = Int32Array.from({ length: n }, () => rnd(depth));
      const side = Int32Array.from({ length: n }, () => (depth === 32 ? rnd(32) : rnd(depth + 1)));
      const modes: [string, (l: number, r: number, n: number) => void, (i: number) => [number, number]][] = [
        ['independent2', kernel.independent2, (i) => [a[i]!, side[i]!]],
        ['leftSide', kernel.leftSide, (i) => [a[i]!, (a[i]! - side[i]!) | 0]],
        ['sideRight', kernel.sideRight, (i) => [(side[i]! + a[i]!) | 0, a[i]!]],
      ];
      if (depth <= 30) modes.push(['midSide32', kernel.midSide32, (i) => midSide(a[i]!, side[i]!)]);
      for (const [name, fn, expect] of modes) {
        // leftSide: channel 0 left, 1 side; sideRight: 0 side, 1 right (a stands in for each).
        kernel.channel(0).set(name === 'sideRight' ? side : a);
        kernel.channel(1).set(name === 'sideRight' ? a : side);
        fn(kernel.channelAddress(0), kernel.channelAddress(1), n);
        const out = kernel.interleaved();
        for (let i = 0; i < n; i++) {
          const [l, r] = expect(i);
          if (out[2 * i] !== l || out[2 * i + 1] !== r) assert.fail(`${name} ${depth}-bit n=${n}: frame ${i} is ${out[2 * i]},${out[2 * i + 1]}, not ${l},${r}`);
        }
      }
      // 31 and 32 bits: mid/side exactly in 64 bits, in place, then interleaved as they are.
      kernel.channel(0).set(a);
      kernel.channel(1).set(side);
      kernel.midSide64(kernel.channelAddress(0), kernel.channelAddress(1), n);
      for (let i = 0; i < n; i++) {
        const [l, r] = midSide(a[i]!, side[i]!);
        if (kernel.channel(0)[i] !== l || kernel.channel(1)[i] !== r) assert.fail(`midSide64 ${depth}-bit: frame ${i}`);
      }
    }
  }
});

/** RFC 9639 section 4.2, exact, stored to int32. */
function midSide(mid: number, side: number): [number, number] {
  const m = BigInt(mid) * 2n + (BigInt(side) & 1n);
  return [Number(BigInt.asIntN(32, (m + BigInt(side)) >> 1n)), Number(BigInt.asIntN(32, (m - BigInt(side)) >> 1n))];
}

test('interleave: 1 to 8 channels, up to the largest block', () => {
  const next = prng(14);
  for (let channels = 1; channels <= 8; channels++) {
    const n = channels === 8 ? MAX_BLOCK : 1000 + channels;
    const data = Array.from({ length: channels }, () => Int32Array.from({ length: n }, () => next() | 0));
    data.forEach((d, c) => kernel.channel(c).set(d));
    kernel.interleave(channels, n);
    const out = kernel.ints.subarray(INTERLEAVED_BASE >> 2);
    for (let i = 0; i < n * channels; i++) {
      if (out[i] !== data[i % channels]![Math.floor(i / channels)]) assert.fail(`${channels} channels: sample ${i}`);
    }
  }
});

/** CRC-16 (polynomial 0x8005, MSB first, initial 0) one bit at a time. */
function crc16Bitwise(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

test('crc16: the check value, and every length 0..80 at every alignment against a bitwise CRC', () => {
  const check = new TextEncoder().encode('123456789');
  let at = place(check);
  assert.equal(kernel.crc16(at, at + check.length), 0xfee8);
  const next = prng(15);
  const data = Uint8Array.from({ length: 100 }, () => next() & 0xff);
  at = place(data);
  for (let start = 0; start < 8; start++) {
    for (let length = 0; length <= 80; length++) {
      assert.equal(kernel.crc16(at + start, at + start + length), crc16Bitwise(data.subarray(start, start + length)), `start ${start}, length ${length}`);
    }
  }
});

test('the window grows on demand and keeps its bytes; views are renewed', () => {
  const k = new FlacKernel(1 << 16);
  const w = k.window(1000);
  w.set([1, 2, 3], 0);
  const generation = k.generation;
  const grown = k.window(8 << 20);
  assert.ok(grown.length >= 8 << 20);
  assert.ok(k.generation > generation);
  assert.deepEqual([...grown.subarray(0, 3)], [1, 2, 3]);
  assert.equal(w.length, 0, 'the old view is detached');
  assert.equal(k.crc16(WINDOW_BASE, WINDOW_BASE + 3), crc16Bitwise(Uint8Array.from([1, 2, 3])));
});
