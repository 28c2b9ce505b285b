// The DR meter's SIMD kernels (kernel.ts) against its JavaScript loop, the reference: the same
// integers, cut into odd blocks, must give identical results to the last bit of every double.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrMeter, drWindowFrames, type DrResult } from '../../../../src/analysis/plugins/dr/meter.ts';
import { KERNEL_MAX_CHANNELS } from '../../../../src/analysis/plugins/dr/kernel.ts';
import { pcmFormat, type AudioFormat } from '../../../../src/audio/format.ts';
import { intBlock } from '../../../../src/audio/block.ts';
import { analysisChunk } from '../../../../src/analysis/interface.ts';

const RATE = 8000;
const W = drWindowFrames(RATE);
/** Block sizes in turn: odd, one frame, a whole window, and more than one kernel chunk at any channel count. */
const SIZES = [4095, 1, 7777, W, 3, 40001];

/** Random full-scale samples of `bits`, with both extremes (-2^(bits-1) and 2^(bits-1) - 1) in every channel. */
function noise(bits: number, channels: number, frames: number, seed: number): Int32Array {
  let s = seed >>> 0;
  const x = Int32Array.from({ length: channels * frames }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >> (32 - bits);
  });
  // A quiet stretch (the histogram gets low bins and the sums stay exact for a while) and the extremes mid-window.
  for (let i = channels * 30000; i < channels * 40000; i++) x[i] = x[i]! >> (bits - 4);
  for (let c = 0; c < channels; c++) {
    x[channels * (100 + c) + c] = -(2 ** (bits - 1));
    x[channels * (W + 200 + c) + c] = 2 ** (bits - 1) - 1;
  }
  return x;
}

/** Pushes `x` in SIZES-cut blocks into each meter in turn, block by block (the meters share the thread's kernel). */
function measure(format: AudioFormat, x: Int32Array, meters: DrMeter[]): DrResult[] {
  const C = format.channels;
  const frames = x.length / C;
  for (let at = 0, i = 0; at < frames; i++) {
    const n = Math.min(SIZES[i % SIZES.length]!, frames - at);
    const chunk = analysisChunk(intBlock(format, x.slice(at * C, (at + n) * C)));
    for (const m of meters) m.push(chunk);
    at += n;
  }
  return meters.map((m) => m.finish());
}

for (const bits of [24, 32]) {
  for (const channels of [1, 2, 3, 6, KERNEL_MAX_CHANNELS]) {
    test(`kernel equals the JavaScript loop: ${bits}-bit, ${channels} channel(s)`, () => {
      const format = pcmFormat(RATE, channels, bits);
      const x = noise(bits, channels, 5 * W + 1234, 7 * bits + channels);
      const [viaKernel, viaKernelToo, viaLoop] = measure(format, x, [new DrMeter(format), new DrMeter(format), new DrMeter(format, { kernel: false })]);
      assert.deepStrictEqual(viaKernel, viaLoop);
      assert.deepStrictEqual(viaKernelToo, viaLoop);
      assert.ok(viaLoop!.dr > 0);
    });
  }
}

test('meters of different channel counts interleaved on one thread keep their own sums', () => {
  const stereo = pcmFormat(RATE, 2, 24);
  const six = pcmFormat(RATE, 6, 24);
  const a = noise(24, 2, 2 * W + 5, 1);
  const b = noise(24, 6, 2 * W + 5, 2);
  const [alone] = measure(stereo, a, [new DrMeter(stereo)]);
  const m2 = new DrMeter(stereo);
  const m6 = new DrMeter(six);
  for (let at = 0; at < 2 * W + 5; at += 999) {
    const n = Math.min(999, 2 * W + 5 - at);
    m2.push(analysisChunk(intBlock(stereo, a.slice(at * 2, (at + n) * 2))));
    m6.push(analysisChunk(intBlock(six, b.slice(at * 6, (at + n) * 6))));
  }
  assert.deepStrictEqual(m2.finish(), alone);
  assert.deepStrictEqual(m6.finish(), measure(six, b, [new DrMeter(six, { kernel: false })])[0]);
});

test('more channels than the kernels take go through the JavaScript loop', () => {
  const format = pcmFormat(RATE, KERNEL_MAX_CHANNELS + 2, 24);
  const x = noise(24, format.channels, W + 17, 3);
  const [viaDefault, viaLoop] = measure(format, x, [new DrMeter(format), new DrMeter(format, { kernel: false })]);
  assert.deepStrictEqual(viaDefault, viaLoop);
});
