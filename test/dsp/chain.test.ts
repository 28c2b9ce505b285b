import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intBlock, floatBlock } from '../../src/audio/block.ts';
import { floatFormat, pcmFormat } from '../../src/audio/format.ts';
import { buildChain } from '../../src/dsp/chain.ts';
import { prepareFilter } from '../../src/dsp/registry.ts';
import { isAurisError } from '../../src/util/errors.ts';

function ramp16(frames: number, channels: number): Int32Array {
  const s = new Int32Array(frames * channels);
  for (let i = 0; i < s.length; i++) s[i] = ((i * 7919) % 65536) - 32768;
  return s;
}

test('0 dB volume is dropped: the integer block comes out as the same object, no stage reported', () => {
  const fmt = pcmFormat(44100, 2, 16);
  const chain = buildChain([prepareFilter('volume', { db: 0 })], fmt);
  assert.equal(chain.bitPerfect, true);
  assert.deepEqual(chain.reports, []);
  const block = intBlock(fmt, ramp16(1000, 2));
  const copy = block.samples.slice();
  const out = chain.process(block);
  assert.equal(out, block);
  assert.deepEqual(out.kind === 'int' ? out.samples : null, copy);
  assert.equal(chain.flush(), null);
});

test('widening a bit-perfect 16-bit path to 24-bit only zero-pads and reports no change', () => {
  const fmt = pcmFormat(44100, 2, 16);
  const chain = buildChain([prepareFilter('volume', { db: 0 })], fmt, { output: { kind: 'int', bits: 24 } });
  assert.deepEqual(chain.reports.map((r) => r.changesSamples), [false]);
  const src = ramp16(500, 2);
  const out = chain.process(intBlock(fmt, src.slice()));
  assert.equal(out.kind, 'int');
  if (out.kind === 'int') for (let i = 0; i < src.length; i++) assert.equal(out.samples[i], src[i]! * 256);
});

test('-6 dB volume converts to float exactly, quantises back, reports volume and dither', () => {
  const fmt = pcmFormat(48000, 2, 24);
  const chain = buildChain([prepareFilter('volume', { db: -6 })], fmt, { dither: 'none' });
  assert.equal(chain.bitPerfect, false);
  assert.deepEqual(chain.reports.map((r) => [r.kind, r.changesSamples, r.chosenByUser]), [['volume', true, true], ['dither', true, true]]);
  const src = new Int32Array([8388607, -8388608, 1000, -1000, 3, -3]);
  const out = chain.process(intBlock(fmt, src.slice()));
  const g = 10 ** (-6 / 20);
  assert.equal(out.kind, 'int');
  if (out.kind === 'int') {
    const expect = Array.from(src, (s) => { const t = s * g; return t >= 0 ? Math.floor(t + 0.5) : -Math.floor(0.5 - t); });
    assert.deepEqual(Array.from(out.samples), expect);
  }
});

test('a gain above full scale clips: counted per channel and saturated, never wrapped', () => {
  const fmt = pcmFormat(44100, 2, 16);
  const chain = buildChain([prepareFilter('volume', { db: 6 })], fmt, { dither: 'none' });
  const out = chain.process(intBlock(fmt, new Int32Array([30000, 100, -30000, 100, 100, 100])));
  assert.equal(out.kind, 'int');
  if (out.kind === 'int') assert.deepEqual(Array.from(out.samples.subarray(0, 3)), [32767, 200, -32768]);
  assert.deepEqual(chain.clipStats().clipped, [2, 0]);
});

test('float source and float output with 0 dB stay untouched', () => {
  const fmt = floatFormat(96000, 1, 64);
  const chain = buildChain([prepareFilter('volume', { db: 0 })], fmt);
  const b = floatBlock(fmt, new Float64Array([0.1, -0.2, 1.5]));
  assert.equal(chain.process(b), b);
});

test('a block of another format is refused with a typed error', () => {
  const chain = buildChain([prepareFilter('volume', { db: -3 })], pcmFormat(44100, 2, 16));
  assert.throws(() => chain.process(intBlock(pcmFormat(48000, 2, 16), new Int32Array(4))), (e) => isAurisError(e, 'E_FORMAT_REFUSED'));
});

test('an unregistered kind and bad settings give typed errors', () => {
  assert.throws(() => prepareFilter('no-such-filter', {}), (e) => isAurisError(e, 'E_UNSUPPORTED_FEATURE'));
  assert.throws(() => prepareFilter('volume', { db: 'loud' }), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
});
