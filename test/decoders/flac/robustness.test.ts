// Truncated, bit-flipped and garbage inputs: strict mode gives a typed AurisError, lenient mode
// decodes what is valid and counts the damage; a batch goes on past every failure. The test
// timeout is the bound on time (a hang fails it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { flacPlugin } from '../../../src/decoders/plugins/flac/index.ts';
import { BufferByteSource } from '../../../src/util/byte-source.ts';
import { isAurisError, type ErrorCode } from '../../../src/util/errors.ts';
import { needTools } from '../../helpers/tools.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { decodeAll, encodeFlac, musicSignal, rng, type DecodeResult } from './flac-helpers.ts';

const DAMAGE: readonly ErrorCode[] = ['E_CORRUPT', 'E_TRUNCATED', 'E_UNSUPPORTED_FEATURE', 'E_MD5_MISMATCH'];

type Outcome = DecodeResult | ErrorCode;

async function outcome(bytes: Uint8Array, integrity: 'strict' | 'lenient'): Promise<Outcome> {
  try {
    return await decodeAll(bytes, { integrity, blockFrames: 4096 });
  } catch (e) {
    if (isAurisError(e)) return e.code;
    throw e;
  }
}

/** Offset of the first frame (after the metadata) of a file made by flac. */
function audioStart(bytes: Uint8Array): number {
  let at = 4;
  while (true) {
    const last = (bytes[at]! & 0x80) !== 0;
    at += 4 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
    if (last) return at;
  }
}

function makeFile(t: { name: string }, bits: number): { bytes: Uint8Array; frames: number } {
  const dir = tempDir('auris-flac-robust-');
  const samples = musicSignal(44100, 2, bits, 44100, bits);
  const file = encodeFlac(dir, t.name.replace(/\W/g, '_'), samples, 2, bits, 44100, ['-5', '-b', '1152']);
  return { bytes: readFileSync(file), frames: samples.length / 2 };
}

test('FLAC robustness: truncated files', { timeout: 120_000 }, async (t) => {
  if (!needTools(t, 'flac', 'sox')) return;
  const { bytes, frames } = makeFile(t, 16);
  const start = audioStart(bytes);
  const rand = rng(11);
  const cuts = [0, 1, 4, 8, 20, 42, start - 1, start, start + 1, start + 20, bytes.length - 1, bytes.length - 2];
  for (let i = 0; i < 30; i++) cuts.push(start + Math.floor(rand() * (bytes.length - start)));
  for (const cut of cuts) {
    const damaged = bytes.subarray(0, cut);
    const strict = await outcome(damaged, 'strict');
    assert.ok(typeof strict === 'string' && DAMAGE.includes(strict), `cut at ${cut}: strict gave ${typeof strict === 'string' ? strict : 'a full decode'}`);
    if (cut >= start) assert.equal(strict, 'E_TRUNCATED', `cut at ${cut} inside the audio`);
    const lenient = await outcome(damaged, 'lenient');
    if (cut >= start) {
      assert.ok(typeof lenient === 'object', `cut at ${cut}: lenient mode decodes what is there, got ${String(lenient)}`);
      assert.ok(lenient.frames < frames, `cut at ${cut}: fewer frames than the whole`);
      assert.ok(lenient.integrity.warnings.some((w) => /truncated|ends inside/.test(w)), `cut at ${cut}: warns of the truncation`);
    } else {
      assert.ok(typeof lenient === 'string' && DAMAGE.includes(lenient), `cut at ${cut}: lenient gave ${String(lenient)}`);
    }
  }
});

test('FLAC robustness: bit flips in the audio', { timeout: 120_000 }, async (t) => {
  if (!needTools(t, 'flac', 'sox')) return;
  for (const bits of [16, 24]) {
    const { bytes, frames } = makeFile(t, bits);
    const start = audioStart(bytes);
    const rand = rng(bits);
    for (let i = 0; i < 60; i++) {
      const damaged = Uint8Array.from(bytes);
      const flips = 1 + Math.floor(rand() * 3);
      for (let f = 0; f < flips; f++) {
        const at = start + Math.floor(rand() * (bytes.length - start));
        damaged[at]! ^= 1 << Math.floor(rand() * 8);
      }
      const strict = await outcome(damaged, 'strict');
      assert.ok(typeof strict === 'string' && DAMAGE.includes(strict), `flip ${i} (${bits}-bit): strict gave ${typeof strict === 'string' ? strict : 'a clean decode'}`);
      const lenient = await outcome(damaged, 'lenient');
      assert.ok(typeof lenient === 'object', `flip ${i}: lenient mode recovers, got ${String(lenient)}`);
      assert.ok(lenient.integrity.crcErrors >= 1, `flip ${i}: damage is counted`);
      assert.notEqual(lenient.integrity.md5, 'match', `flip ${i}: MD5 cannot match`);
      assert.ok(lenient.frames <= frames + 65536, `flip ${i}: frame count stays plausible`);
    }
  }
});

