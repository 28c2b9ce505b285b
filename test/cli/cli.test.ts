// The CLI as a user runs it (`node --import tsx src/cli/main.ts ...`): info, decode, verify and
// debug decode against flac -d and ffmpeg, with exit codes on corrupt input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { buildProgram, main } from '../../src/cli/main.ts';
import { COMMANDS, commandsFor, namedCommand } from '../../src/cli/commands/index.ts';
import { AURIS_VERSION } from '../../src/util/version.ts';

const root = path.resolve(import.meta.dirname, '../..');

function auris(...args: string[]): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** Runs the CLI in this process (cheaper than a spawn); returns the exit code it set. */
async function aurisInProcess(...args: string[]): Promise<number> {
  process.exitCode = undefined;
  await main(['node', 'auris', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return code;
}

/** A 24-bit stereo FLAC of noise and a tone (0.8 s at 48 kHz), tagged, and its `flac -d` raw decode. */
function makeFlac(dir: string): { flac: string; raw: Buffer } {
  const wav = path.join(dir, 'src.wav');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'anoisesrc=a=0.3:r=48000:d=0.8:seed=3', '-f', 'lavfi', '-i', 'sine=f=997:r=48000:d=0.8',
    '-filter_complex', '[0][1]amerge=inputs=2', '-c:a', 'pcm_s24le', wav]);
  const flac = path.join(dir, 'good.flac');
  run('flac', ['-s', '-5', '-T', 'TITLE=Noise', '-T', 'ARTIST=Auris', '-o', flac, wav]);
  const raw = run('flac', ['-s', '-d', '-c', '--force-raw-format', '--endian=little', '--sign=signed', flac]);
  return { flac, raw };
}

test('cli decode: .raw equals flac -d raw output, --start/--end slices equal the slice, .wav holds the same samples', async (t) => {
  if (!needTools(t, 'flac', 'ffmpeg')) return;
  const dir = tempDir();
  const { flac, raw } = makeFlac(dir);
  const out = path.join(dir, 'out.raw');
  let r = auris('decode', flac, '-o', out);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readFileSync(out), raw);

  const frameBytes = 6; // 24-bit stereo
  for (const [start, end] of [[0, 1], [12345, 23456], [4095, 4097], [38399, 38400]] as const) {
    const slice = path.join(dir, `s-${start}.raw`);
    assert.equal(await aurisInProcess('decode', flac, '-o', slice, '--start', String(start), '--end', String(end)), 0);
    assert.deepEqual(readFileSync(slice), raw.subarray(start * frameBytes, end * frameBytes), `slice ${start}..${end}`);
  }

  const wav = path.join(dir, 'out.wav');
  assert.equal(await aurisInProcess('decode', flac, '-o', wav, '--start', '1000'), 0);
  const wavSamples = run('ffmpeg', ['-v', 'error', '-i', wav, '-f', 's24le', '-c:a', 'pcm_s24le', '-']);
  assert.deepEqual(wavSamples, raw.subarray(1000 * frameBytes));

  r = auris('decode', flac, '-o', path.join(dir, 'x.mp3'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /E_INVALID_ARGUMENT/);
});

test('cli info --json: format, depth, MD5 status, lossless flag and tags; --verify checks the MD5', async (t) => {
  if (!needTools(t, 'flac', 'ffmpeg')) return;
  const dir = tempDir();
  const { flac } = makeFlac(dir);
  const mp3 = path.join(dir, 'a.mp3');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:r=44100:d=0.5', '-c:a', 'libmp3lame', '-metadata', 'title=Tone', mp3]);
  const r = auris('info', '--json', '--verify', flac, mp3, path.join(dir, 'missing.flac'));
  assert.equal(r.status, 1, 'a missing file makes the exit code non-zero');
  const [f, m, missing] = JSON.parse(r.stdout.toString()) as Record<string, unknown>[];
  assert.deepEqual(
    { codec: f!.codec, container: f!.container, lossless: f!.lossless, sample: f!.sample, bits: f!.bits, rate: f!.rate, channels: f!.channels, frames: f!.frames, durationSeconds: f!.durationSeconds },
    { codec: 'FLAC', container: 'FLAC', lossless: true, sample: 's24', bits: 24, rate: 48000, channels: 2, frames: 38400, durationSeconds: 0.8 },
  );
  const md5 = run('metaflac', ['--show-md5sum', flac]).toString().trim();
  assert.deepEqual(f!.md5, { stored: md5, status: 'match' });
  assert.equal((f!.tags as { title: string }).title, 'Noise');
  assert.equal((f!.tags as { artist: string }).artist, 'Auris');
  assert.equal(m!.codec, 'MP3');
  assert.equal(m!.lossless, false);
  assert.equal(m!.frames, 22050);
  assert.deepEqual(m!.md5, { stored: null, status: 'absent' });
  assert.equal((m!.tags as { title: string }).title, 'Tone');
  assert.equal((missing!.error as { code: string }).code, 'E_NOT_FOUND');

  const human = auris('info', flac);
  assert.equal(human.status, 0);
  assert.match(human.stdout.toString(), /48000 Hz, 2 ch, 24-bit/);
  assert.match(human.stdout.toString(), new RegExp(`md5 +present \\(${md5}\\)`));
});

