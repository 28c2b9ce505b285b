import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fft, forwardBitReversed, inverseBitReversed, powerSpectrum, hannWindow, blackmanHarris7Window } from '../../src/util/fft.ts';
import { isAurisError } from '../../src/util/errors.ts';

test('fft matches a direct DFT within 1e-9', () => {
  const n = 64;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) { re[i] = Math.sin(i * 0.7) + 0.3 * Math.cos(i * 2.1); im[i] = 0.1 * i - 1; }
  const r0 = Float64Array.from(re);
  const i0 = Float64Array.from(im);
  fft(re, im);
  for (let k = 0; k < n; k++) {
    let sr = 0; let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      sr += r0[t]! * Math.cos(a) - i0[t]! * Math.sin(a);
      si += r0[t]! * Math.sin(a) + i0[t]! * Math.cos(a);
    }
    assert.ok(Math.abs(sr - re[k]!) < 1e-9 && Math.abs(si - im[k]!) < 1e-9, `bin ${k}`);
  }
});

test('a bin-centred sine puts its power in one bin', () => {
  const n = 1024;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.cos((2 * Math.PI * 10 * i) / n);
  const p = powerSpectrum(x);
  assert.ok(Math.abs(p[10]! - (n / 2) ** 2) < 1e-6);
  assert.ok(p[11]! < 1e-12 && p[0]! < 1e-12);
});

test('windows: Hann peaks at 1, 7-term Blackman-Harris sums to its a0 on average', () => {
  assert.ok(Math.abs(hannWindow(8)[4]! - 1) < 1e-15);
  const w = blackmanHarris7Window(4096);
  const mean = w.reduce((s, v) => s + v, 0) / w.length;
  assert.ok(Math.abs(mean - 0.27105140069342) < 1e-9);
});

test('fft refuses lengths that are not powers of two', () => {
  assert.throws(() => fft(new Float64Array(12), new Float64Array(12)), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
});

test('bit-reversed forward transform equals a direct DFT in bit-reversed order; the inverse brings it back', () => {
  for (const n of [2, 4, 8, 32, 256, 4096]) {
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + 0.3 * Math.cos(i * 2.1));
    const im = Float64Array.from({ length: n }, (_, i) => 0.01 * i - 0.5);
    const br = re.slice(), bi = im.slice();
    forwardBitReversed(br, bi);
    const bits = Math.log2(n);
    for (let k = 0; k < Math.min(n, 256); k++) {
      let sr = 0, si = 0;
      for (let t = 0; t < n; t++) {
        const a = (-2 * Math.PI * ((k * t) % n)) / n;
        sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
        si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
      }
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((k >> b) & 1) << (bits - 1 - b);
      assert.ok(Math.abs(br[r]! - sr) < 1e-9 && Math.abs(bi[r]! - si) < 1e-9, `n ${n} bin ${k}`);
    }
    inverseBitReversed(br, bi);
    const peak = Math.max(...re.map(Math.abs), ...im.map(Math.abs));
    for (let i = 0; i < n; i++) assert.ok(Math.abs(br[i]! / n - re[i]!) < 1e-14 * peak && Math.abs(bi[i]! / n - im[i]!) < 1e-14 * peak, `n ${n} sample ${i}`);
  }
});
