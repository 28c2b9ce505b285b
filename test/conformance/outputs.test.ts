// Conformance of the output plugins (src/outputs/registry.ts) with src/outputs/interface.ts: the
// same cases for each output that runs here (null, paced null, file, ALSA through the capture PCM;
// WASAPI runs only under Wine, in test/outputs/wasapi-wine.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pcmFormat } from '../../src/audio/format.ts';
import { outputPlugin } from '../../src/outputs/registry.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { needAlsa, readCapture } from '../helpers/alsa.ts';
import { lcgInts } from '../helpers/alsa.ts';
import { tempDir } from '../helpers/tmp.ts';
import { packInt } from '../../src/audio/pack.ts';

const dir = tempDir('auris-out-conf-');
const NAMES = ['null:unpaced', 'null', `file:${path.join(dir, 'conf.wav')}`, 'alsa:captest'];

for (const name of NAMES) {
  test(`output ${name.split(':')[0]}${name.startsWith('null:') ? ':unpaced' : ''}: capabilities, open as asked, whole frames written, delay and played frames, drain, close twice, no write after close`, async (t) => {
    if (name.startsWith('alsa:') && !needAlsa(t)) return;
    const plugin = outputPlugin(name);
    assert.equal(plugin.name, name);
    const caps = await plugin.capabilities();
    assert.ok(caps.modes.includes('exclusive'));
    const format = pcmFormat(44100, 2, 24);
    const out = await plugin.open(format, 'exclusive', { bufferMs: 100 });
    assert.deepEqual([out.format.rate, out.format.channels, out.format.validBits], [44100, 2, 24], 'the format asked for, read back');
    assert.ok(out.bitPerfect);
    assert.equal(out.stage.kind, 'output');
    const bytesPerSample = out.frameBytes / 2;
    assert.ok(bytesPerSample === 3 || bytesPerSample === 4, `24-bit in a 3 or 4 byte container, not ${bytesPerSample}`);
    const samples = lcgInts(4410 * 2, 24, 5);
    const bytes = packInt(samples, 24, out.container as 'S24_3LE' | 'S32_LE');
    let written = 0;
    // A partial frame at the end is never taken.
    const first = out.write(bytes.subarray(0, out.frameBytes * 10 + 1));
    assert.equal(first, 10, 'whole frames only');
    written += first;
    const until = Date.now() + 10_000;
    while (written < 4410 && Date.now() < until) {
      const n = out.write(bytes.subarray(written * out.frameBytes));
      assert.ok(n >= 0 && n <= 4410 - written);
      written += n;
      if (n === 0) await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(written, 4410);
    assert.ok(out.delay() >= 0 && out.delay() <= written);
    assert.ok(out.playedFrames() <= written);
    await out.drain();
    assert.equal(out.playedFrames(), written, 'after drain everything written was played');
    await out.close();
    await out.close();
    assert.throws(() => out.write(bytes), (e: unknown) => isAurisError(e));
    if (name.startsWith('alsa:')) {
      assert.ok(readCapture(44100, 2, out.container).equals(bytes), 'the capture PCM received the bytes unchanged');
    }
  });
}

test('output alsa: a format the device refuses is E_FORMAT_REFUSED with the accepted set in its details', async (t) => {
  if (!needAlsa(t)) return;
  const dac = outputPlugin('alsa:dac24');
  await assert.rejects(dac.open(pcmFormat(48000, 2, 16), 'exclusive'), (e: unknown) => isAurisError(e, 'E_FORMAT_REFUSED') && Array.isArray(e.details.accepted));
});
