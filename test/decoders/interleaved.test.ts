import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcmFormat } from '../../src/audio/format.ts';
import { FrameDecoder, confirmValidBits, contiguousReader, decodeFloat, decodeIntContainer, streamInfoFor, type FrameLayout } from '../../src/decoders/interleaved.ts';
import { BufferByteSource } from '../../src/util/byte-source.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { decodeAll } from '../helpers/decode.ts';
import { intBytesLE } from '../helpers/containers.ts';
import { noise } from '../helpers/signals.ts';

test('integer containers decode to right-justified values in both byte orders', () => {
  const int = (bytes: 1 | 2 | 3 | 4, bigEndian: boolean, unsigned = false) => ({ kind: 'int' as const, bytes, bigEndian, unsigned });
  assert.deepEqual([...decodeIntContainer(Uint8Array.of(0x00, 0x7f, 0x80, 0xff), int(1, false, true))], [-128, -1, 0, 127]);
  assert.deepEqual([...decodeIntContainer(Uint8Array.of(0x00, 0x7f, 0x80, 0xff), int(1, true))], [0, 127, -128, -1]);
  assert.deepEqual([...decodeIntContainer(Uint8Array.of(0x01, 0x80, 0xff, 0x7f), int(2, false))], [-32767, 32767]);
  assert.deepEqual([...decodeIntContainer(Uint8Array.of(0x80, 0x01, 0x7f, 0xff), int(2, true))], [-32767, 32767]);
  assert.deepEqual([...decodeIntContainer(Uint8Array.of(0x01, 0x00, 0x80, 0xff, 0xff, 0x7f), int(3, false))], [-8388607, 8388607]);
  assert.deepEqual([...decodeIntContainer(Uint8Array.of(0x80, 0x00, 0x01, 0x7f, 0xff, 0xff), int(3, true))], [-8388607, 8388607]);
  assert.deepEqual([...decodeIntContainer(Uint8Array.of(0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0x7f), int(4, false))], [-2147483648, 2147483647]);
  assert.deepEqual([...decodeIntContainer(Uint8Array.of(0x80, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff), int(4, true))], [-2147483648, 2147483647]);
  const f = new Uint8Array(12);
  new DataView(f.buffer).setFloat32(0, -0.25, false);
  new DataView(f.buffer).setFloat64(4, 1 / 3, false);
  assert.equal(decodeFloat(f.subarray(0, 4), { kind: 'float', bytes: 4, bigEndian: true })[0], -0.25);
  assert.equal(decodeFloat(f.subarray(4), { kind: 'float', bytes: 8, bigEndian: true })[0], 1 / 3);
});

function layout20in24(data: Uint8Array, frames: number): FrameLayout {
  return {
    format: pcmFormat(48000, 2, 20),
    encoding: { kind: 'int', bytes: 3, bigEndian: false, unsigned: false },
    frameBytes: 6,
    frames,
    declaredFrames: null,
    read: contiguousReader(new BufferByteSource(data), 0, 6),
  };
}

test('padding bits that turn out non-zero after the open-time scan become a format change, never dropped bits', async () => {
  const clean = noise(1000, 2, 20, 1).map((v) => v << 4);
  const dirty = noise(1000, 2, 24, 2);
  const both = new Int32Array(4000);
  both.set(clean);
  both.set(dirty, 2000);
  const l = layout20in24(intBytesLE(both, 3), 2000);
  const decoder = new FrameDecoder(l, streamInfoFor(l, 'WAV'), {}, []);
  const decoded = await decodeAll(decoder, 250);
  assert.deepEqual(decoded.formats.map((f) => f.validBits), [20, 24]);
  assert.deepEqual(decoded.samples.subarray(0, 2000), clean.map((v) => v >> 4));
  assert.deepEqual(decoded.samples.subarray(2000), dirty);
  assert.match(decoder.integrity().warnings.join(), /from frame 1000/);

  // Scanned at open, the same data is reported at 24 bits from the start.
  const { layout, warning } = await confirmValidBits(l);
  assert.equal(layout.format.validBits, 24);
  assert.ok(warning);
});

test('a closed decoder and bad arguments are typed errors', async () => {
  const l = layout20in24(new Uint8Array(60), 10);
  const decoder = new FrameDecoder(l, streamInfoFor(l, 'WAV'), {}, []);
  await assert.rejects(decoder.read(0), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
  await assert.rejects(decoder.seek(-1), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
  await assert.rejects(decoder.seek(1.5), (e) => isAurisError(e, 'E_INVALID_ARGUMENT'));
  await decoder.close();
  await assert.rejects(decoder.read(1), (e) => isAurisError(e, 'E_STATE'));
});
