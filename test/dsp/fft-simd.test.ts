// The WebAssembly SIMD transform against its reference, the JS transform of src/util/fft.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimdFft } from '../../src/dsp/fft-simd.ts';
import { forwardBitReversed, inverseBitReversed } from '../../src/util/fft.ts';
import { isAurisError } from '../../src/util/errors.ts';

test('SIMD forward and inverse transforms are bit-identical to the JS ones at every size up to the maximum', () => {
  const f = new SimdFft(4096, 2);
  for (let n = 2; n <= 4096; n *= 2) {
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + (i % 7) / 9);
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.11) - (i % 5) / 7);
    const a = re.slice(), b = im.slice();
    forwardBitReversed(a, b, n);
    f.re(1).set(re);
    f.im(1).set(im);
    f.forward(1, n);
    assert.deepEqual(f.re(1).slice(0, n), a, `forward re, n ${n}`);
    assert.deepEqual(f.im(1).slice(0, n), b, `forward im, n ${n}`);
    inverseBitReversed(a, b, n);
    f.inverse(1, n);
    assert.deepEqual(f.re(1).slice(0, n), a, `inverse re, n ${n}`);
    assert.deepEqual(f.im(1).slice(0, n), b, `inverse im, n ${n}`);
  }
  assert.throws(() => f.forward(0, 8192), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
  assert.throws(() => new SimdFft(12, 1), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
});

test('a SIMD transform built after the shared tables grew past its size still matches', () => {
  forwardBitReversed(new Float64Array(1 << 15), new Float64Array(1 << 15));
  const f = new SimdFft(64, 1);
  const re = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i));
  const im = new Float64Array(64);
  f.re(0).set(re);
  f.im(0).set(im);
  f.forward(0, 64);
  forwardBitReversed(re, im);
  assert.deepEqual(f.re(0).slice(), re);
  assert.deepEqual(f.im(0).slice(), im);
});