test('cli verify: a batch with corrupt files reports each, names the bad ones, and exits non-zero', async (t) => {
  if (!needTools(t, 'flac', 'ffmpeg')) return;
  const dir = tempDir();
  const { flac } = makeFlac(dir);
  const lib = path.join(dir, 'library');
  mkdirSync(path.join(lib, 'disc2'), { recursive: true });
  copyFileSync(flac, path.join(lib, '01 good.flac'));
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=0.4', '-c:a', 'libvorbis', path.join(lib, '02 good.ogg')]);
  const bytes = readFileSync(flac);
  const flipped = Buffer.from(bytes);
  flipped[Math.floor(bytes.length * 0.6)]! ^= 0x10;
  writeFileSync(path.join(lib, 'disc2', 'flipped.flac'), flipped);
  writeFileSync(path.join(lib, 'disc2', 'truncated.flac'), bytes.subarray(0, Math.floor(bytes.length * 0.7)));
  writeFileSync(path.join(lib, 'disc2', 'garbage.flac'), Buffer.alloc(3000, 0xa5));
  copyFileSync(flac, path.join(lib, 'disc2', 'good too.flac'));

  const r = auris('verify', lib);
  assert.equal(r.status, 1);
  const lines = r.stdout.toString().trim().split('\n');
  const line = (name: string) => lines.find((l) => l.includes(name)) ?? '';
  assert.match(line('01 good.flac'), /^OK .*MD5 ok/);
  assert.match(line('good too.flac'), /^OK /);
  assert.match(line('02 good.ogg'), /^OK /);
  assert.match(line('flipped.flac'), /^FAIL .*\[E_(CORRUPT|MD5_MISMATCH)\]/);
  assert.match(line('truncated.flac'), /^FAIL .*\[E_(TRUNCATED|CORRUPT)\]/);
  assert.match(line('garbage.flac'), /^FAIL .*\[E_/);
  assert.equal(lines.at(-1), '6 file(s) verified: 3 ok, 3 failed');

  const good = auris('verify', path.join(lib, '01 good.flac'), path.join(lib, '02 good.ogg'));
  assert.equal(good.status, 0, good.stdout.toString());
});

test('cli debug decode: raw PCM of a slice on stdout, the format on stderr', async (t) => {
  if (!needTools(t, 'flac', 'ffmpeg')) return;
  const dir = tempDir();
  const { flac, raw } = makeFlac(dir);
  const r = auris('debug', 'decode', flac, '--start', '777', '--frames', '5000');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout, raw.subarray(777 * 6, 5777 * 6));
  assert.match(r.stderr, /FLAC in FLAC, 48000 Hz, 2 ch, 24-bit/);
});

test('cli commands load on demand: a command line loads only the module it names; help lists them all in order', async () => {
  assert.deepEqual(commandsFor(['dr', '--json', 'x']).map((c) => c.name), ['dr']);
  assert.deepEqual(commandsFor(['debug', 'filter', 'eq']).map((c) => c.name), ['debug']);
  for (const args of [[], ['--help'], ['help', 'dr'], ['nosuch'], ['--version', '--help']]) assert.equal(commandsFor(args), COMMANDS, args.join(' '));
  assert.deepEqual(commandsFor(['--version']), []);
  assert.deepEqual(commandsFor(['-V']), []);
  const version = auris('--version');
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.toString(), `${AURIS_VERSION}\n`);
  const help = (await buildProgram()).helpInformation();
  const listed = [...help.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]).filter((n) => n !== 'help');
  assert.deepEqual(listed, COMMANDS.map((c) => c.name));
  const dr = await buildProgram(commandsFor(['dr']));
  assert.deepEqual(dr.commands.map((c) => c.name()), ['dr']);
  // Only a named command prepares (the analysis commands start their workers): help starts nothing.
  assert.equal(namedCommand(['--help']), undefined);
  assert.equal(namedCommand(['help', 'dr']), undefined);
  assert.deepEqual(COMMANDS.filter((c) => c.prepare).map((c) => c.name), ['dr', 'loudness', 'analyze']);
});
