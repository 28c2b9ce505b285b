// Nothing a user owns is lost (issue 18): `auris decode`, `auris convert` and the `file:` output
// refuse an output that is one of the inputs (by its name, another name, a hard link or a
// symlink), and a failed run leaves an existing output file byte for byte as it was.

import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { linkSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pcmFormat } from '../../src/audio/format.ts';
import { decodeToFile } from '../../src/cli/commands/decode.ts';
import { convertFile } from '../../src/cli/commands/convert.ts';
import { openFile } from '../../src/decoders/registry.ts';
import { FileOutputPlugin } from '../../src/outputs/plugins/file/index.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { openSafeOutput, writeSafely } from '../../src/util/safe-write.ts';
import { intBytesLE, riffWave, chunk, wavFmt } from '../helpers/containers.ts';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { lcgInts } from '../helpers/alsa.ts';
import { main } from '../../src/cli/main.ts';

/** A 16-bit stereo 44.1 kHz WAV of `frames` pseudo-random frames. */
function wavBytes(frames: number, seed: number): Uint8Array {
  const samples = lcgInts(frames * 2, 16, seed);
  return riffWave([chunk('fmt ', wavFmt({ tag: 1, channels: 2, rate: 44100, containerBits: 16 })), chunk('data', intBytesLE(samples, 2))]);
}

const outputIsInput = (e: unknown) => isAurisError(e, 'E_OUTPUT_IS_INPUT');

/** The three other names a file can have: a second name for the path, a hard link, a symlink. */
function otherNames(dir: string, file: string): string[] {
  const hard = path.join(dir, 'hard.wav');
  const soft = path.join(dir, 'soft.wav');
  linkSync(file, hard);
  symlinkSync(file, soft);
  return [file, path.join(dir, '.', 'sub', '..', path.basename(file)), hard, soft];
}

/** Nothing but the files the test made: no temporary file is left behind. */
function assertNoStrays(dir: string, expected: string[]): void {
  assert.deepEqual(readdirSync(dir).sort(), [...expected].sort());
}

test('decode: an output that is the input, by any name, is refused and the input is untouched', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'x.wav');
  const bytes = wavBytes(4410, 1);
  writeFileSync(input, bytes);
  for (const out of otherNames(dir, input)) {
    await assert.rejects(decodeToFile(input, out, 0, null), outputIsInput, out);
    assert.ok(readFileSync(input).equals(bytes), `input intact after -o ${out}`);
  }
  assertNoStrays(dir, ['x.wav', 'hard.wav', 'soft.wav']);
});

test('convert: an output that is the input, by any name, is refused and the input is untouched', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'x.wav');
  const bytes = wavBytes(4410, 2);
  writeFileSync(input, bytes);
  for (const out of otherNames(dir, input)) {
    await assert.rejects(convertFile(input, out, { dither: 'none', volumeDb: -6 }), outputIsInput, out);
    assert.ok(readFileSync(input).equals(bytes), `input intact after convert to ${out}`);
  }
  assertNoStrays(dir, ['x.wav', 'hard.wav', 'soft.wav']);
});

test('decode and convert: a corrupt input leaves an existing output as it was, and no temporary file', async (t) => {
  if (!needTools(t, 'flac')) return;
  const dir = tempDir();
  const wav = path.join(dir, 'src.wav');
  writeFileSync(wav, wavBytes(44100 * 2, 3));
  const flac = path.join(dir, 'corrupt.flac');
  run('flac', ['-s', '-o', flac, wav]);
  // Damage a byte past the first frames: the decode writes audio, then fails on a frame CRC.
  const damaged = readFileSync(flac);
  damaged[Math.floor(damaged.length * 0.7)] ^= 0x55;
  writeFileSync(flac, damaged);
  const existing = path.join(dir, 'existing.wav');
  const before = Buffer.from('an earlier decode the user keeps');
  writeFileSync(existing, before);
  await assert.rejects(decodeToFile(flac, existing, 0, null), (e: unknown) => isAurisError(e, 'E_CORRUPT'));
  assert.ok(readFileSync(existing).equals(before), 'decode: the existing file is as it was');
  await assert.rejects(convertFile(flac, existing, { dither: 'none' }), (e: unknown) => isAurisError(e, 'E_CORRUPT'));
  assert.ok(readFileSync(existing).equals(before), 'convert: the existing file is as it was');
  // An input that is not audio at all, through the CLI: exit 1, and the file is still intact.
  const garbage = path.join(dir, 'garbage.flac');
  writeFileSync(garbage, 'fLaC but nothing else');
  process.exitCode = undefined;
  await main(['node', 'auris', 'decode', garbage, '-o', existing]);
  assert.equal(process.exitCode, 1);
  process.exitCode = undefined;
  assert.ok(readFileSync(existing).equals(before), 'a failed CLI decode leaves the file as it was');
  assertNoStrays(dir, ['src.wav', 'corrupt.flac', 'existing.wav', 'garbage.flac']);
});

