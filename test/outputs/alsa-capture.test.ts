// Bytes through the ALSA output reach the ALSA `file` plugin unchanged (captest PCM over `null`,
// test/alsa/asoundrc): every container x rate x channel count the issue lists.
import { captureDir, lcgInts, needAlsa, readCapture } from '../helpers/alsa.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatFormat, pcmFormat, type AudioFormat } from '../../src/audio/format.ts';
import { packFloat, packInt, type Container } from '../../src/audio/pack.ts';
import { AlsaOutputPlugin } from '../../src/outputs/plugins/alsa/index.ts';
import { writeAll } from '../../src/outputs/pump.ts';

const RATES = [44100, 96000, 192000, 384000, 768000];
const CASES: { container: Container; format: (rate: number, ch: number) => AudioFormat }[] = [
  { container: 'S16_LE', format: (r, c) => pcmFormat(r, c, 16) },
  { container: 'S24_3LE', format: (r, c) => pcmFormat(r, c, 24) },
  { container: 'S24_LE', format: (r, c) => pcmFormat(r, c, 24) },
  { container: 'S32_LE', format: (r, c) => pcmFormat(r, c, 32) },
  { container: 'FLOAT_LE', format: (r, c) => floatFormat(r, c, 32) },
];

function payload(format: AudioFormat, container: Container, frames: number, seed: number): Uint8Array {
  if (container === 'FLOAT_LE') {
    const ints = lcgInts(frames * format.channels, 24, seed);
    return packFloat(Float64Array.from(ints, (v) => Math.fround(v / 8388608)), container);
  }
  return packInt(lcgInts(frames * format.channels, format.validBits, seed), format.validBits, container);
}

for (const { container, format: makeFormat } of CASES) {
  test(`ALSA file capture is byte-exact for ${container} at 44.1-768 kHz, 1-8 channels`, async (t) => {
    if (!needAlsa(t)) return;
    const plugin = new AlsaOutputPlugin('captest');
    let seed = 1;
    for (const rate of RATES) {
      for (let channels = 1; channels <= 8; channels++) {
        const format = makeFormat(rate, channels);
        // Not a whole number of periods, so the drained tail is exercised too.
        const frames = Math.round(rate / 40) + 7;
        const bytes = payload(format, container, frames, seed++);
        const out = await plugin.open(format, 'exclusive', { container, bufferMs: 20, periodMs: 5, ringMs: 40 });
        assert.equal(out.container, container);
        assert.equal(out.bitPerfect, true);
        await writeAll(out, bytes);
        await out.drain();
        await out.close();
        const captured = readCapture(rate, channels, container);
        assert.equal(captured.length, bytes.length, `${container} ${rate} Hz ${channels} ch: length (capture dir ${captureDir})`);
        assert.ok(captured.equals(bytes), `${container} ${rate} Hz ${channels} ch: bytes differ`);
      }
    }
  });
}
