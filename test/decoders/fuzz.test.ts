// Mutation fuzzing of every native and WASM decoder (issue 17, class 9): a fixed seed, a bounded
// number of mutations of one small valid file per format, each run through what `auris info`,
// `auris verify` and `auris decode` do. Every variant must give a clean result or a typed error
// (an AurisError with a code other than E_INTERNAL): no stray exception, no hang. For Ogg, half
// the mutations have their page CRC recomputed, so the damage reaches the codec headers and
// packets instead of stopping at the CRC check.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { dsdNoise, prng, randomInt } from '../helpers/signals.ts';
import { dsdiffFile, dsfFile } from '../helpers/containers.ts';
import { fileInfo } from '../../src/cli/commands/info.ts';
import { decodeToFile } from '../../src/cli/commands/decode.ts';
import { verifyFile } from '../../src/core/verify-file.ts';
import { AurisError } from '../../src/util/errors.ts';
import { pageAt, pageCrc } from '../../src/decoders/plugins/ogg/pages.ts';

/** Variants per format; Ogg gets more, since its codec libraries are where the crashes were. */
const VARIANTS = 24;
const OGG_VARIANTS = 64;
const SEED = 0x17;

/** One mutation of `src` from `next`: bit flips, random bytes, a random run, or a cut. */
function mutate(src: Uint8Array, next: () => number): Uint8Array {
  const b = Uint8Array.from(src);
  // Most of the damage where the headers are: the first 4 KiB.
  const where = () => (randomInt(next, 3) === 0 ? randomInt(next, b.length) : randomInt(next, Math.min(b.length, 4096)));
  switch (randomInt(next, 4)) {
    case 0: for (let k = 1 + randomInt(next, 4); k > 0; k--) b[where()]! ^= 1 << randomInt(next, 8); return b;
    case 1: for (let k = 1 + randomInt(next, 4); k > 0; k--) b[where()] = randomInt(next, 256); return b;
    case 2: { const at = where(); for (let i = at; i < Math.min(b.length, at + 16 + randomInt(next, 64)); i++) b[i] = randomInt(next, 256); return b; }
    default: return b.subarray(0, randomInt(next, b.length));
  }
}

/** Recomputes the CRC of every page that still parses apart from its CRC. */
function fixOggCrcs(b: Uint8Array): Uint8Array {
  for (let at = 0; at + 27 <= b.length;) {
    if (b[at] !== 0x4f || b[at + 1] !== 0x67 || b[at + 2] !== 0x67 || b[at + 3] !== 0x53) { at++; continue; }
    const segments = b[at + 26]!;
    let body = 0;
    for (let i = 0; i < segments && at + 27 + i < b.length; i++) body += b[at + 27 + i]!;
    const end = at + 27 + segments + body;
    if (end > b.length) break;
    new DataView(b.buffer, b.byteOffset).setUint32(at + 22, pageCrc(b.subarray(at, end)), true);
    at = end;
  }
  return b;
}

const ALLOWED = new Set(['E_CORRUPT', 'E_TRUNCATED', 'E_UNSUPPORTED_FORMAT', 'E_UNSUPPORTED_FEATURE', 'E_MD5_MISMATCH']);

function assertTyped(e: unknown, what: string): void {
  assert.ok(e instanceof AurisError, `${what}: not an AurisError: ${e instanceof Error ? e.stack : String(e)}`);
  assert.ok(ALLOWED.has(e.code), `${what}: ${e.code} ${e.message}`);
}

/** Runs `file` through info, verify and decode; every outcome must be clean or typed. */
async function throughCommands(file: string, out: string): Promise<void> {
  try { await fileInfo(file, true); } catch (e) { assertTyped(e, `info ${file}`); }
  const v = await verifyFile(file);
  if (v.error) assert.ok(ALLOWED.has(v.error.code), `verify ${file}: ${v.error.code} ${v.error.message}`);
  try { await decodeToFile(file, out, 0, null); } catch (e) { assertTyped(e, `decode ${file}`); }
}

interface Sample {
  readonly file: string;
  /** Writes the valid file to `file`. */
  readonly make: (file: string) => void;
  readonly ogg?: boolean;
  /** DSD goes to a .raw output (a WAV cannot hold it). */
  readonly dsd?: boolean;
}

const ffmpegMade = (...args: string[]) => (file: string) => {
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t)|0.2*sin(2*PI*550*t)+0.01*random(0):s=48000:d=0.4', ...args, file]);
};

const SAMPLES: Sample[] = [
  { file: 'a.flac', make: ffmpegMade('-c:a', 'flac') },
  { file: 'a.wav', make: ffmpegMade('-c:a', 'pcm_s24le') },
  { file: 'a.aiff', make: ffmpegMade('-c:a', 'pcm_s16be') },
  { file: 'a.mp3', make: ffmpegMade('-c:a', 'libmp3lame') },
  { file: 'a.ogg', make: ffmpegMade('-c:a', 'libvorbis', '-page_duration', '50000'), ogg: true },
  { file: 'a.opus', make: ffmpegMade('-c:a', 'libopus', '-page_duration', '50000'), ogg: true },
  { file: 'flac.oga', make: ffmpegMade('-c:a', 'flac', '-f', 'ogg'), ogg: true },
  { file: 'surround.opus', make: ffmpegMade('-c:a', 'libopus', '-ac', '6', '-mapping_family', '1'), ogg: true },
  { file: 'a.dsf', make: (file) => writeFileSync(file, dsfFile({ rate: 2822400, channels: 2, msb: dsdNoise(6000, 2) })), dsd: true },
  { file: 'a.dff', make: (file) => writeFileSync(file, dsdiffFile({ rate: 2822400, channels: 2, msb: dsdNoise(6000, 2) })), dsd: true },
];

for (const s of SAMPLES) {
  const count = s.ogg ? OGG_VARIANTS : VARIANTS;
  test(`fuzz ${s.file}: ${count} seeded mutations give a clean decode or a typed error in info, verify and decode`, { timeout: 120_000 }, async (t) => {
    if (!needTools(t, 'ffmpeg')) return;
    const dir = tempDir();
    const valid = path.join(dir, s.file);
    s.make(valid);
    const original = readFileSync(valid);
    const next = prng(SEED ^ original.length);
    for (let k = 0; k < count; k++) {
      let bytes = mutate(original, next);
      if (s.ogg && k % 2 === 1) bytes = fixOggCrcs(bytes);
      const file = path.join(dir, `v${k}-${s.file}`);
      writeFileSync(file, bytes);
      await throughCommands(file, path.join(dir, `v${k}.${s.dsd ? 'raw' : 'wav'}`));
    }
  });
}

test('fuzz helper: a CRC-fixed Ogg page parses again', () => {
  const page = Uint8Array.from([0x4f, 0x67, 0x67, 0x53, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 9, 9, 9]);
  assert.equal(pageAt(page, 0), 'bad');
  assert.notEqual(typeof pageAt(fixOggCrcs(page), 0), 'string');
});