test('FLAC robustness: flips anywhere, seeking in damaged files, lenient', { timeout: 120_000 }, async (t) => {
  if (!needTools(t, 'flac', 'sox')) return;
  const { bytes } = makeFile(t, 16);
  const rand = rng(5);
  for (let i = 0; i < 40; i++) {
    const damaged = Uint8Array.from(bytes);
    for (let f = 0; f < 4; f++) damaged[Math.floor(rand() * bytes.length)]! ^= 1 << Math.floor(rand() * 8);
    for (const integrity of ['strict', 'lenient'] as const) {
      const r = await outcome(damaged, integrity);
      if (typeof r === 'string') assert.ok(DAMAGE.includes(r), `flip set ${i} (${integrity}): ${r}`);
    }
    const source = new BufferByteSource(damaged);
    let decoder;
    try {
      decoder = await flacPlugin.open(source, { integrity: 'lenient' });
    } catch (e) {
      assert.ok(isAurisError(e) && DAMAGE.includes(e.code), `flip set ${i}: open failed with ${String(e)}`);
      continue;
    }
    for (let s = 0; s < 10; s++) {
      try {
        const reached = await decoder.seek(Math.floor(rand() * 50000));
        assert.ok(Number.isInteger(reached) && reached >= 0);
        await decoder.read(1000);
      } catch (e) {
        assert.ok(isAurisError(e) && DAMAGE.includes(e.code), `flip set ${i}: seek failed with ${String(e)}`);
      }
    }
    await decoder.close();
  }
});

test('FLAC robustness: garbage, in a batch that goes on past each failure', { timeout: 60_000 }, async () => {
  const rand = rng(99);
  const noise = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
  const streamInfoOnly = Uint8Array.from([
    0x66, 0x4c, 0x61, 0x43, 0x00, 0x00, 0x00, 0x22, 0x10, 0x00, 0x10, 0x00, 0, 0, 0, 0, 0, 0,
    0x0a, 0xc4, 0x42, 0xf0, 0, 0, 0x10, 0, ...new Array(16).fill(0x11),
  ]);
  const batch: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['zeros', new Uint8Array(100_000)],
    ['noise', noise(200_000)],
    ['fLaC then noise', Uint8Array.from([0x66, 0x4c, 0x61, 0x43, ...noise(50_000)])],
    ['STREAMINFO then noise', Uint8Array.from([...streamInfoOnly.slice(0, 4), 0x80, ...streamInfoOnly.slice(5), ...noise(50_000)])],
    ['sync-like noise', Uint8Array.from({ length: 100_000 }, (_, i) => (i % 2 === 0 ? 0xff : 0xf8 | Math.floor(rand() * 2)))],
    ['ADTS-like', Uint8Array.from({ length: 50_000 }, (_, i) => (i % 7 === 0 ? 0xff : i % 7 === 1 ? 0xf9 : Math.floor(rand() * 256)))],
    ['ID3 tag claiming more than the file', Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f, ...noise(100)])],
    ['metadata block past the end', Uint8Array.from([0x66, 0x4c, 0x61, 0x43, 0x84, 0xff, 0xff, 0xff, 1, 2, 3])],
  ];
  const seen: string[] = [];
  for (const [name, bytes] of batch) {
    for (const integrity of ['strict', 'lenient'] as const) {
      const r = await outcome(bytes, integrity);
      assert.ok(typeof r === 'string' && DAMAGE.includes(r), `${name} (${integrity}): ${typeof r === 'string' ? r : 'decoded as FLAC'}`);
      seen.push(`${name}:${integrity}`);
    }
    assert.equal(flacPlugin.probe(bytes.subarray(0, 65536)), bytes[0] === 0x66, `${name}: probe`);
  }
  assert.equal(seen.length, batch.length * 2, 'every file of the batch was tried');
});
