// POST /api/outputs/verify over the real core and engine: the test signal into a file: output
// comes back bit-perfect with the file's bytes equal to the signal, into the null output with the
// proof; a software volume makes it "enhanced" and the bytes differ; bad input, a file outside
// the capture folder, the output in use, and the access checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { testSignal } from '../../src/core/output-verify.ts';
import { OutputVerifyResultSchema, type OutputVerifyResult } from '../../src/protocol/http.ts';
import { wavData } from '../helpers/containers.ts';
import { until } from '../helpers/core.ts';
import { checkAccess, errorOf, openTestServer, send } from './helpers/server.ts';

const TOKEN = 'verify-token-9';

test('verify into a file: output in the capture folder: bit-perfect, the file\'s bytes are the test signal, the proof\'s MD5 is the signal\'s', { timeout: 60_000 }, async () => {
  const s = await openTestServer({ token: TOKEN });
  try {
    const captures = path.join(s.core.dataFolder, 'captures');
    for (const [bits, rate] of [[16, 44100], [24, 96000]] as const) {
      const file = path.join(captures, `verify-${bits}.wav`);
      const res = await send(s.app, 'POST', '/api/outputs/verify', { name: `file:${file}`, mode: 'exclusive', bits, rate });
      assert.equal(res.statusCode, 200, res.body);
      const r = OutputVerifyResultSchema.parse(res.json());
      assert.equal(r.bitPerfect, true, r.summary);
      assert.equal(r.signalPath.verdict, 'bit-perfect');
      assert.equal(r.proof.verified, true);
      assert.deepEqual(r.signal.format, { rate, channels: 2, sample: bits === 16 ? 's16' : 's24', validBits: bits });
      assert.equal(r.signal.frames, rate);
      // The negotiated format as the output opened it: the signal's own.
      assert.deepEqual(r.output?.format, r.signal.format);
      assert.equal(r.output?.container, bits === 16 ? 'S16_LE' : 'S24_3LE');
      // The file: every byte equal to the test signal's WAV, its samples hashing to the proof's MD5.
      const written = readFileSync(file);
      assert.ok(written.equals(Buffer.from(testSignal(rate, bits).wav)), 'the file is the test signal, byte for byte');
      assert.deepEqual(r.capture, { file, bytesCompared: written.length, equal: true, firstDifference: null });
      const wav = wavData(file);
      assert.deepEqual([wav.channels, wav.rate, wav.bits, wav.data.length], [2, rate, bits, rate * 2 * (bits / 8)]);
      // FLAC's MD5 layout for 16 and 24 bits is the little-endian bytes WAV holds.
      const md5 = createHash('md5').update(wav.data).digest('hex');
      assert.equal(r.signal.md5, md5);
      assert.equal(r.proof.md5, md5);
      assert.match(r.summary, new RegExp(`^the ${bits}-bit/${rate} Hz test signal reached file:${file} \\(exclusive, S${bits === 16 ? '16_LE' : '24_3LE'}\\) unchanged \\(MD5 ${md5} = the signal's; ${written.length} bytes of the file equal\\)$`));
      // A real signal: both channels carry audio, and they differ.
      const left = Array.from({ length: 2000 }, (_, i) => wav.data.readIntLE((1000 + i) * 2 * (bits / 8), bits / 8));
      const right = Array.from({ length: 2000 }, (_, i) => wav.data.readIntLE(((1000 + i) * 2 + 1) * (bits / 8), bits / 8));
      assert.ok(Math.max(...left) > 2 ** (bits - 1) / 5 && Math.max(...right) > 2 ** (bits - 1) / 5, 'about -12 dBFS on both channels');
      assert.notDeepEqual(left, right);
    }
    // The settings' output was not changed by a verify.
    assert.equal(s.core.settings.get().output.name, 'null');
    assert.equal((await checkAccess(s.app, TOKEN, 'POST', '/api/outputs/verify', { name: `file:${path.join(captures, 'remote.wav')}` })).statusCode, 200);
  } finally {
    await s.close();
  }
});

test('verify: the settings\' output (null) by default; a software volume is "enhanced" and the file\'s bytes differ', { timeout: 60_000 }, async () => {
  const s = await openTestServer();
  try {
    const plain = OutputVerifyResultSchema.parse((await send(s.app, 'POST', '/api/outputs/verify', {})).json());
    assert.equal(plain.name, 'null');
    assert.equal(plain.bitPerfect, true, plain.summary);
    assert.equal(plain.capture, null);
    assert.equal(plain.proof.md5, plain.signal.md5);

    await s.core.volume.set(-6);
    const file = path.join(s.core.dataFolder, 'captures', 'quiet.wav');
    const res = await send(s.app, 'POST', '/api/outputs/verify', { name: `file:${file}` });
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json() as OutputVerifyResult;
    assert.equal(r.bitPerfect, false);
    assert.equal(r.signalPath.verdict, 'enhanced');
    assert.equal(r.proof.verified, false);
    assert.equal(r.capture?.equal, false);
    // The volume stage widened the samples to 24 bits (dithered): the file is another format, and says so from its header on.
    assert.equal(r.output?.format.validBits, 24);
    assert.equal(wavData(file).bits, 24);
    assert.equal(r.capture?.firstDifference, 4, 'the RIFF sizes already differ');
    assert.match(r.summary, /^the 16-bit\/44100 Hz test signal reached .* changed: /);
    assert.match(r.summary, /volume/i);
  } finally {
    await s.close();
  }
});

test('verify: bad input is E_INVALID_ARGUMENT, a file outside the capture folder E_PERMISSION, the output in use E_STATE', { timeout: 60_000 }, async () => {
  const s = await openTestServer();
  try {
    for (const bad of [{ bits: 20 }, { rate: '44100' }, { rate: 100 }, { mode: 'loud' }, { extra: true }, { name: '' }]) {
      const res = await send(s.app, 'POST', '/api/outputs/verify', bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.equal(errorOf(res).code, 'E_INVALID_ARGUMENT');
    }
    assert.equal((await send(s.app, 'POST', '/api/outputs/verify', '{"bits": 16')).statusCode, 400);
    const unknown = await send(s.app, 'POST', '/api/outputs/verify', { name: 'speakers:left' });
    assert.equal(unknown.statusCode, 400, unknown.body);
    assert.equal(errorOf(unknown).code, 'E_INVALID_ARGUMENT');
    for (const name of ['file:/tmp/verify.wav', `file:${path.join(s.core.dataFolder, 'captures', '..', 'x.wav')}`, 'alsa:file:/tmp/x']) {
      const res = await send(s.app, 'POST', '/api/outputs/verify', { name });
      assert.equal(res.statusCode, 403, name);
      assert.equal(errorOf(res).code, 'E_PERMISSION');
    }
    // While the queue plays to the null output, verifying it is refused; another output is fine.
    await s.core.queue.add([s.tracks[0]!]);
    await s.core.player.play();
    await until(() => s.core.player.state().status === 'playing', 5000, 'playing');
    const busy = await send(s.app, 'POST', '/api/outputs/verify', { name: 'null' });
    assert.equal(busy.statusCode, 409);
    assert.equal(errorOf(busy).code, 'E_STATE');
    const other = await send(s.app, 'POST', '/api/outputs/verify', { name: 'null:unpaced' });
    assert.equal(other.statusCode, 200, other.body);
    assert.equal(s.core.player.state().status, 'playing', 'playback went on');
    await s.core.player.stop();
  } finally {
    await s.close();
  }
});