test('decode: a successful run replaces an existing file, through a symlink the link stays and its target changes, mode kept', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'in.wav');
  writeFileSync(input, wavBytes(1000, 4));
  const target = path.join(dir, 'target.wav');
  writeFileSync(target, 'old', { mode: 0o640 });
  const link = path.join(dir, 'link.wav');
  symlinkSync(target, link);
  const { frames } = await decodeToFile(input, link, 0, null);
  assert.equal(frames, 1000);
  const data = readFileSync(input).subarray(44);
  const written = readFileSync(target);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.ok(written.subarray(written.length - data.length).equals(data), 'the target holds the decoded samples');
  assert.equal(statSync(target).mode & 0o777, 0o640);
  assertNoStrays(dir, ['in.wav', 'target.wav', 'link.wav']);
});

test('safe writer: a FIFO or folder as output is refused (E_NOT_A_FILE) without opening it; writeSafely aborts on a throw', async (t) => {
  if (!needTools(t, 'mkfifo')) return;
  const dir = tempDir();
  const fifo = path.join(dir, 'pipe.wav');
  run('mkfifo', [fifo]);
  await assert.rejects(openSafeOutput(fifo), (e: unknown) => isAurisError(e, 'E_NOT_A_FILE'));
  await assert.rejects(openSafeOutput(dir), (e: unknown) => isAurisError(e, 'E_NOT_A_FILE'));
  const keep = path.join(dir, 'keep.txt');
  writeFileSync(keep, 'kept');
  await assert.rejects(writeSafely(keep, {}, async ({ handle }) => {
    await handle.write(Buffer.from('half a result'));
    throw new Error('the run failed');
  }), /the run failed/);
  assert.equal(readFileSync(keep, 'utf8'), 'kept');
  assertNoStrays(dir, ['pipe.wav', 'keep.txt']);
});

test('file output: refuses the file being played from (open in this process), by another name too', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'x.wav');
  const bytes = wavBytes(2000, 5);
  writeFileSync(input, bytes);
  const hard = path.join(dir, 'hard.wav');
  linkSync(input, hard);
  const playing = await openFile(input);
  try {
    for (const out of [input, hard]) {
      await assert.rejects(new FileOutputPlugin(out).open(pcmFormat(44100, 2, 16), 'exclusive'), outputIsInput, out);
    }
  } finally {
    await playing.close();
  }
  assert.ok(readFileSync(input).equals(bytes));
});

test('file output: the target is replaced only at close, with the samples written', async () => {
  const dir = tempDir();
  const target = path.join(dir, 'out.wav');
  writeFileSync(target, 'previous capture');
  const out = await new FileOutputPlugin(target).open(pcmFormat(44100, 2, 16), 'exclusive');
  const data = intBytesLE(lcgInts(400, 16, 6), 2);
  assert.equal(out.write(data), 200);
  await out.drain();
  assert.equal(readFileSync(target, 'utf8'), 'previous capture', 'not replaced before close');
  await out.close();
  const written = readFileSync(target);
  assert.ok(Buffer.from(data).equals(written.subarray(written.length - data.length)), 'the samples are in the new file');
  assertNoStrays(dir, ['out.wav']);
});

test('play: --output file: naming a file of the queue is refused before anything plays', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.wav');
  const x = path.join(dir, 'x.wav');
  const bytes = wavBytes(2000, 7);
  writeFileSync(a, wavBytes(2000, 8));
  writeFileSync(x, bytes);
  const link = path.join(dir, 'link.wav');
  symlinkSync(x, link);
  process.exitCode = undefined;
  const stderr: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => { stderr.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    await main(['node', 'auris', 'play', '--json', '--output', `file:${link}`, dir]);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(process.exitCode, 1);
  process.exitCode = undefined;
  assert.match(stderr.join(''), /E_OUTPUT_IS_INPUT/);
  assert.ok(readFileSync(x).equals(bytes));
});

test('dr --log naming one of the files it measures is refused, and the file is untouched', () => {
  const dir = tempDir();
  const x = path.join(dir, 'x.wav');
  const bytes = wavBytes(44100, 9);
  writeFileSync(x, bytes);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../../src/cli/main.ts'), 'dr', x, '--log', x], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /E_OUTPUT_IS_INPUT/);
  assert.ok(readFileSync(x).equals(bytes));
});
