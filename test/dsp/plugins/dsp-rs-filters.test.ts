// The resampler, crossfeed, DSD->PCM and DoP behind the Filter interface: prepared from the
// registry, opened by the chain, same samples as their engines, identity where they have nothing
// to do, typed errors for formats and settings they refuse.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dsdBlock, floatBlock, intBlock } from '../../../src/audio/block.ts';
import type { AudioBlock } from '../../../src/audio/block.ts';
import { dsdFormat, floatFormat, pcmFormat } from '../../../src/audio/format.ts';
import { DopEncoder } from '../../../src/audio/dop.ts';
import { buildChain } from '../../../src/dsp/chain.ts';
import type { FilterChain } from '../../../src/dsp/chain.ts';
import { prepareFilter } from '../../../src/dsp/registry.ts';
import { CascadeResampler, planResampler } from '../../../src/dsp/plugins/resampler/cascade.ts';
import { BS2B_PRESETS, Bs2b } from '../../../src/dsp/plugins/crossfeed/bs2b.ts';
import { DsdToPcm } from '../../../src/dsp/plugins/dsd2pcm/convert.ts';

/** Runs blocks of `size` frames through the chain and flushes; returns all output samples. */
function runChain(chain: FilterChain, make: (start: number, end: number) => AudioBlock, frames: number, size: number): number[] {
  const out: number[] = [];
  const take = (b: AudioBlock | null): void => {
    if (!b) return;
    if (b.kind === 'dsd') out.push(...b.bytes);
    else out.push(...b.samples);
  };
  for (let i = 0; i < frames; i += size) take(chain.process(make(i, Math.min(frames, i + size))));
  take(chain.flush());
  return out;
}

test('resample filter: 16-bit 44.1 kHz into 48 kHz f64 through the chain equals the engine; same rate is bypassed', () => {
  const fmt = pcmFormat(44100, 2, 16);
  const n = 3000;
  const src = Int32Array.from({ length: 2 * n }, (_, i) => Math.round(20000 * Math.sin(i * 0.013)) * (i % 2 ? -1 : 1));
  const chain = buildChain([prepareFilter('resample', { rate: 48000 })], fmt, { output: { kind: 'float', bits: 64 } });
  assert.deepEqual(chain.outputFormat, floatFormat(48000, 2, 64));
  assert.equal(chain.reports[0]!.kind, 'resampler');
  const got = runChain(chain, (s, e) => intBlock(fmt, src.slice(2 * s, 2 * e)), n, 700);
  assert.equal(got.length, 2 * Math.round((n * 48000) / 44100));
  const engine = new CascadeResampler(planResampler(44100, 48000), 2);
  const x = Float64Array.from(src, (v) => v / 32768);
  const want = [...engine.process(x), ...engine.flush()].map((v) => Math.max(-1, Math.min(1, v)));
  assert.deepEqual(got, want);
  const same = buildChain([prepareFilter('resample', { rate: 44100 })], fmt);
  assert.equal(same.bitPerfect, true);
  assert.throws(() => prepareFilter('resample', { rate: 'fast' }), { code: 'E_INVALID_ARGUMENT' });
  assert.throws(() => prepareFilter('resample', { rate: 48000, quality: 'ultra' }), { code: 'E_INVALID_ARGUMENT' });
  // 44.1 -> 384.001 kHz: 384001 phases of the rational stage, more than an exact table may hold.
  assert.throws(() => buildChain([prepareFilter('resample', { rate: 384001 })], fmt), { code: 'E_FORMAT_REFUSED' });
});

test('crossfeed filter: presets and custom levels through the chain equal bs2b; mono is refused', () => {
  const fmt = floatFormat(96000, 2, 64);
  const x = Float64Array.from({ length: 2000 }, (_, i) => 0.5 * Math.sin(i * 0.07 + (i % 2) * 1.3));
  for (const [settings, level] of [[{ preset: 'cmoy' }, BS2B_PRESETS.cmoy], [{ fcut: 650, feedDb: 9.5 }, BS2B_PRESETS.jmeier]] as const) {
    const chain = buildChain([prepareFilter('crossfeed', settings)], fmt);
    const got = runChain(chain, (s, e) => floatBlock(fmt, x.slice(2 * s, 2 * e)), 1000, 333);
    const want = Float64Array.from(x);
    new Bs2b(level, 96000).process(want);
    assert.deepEqual(got, Array.from(want));
  }
  assert.throws(() => buildChain([prepareFilter('crossfeed', {})], floatFormat(48000, 1, 64)), { code: 'E_FORMAT_REFUSED' });
  assert.throws(() => prepareFilter('crossfeed', { preset: 'loud' }), { code: 'E_INVALID_ARGUMENT' });
  assert.throws(() => prepareFilter('crossfeed', { fcut: 100, feedDb: 4.5 }), { code: 'E_INVALID_ARGUMENT' });
});

test('dsd2pcm filter: DSD64 through the chain equals the converter; PCM input leaves it out', () => {
  const fmt = dsdFormat(2822400, 2);
  const bytes = Uint8Array.from({ length: 2 * 5000 }, (_, i) => (i * 131 + 7) & 0xff);
  const chain = buildChain([prepareFilter('dsd2pcm', { rate: 88200, gainDb: 0 })], fmt, { output: { kind: 'float', bits: 64 } });
  assert.deepEqual(chain.outputFormat, floatFormat(88200, 2, 64));
  const got = runChain(chain, (s, e) => dsdBlock(fmt, bytes.slice(2 * s, 2 * e)), 5000, 1024);
  const conv = new DsdToPcm(2822400, 2, { rate: 88200, gainDb: 0, lowpassHz: 50000 });
  const want = [...conv.process(bytes), ...conv.flush()].map((v) => Math.max(-1, Math.min(1, v)));
  assert.deepEqual(got, want);
  assert.equal(buildChain([prepareFilter('dsd2pcm', {})], pcmFormat(44100, 2, 16)).bitPerfect, true);
  assert.throws(() => prepareFilter('dsd2pcm', { gainDb: 12 }), { code: 'E_INVALID_ARGUMENT' });
  assert.throws(() => prepareFilter('dsd2pcm', { lowpass: 20000 }), { code: 'E_INVALID_ARGUMENT' });
});

test('dop filter: DSD becomes 24-bit DoP carriers at rate/16, reported as a packing that changes no sample', () => {
  const fmt = dsdFormat(2822400, 2);
  const bytes = Uint8Array.from({ length: 2 * 999 }, (_, i) => (i * 29 + 3) & 0xff);
  const chain = buildChain([prepareFilter('dop', {})], fmt, { output: { kind: 'int', bits: 24 } });
  assert.deepEqual(chain.outputFormat, pcmFormat(176400, 2, 24));
  assert.equal(chain.reports.length, 1);
  assert.equal(chain.reports[0]!.changesSamples, false);
  const got = runChain(chain, (s, e) => dsdBlock(fmt, bytes.slice(2 * s, 2 * e)), 999, 301);
  const enc = new DopEncoder(2);
  assert.deepEqual(got, [...enc.encode(bytes), ...enc.flush()]);
  assert.equal(buildChain([prepareFilter('dop', {})], pcmFormat(44100, 2, 16)).bitPerfect, true);
  assert.throws(() => prepareFilter('dop', { x: 1 }), { code: 'E_INVALID_ARGUMENT' });
});
