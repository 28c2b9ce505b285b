// Conformance of every registered analyser (src/analysis/registry.ts) with src/analysis/interface.ts:
// the same cases for each: a result for PCM, the same result for the same input however it is cut
// into blocks, a structured-cloneable result, and a typed refusal of DSD.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intBlock } from '../../src/audio/block.ts';
import { dsdFormat, pcmFormat } from '../../src/audio/format.ts';
import { analysisChunk } from '../../src/analysis/interface.ts';
import { ANALYSERS, analyserPlugin } from '../../src/analysis/registry.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { noise, sine } from '../helpers/signals.ts';

const format = pcmFormat(44100, 2, 24);
// 3 s of a tone with noise under it: long enough for every analyser's windows (DR's 3 s blocks, loudness gating).
const samples = (() => {
  const a = sine(44100 * 3, 2, 24, { freq: 997, amplitude: 0.5 });
  const b = noise(44100 * 3, 2, 12, 3);
  for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
  return a;
})();

async function analyse(name: string, blockFrames: number): Promise<unknown> {
  const plugin = await analyserPlugin(name);
  const a = plugin.create(format);
  for (let f = 0; f < samples.length / 2; f += blockFrames) {
    const end = Math.min(samples.length / 2, f + blockFrames);
    a.push(analysisChunk(intBlock(format, samples.slice(f * 2, end * 2))));
  }
  return a.finish();
}

for (const entry of ANALYSERS) {
  test(`analyser ${entry.name}: a cloneable result for PCM, the same whatever the block size, DSD refused with a typed error`, async () => {
    const plugin = await analyserPlugin(entry.name);
    assert.equal(plugin.name, entry.name);
    const whole = await analyse(entry.name, 4096);
    assert.ok(whole !== null && typeof whole === 'object', 'a result object');
    assert.deepEqual(structuredClone(whole), whole, 'the result crosses a worker boundary unchanged');
    assert.deepEqual(await analyse(entry.name, 1000), whole, 'blocks of another size give the same result');
    assert.throws(() => plugin.create(dsdFormat(2822400, 2)), (e: unknown) => isAurisError(e, 'E_UNSUPPORTED_FEATURE'));
  });
}

test('an unknown analyser name is a typed error', async () => {
  await assert.rejects(analyserPlugin('nope'), (e: unknown) => isAurisError(e, 'E_INVALID_ARGUMENT'));
});
