// File output (WAV written byte-exact, read back by the WAV decoder) and null output (paced or not).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { floatFormat, pcmFormat, type AudioFormat } from '../../src/audio/format.ts';
import { packFloat, packInt } from '../../src/audio/pack.ts';
import { pcmContainerOf } from '../../src/outputs/interface.ts';
import { wavHeaderSize } from '../../src/audio/wav.ts';
import { openFile } from '../../src/decoders/registry.ts';
import { outputPlugin } from '../../src/outputs/registry.ts';
import { writeAll } from '../../src/outputs/pump.ts';
import { lcgInts } from '../helpers/alsa.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

const CASES: { format: AudioFormat; container: string }[] = [
  { format: pcmFormat(44100, 2, 16), container: 'S16_LE' },
  { format: pcmFormat(96000, 2, 24), container: 'S24_3LE' },
  { format: pcmFormat(192000, 6, 20), container: 'S24_3LE' },
  { format: pcmFormat(384000, 2, 32), container: 'S32_LE' },
  { format: pcmFormat(48000, 1, 8), container: 'S8' },
  { format: floatFormat(768000, 2, 32), container: 'FLOAT_LE' },
];

for (const { format, container } of CASES) {
  test(`file output writes ${format.sample}/${format.validBits} ${format.channels} ch as ${container}, bit-exact`, async () => {
    const file = path.join(dir, `out-${format.rate}-${format.channels}-${format.validBits}.wav`);
    const out = await outputPlugin(`file:${file}`).open(format, 'exclusive');
    assert.equal(out.container, container);
    const frames = 3001;
    const ints = lcgInts(frames * format.channels, format.sample === 'f32' ? 24 : format.validBits, format.rate);
    const floats = Float64Array.from(ints, (v) => Math.fround(v / 8388608));
    const bytes = format.sample === 'f32' ? packFloat(floats, 'FLOAT_LE') : packInt(ints, format.validBits, pcmContainerOf(out));
    // Odd-sized pieces: the output must keep whole frames and order.
    for (let off = 0; off < bytes.length; off += out.frameBytes * 777) await writeAll(out, bytes.subarray(off, Math.min(bytes.length, off + out.frameBytes * 777)));
    await out.drain();
    await out.close();
    const raw = readFileSync(file);
    if (container !== 'S8') assert.ok(raw.subarray(wavHeaderSize(format), wavHeaderSize(format) + bytes.length).equals(Buffer.from(bytes)));
    const opened = await openFile(file);
    try {
      assert.deepEqual(opened.decoder.format, format);
      const block = await opened.decoder.read(frames + 10);
      assert.ok(block && block.frames === frames);
      if (block.kind === 'int') assert.deepEqual(block.samples, ints);
      else if (block.kind === 'float') assert.deepEqual(block.samples, floats);
      assert.equal(await opened.decoder.read(10), null);
    } finally {
      await opened.close();
    }
  });
}

test('file output refuses a path without .wav and DSD', async () => {
  assert.throws(() => outputPlugin(`file:${path.join(dir, 'x.raw')}`), { code: 'E_INVALID_ARGUMENT' });
  await assert.rejects(outputPlugin(`file:${path.join(dir, 'd.wav')}`).open({ rate: 2822400, channels: 2, sample: 'dsd', validBits: 1 }, 'exclusive'), { code: 'E_FORMAT_REFUSED' });
});

test('null output: unpaced takes everything, paced fills its buffer then accepts 0', async () => {
  const format = pcmFormat(48000, 2, 16);
  const bytes = new Uint8Array(48000 * 4);
  const fast = await outputPlugin('null:unpaced').open(format, 'exclusive');
  assert.equal(fast.write(bytes), 48000);
  assert.equal(fast.delay(), 0);
  await fast.close();
  const paced = await outputPlugin('null').open(format, 'exclusive', { bufferMs: 100 });
  const first = paced.write(bytes);
  assert.ok(first >= 4800 && first < 48000, `a 100 ms buffer took ${first} frames`);
  paced.pause(); // the virtual DAC stops playing: what fills the buffer now stays
  const more = paced.write(bytes);
  assert.ok(more < 48000 - first);
  assert.equal(paced.write(bytes), 0, 'paused and full: 0 frames accepted');
  assert.equal(paced.delay(), 4800);
  paced.resume();
  await paced.drain();
  assert.equal(paced.delay(), 0);
  await paced.close();
});

test('output names: unknown kinds are E_INVALID_ARGUMENT', () => {
  assert.throws(() => outputPlugin('speaker'), { code: 'E_INVALID_ARGUMENT' });
  assert.throws(() => outputPlugin('alsa:'), { code: 'E_INVALID_ARGUMENT' });
  assert.equal(outputPlugin('alsa:hw:CARD=DAC,DEV=0').name, 'alsa:hw:CARD=DAC,DEV=0');
  assert.equal(outputPlugin('null').name, 'null');
});
