// Conformance of every registered DSP filter plugin (src/dsp/registry.ts) with the contract of
// src/dsp/interface.ts: the same cases for each, so a new plugin is held to them by being listed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AudioBlock } from '../../src/audio/block.ts';
import { dsdFormat, floatFormat, sameFormat, type AudioFormat } from '../../src/audio/format.ts';
import { FILTER_PLUGINS } from '../../src/dsp/registry.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { dsdNoise } from '../helpers/signals.ts';

/** For each kind: settings that change samples, settings that are neutral (or null when none are), and the input it takes. */
const CASES: Record<string, { active: unknown; neutral: unknown | null; input: AudioFormat }> = {
  eq: { active: { bands: [{ type: 'peaking', freq: 1000, gainDb: 3, q: 1 }] }, neutral: { bands: [] }, input: floatFormat(44100, 2, 64) },
  volume: { active: { db: -6 }, neutral: { db: 0 }, input: floatFormat(44100, 2, 64) },
  crossfeed: { active: { preset: 'default' }, neutral: null, input: floatFormat(44100, 2, 64) },
  resample: { active: { rate: 48000 }, neutral: { rate: 44100 }, input: floatFormat(44100, 2, 64) },
  dsd2pcm: { active: {}, neutral: null, input: dsdFormat(2822400, 2) },
  dop: { active: {}, neutral: null, input: dsdFormat(2822400, 2) },
  downmix: { active: {}, neutral: null, input: floatFormat(44100, 6, 64) },
};

function blockOf(format: AudioFormat, frames: number, seed: number): AudioBlock {
  if (format.sample === 'dsd') return { kind: 'dsd', format, frames, bytes: dsdNoise(frames, format.channels, seed) };
  const samples = new Float64Array(frames * format.channels);
  for (let i = 0; i < samples.length; i++) samples[i] = 0.5 * Math.sin(i * 0.01 * (1 + seed)) * (i % 7 === 0 ? -1 : 1);
  return { kind: 'float', format, frames, samples };
}

/** A copy, since a filter may work in place on what it is given. */
function copy(b: AudioBlock): AudioBlock {
  if (b.kind === 'dsd') return { ...b, bytes: b.bytes.slice() };
  return b.kind === 'int' ? { ...b, samples: b.samples.slice() } : { ...b, samples: b.samples.slice() };
}

function values(b: AudioBlock | null): number[] {
  if (!b) return [];
  return Array.from(b.kind === 'dsd' ? b.bytes : b.samples);
}

test('every registered filter has conformance cases', () => {
  assert.deepEqual(FILTER_PLUGINS.map((p) => p.kind).filter((k) => !(k in CASES)), []);
});

for (const plugin of FILTER_PLUGINS) {
  const c = CASES[plugin.kind];
  if (!c) continue;
  test(`filter ${plugin.kind}: settings are checked, the report tells the truth, blocks keep the declared format, reset makes it repeatable`, () => {
    assert.ok(plugin.description.length > 0);
    assert.throws(() => plugin.prepare(plugin.parseSettings(7)).open(c.input), (e: unknown) => isAurisError(e, 'E_INVALID_ARGUMENT') || isAurisError(e, 'E_FORMAT_REFUSED'),
      'a settings value of the wrong type is a typed error, at parse or at open');
    const prepared = plugin.prepare(plugin.parseSettings(c.active));
    assert.equal(prepared.kind, plugin.kind);
    const f = prepared.open(c.input);
    assert.ok(sameFormat(f.inputFormat, c.input));
    assert.equal(f.identity, false);
    // Only a pure transport (DoP: the DSD bits carried in PCM words) may be non-identity and change no sample.
    assert.equal(f.report.changesSamples, plugin.kind !== 'dop', 'the report says whether samples change');
    assert.ok(f.report.input && sameFormat(f.report.input, f.inputFormat), 'the report names the input format');
    assert.ok(f.report.output && sameFormat(f.report.output, f.outputFormat), 'the report names the output format');
    assert.ok(f.latencyFrames >= 0);
    const frames = c.input.sample === 'dsd' ? 4096 : 2048;
    const run = () => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        const b = f.process(blockOf(c.input, frames, i));
        assert.ok(sameFormat(b.format, f.outputFormat), `${plugin.kind}: a processed block has the output format`);
        out.push(...values(copy(b)));
      }
      const tail = f.flush();
      if (tail) assert.ok(sameFormat(tail.format, f.outputFormat));
      out.push(...values(tail));
      return out;
    };
    const first = run();
    assert.ok(first.length > 0, 'the filter produced samples');
    f.reset();
    assert.deepEqual(run(), first, 'after flush and reset, the same input gives the same output');
    const other: AudioFormat = c.input.sample === 'dsd' ? dsdFormat(5644800, 2) : floatFormat(96000, 1, 64);
    assert.throws(() => f.process(blockOf(other, 64, 9)), (e: unknown) => isAurisError(e, 'E_FORMAT_REFUSED'), 'a block of another format is refused');
    if (c.neutral !== null) {
      const n = plugin.prepare(plugin.parseSettings(c.neutral)).open(c.input);
      assert.equal(n.identity, true, 'neutral settings open as identity');
      assert.equal(n.report.changesSamples, false);
    }
  });
}
