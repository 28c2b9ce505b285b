// Software volume (dsp.md section 3.1): exact gain, mute as exact zeros, a linear 20 ms ramp on change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatBlock } from '../../src/audio/block.ts';
import { floatFormat } from '../../src/audio/format.ts';
import { openVolume, prepareVolume, VOLUME_RAMP_SECONDS } from '../../src/dsp/plugins/volume/index.ts';

const fmt = floatFormat(48000, 2, 64);

test('a gain is one 64-bit multiply; -Infinity mutes to exact zeros; 0 dB opens as identity', () => {
  const v = openVolume(fmt, -6);
  const out = v.process(floatBlock(fmt, new Float64Array([0.5, -0.25])));
  assert.deepEqual(out.kind === 'float' ? Array.from(out.samples) : null, [0.5 * 10 ** (-6 / 20), -0.25 * 10 ** (-6 / 20)]);
  const mute = openVolume(fmt, -Infinity).process(floatBlock(fmt, new Float64Array([0.5, -0.25])));
  assert.deepEqual(mute.kind === 'float' ? Array.from(mute.samples, (x) => x === 0) : null, [true, true]);
  assert.equal(prepareVolume({ db: 0 }).open(fmt).identity, true);
});

test('a change ramps linearly per frame over 20 ms, both channels alike, then holds the new gain', () => {
  const v = openVolume(fmt, 0.0001);
  v.setDb(-20);
  const frames = 2000;
  const out = v.process(floatBlock(fmt, new Float64Array(frames * 2).fill(1)));
  const x = out.kind === 'float' ? out.samples : new Float64Array(0);
  const ramp = Math.round(VOLUME_RAMP_SECONDS * 48000);
  const from = 10 ** (0.0001 / 20), to = 0.1;
  for (let f = 0; f < frames; f++) {
    const expect = f < ramp - 1 ? from + ((to - from) * (f + 1)) / ramp : to;
    assert.ok(Math.abs(x[2 * f]! - expect) < 1e-12, `frame ${f}: ${x[2 * f]} vs ${expect}`);
    assert.equal(x[2 * f + 1], x[2 * f]);
  }
  assert.equal(v.report.detail, '-20 dB');
});
