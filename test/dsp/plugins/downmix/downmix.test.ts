// The stereo downmix (ITU-R BS.775) as a filter: its matrix per layout, and what it does to blocks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatFormat } from '../../../../src/audio/format.ts';
import { downmixMatrix, openDownmix } from '../../../../src/dsp/plugins/downmix/index.ts';
import { prepareFilter } from '../../../../src/dsp/registry.ts';
import { isAurisError } from '../../../../src/util/errors.ts';

const h = Math.SQRT1_2;
const close = (a: ArrayLike<number>, b: number[], what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-15, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

test('5.1 (L R C LFE Ls Rs): L + C/sqrt2 + Ls/sqrt2 and its mirror, LFE left out, scaled by 1/(1 + sqrt2)', () => {
  const g = 1 / (1 + 2 * h);
  const [l, r] = downmixMatrix(6);
  close(l, [g, 0, g * h, 0, g * h, 0], 'left');
  close(r, [0, g, g * h, 0, 0, g * h], 'right');
  assert.ok(Math.abs(g - 0.41421356237309503) < 1e-15);
});

test('other layouts: quad, 7.1 with side speakers, 6.1 with a back centre', () => {
  close(downmixMatrix(4)[0], [1 / (1 + h), 0, h / (1 + h), 0], 'quad left');
  const g8 = 1 / (1 + 3 * h);
  close(downmixMatrix(8)[1], [0, g8, g8 * h, 0, 0, g8 * h, 0, g8 * h], '7.1 right');
  const g7 = 1 / (1 + 2 * h + 0.5);
  close(downmixMatrix(7)[0], [g7, 0, g7 * h, 0, g7 * h, 0, g7 * 0.5], '6.1 left');
  assert.throws(() => downmixMatrix(2), (e: unknown) => isAurisError(e, 'E_FORMAT_REFUSED'));
  assert.throws(() => downmixMatrix(9), (e: unknown) => isAurisError(e, 'E_FORMAT_REFUSED'));
});

test('a block: full scale on every channel stays at full scale; the stage is forced, not chosen', () => {
  const input = floatFormat(48000, 6, 64);
  const f = openDownmix(input);
  assert.deepEqual([f.outputFormat.channels, f.report.changesSamples, f.report.chosenByUser], [2, true, false]);
  const samples = new Float64Array([1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, 0.5, -0.25, 0, 1, 0, 0]);
  const out = f.process({ kind: 'float', format: input, frames: 3, samples });
  assert.equal(out.kind, 'float');
  const g = 1 / (1 + 2 * h);
  close(out.kind === 'float' ? out.samples : [], [1, 1, -1, -1, 0.5 * g, -0.25 * g], 'samples');
  assert.ok(prepareFilter('downmix', {}).open(input).report.name === 'Downmix to stereo', 'registered as kind downmix');
  assert.throws(() => prepareFilter('downmix', { layout: '5.1' }), (e: unknown) => isAurisError(e, 'E_INVALID_ARGUMENT'));
});
