// `auris play --json`: the scriptable player, spawned as a user would run it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { needTools, run } from '../helpers/tools.ts';
import { dsfFile } from '../helpers/containers.ts';
import { tempDir } from '../helpers/tmp.ts';
import { noise } from '../helpers/signals.ts';
import { packMd5Layout } from '../../src/audio/pack.ts';
import { pcmFormat } from '../../src/audio/format.ts';
import { wavHeader } from '../../src/audio/wav.ts';

const repo = path.resolve(import.meta.dirname, '..', '..');

test('auris play --json plays a folder and reports each track with its signal path and proof', (t) => {
  if (!needTools(t, 'flac')) return;
  const dir = tempDir('auris-play-');
  const album = path.join(dir, 'album');
  mkdirSync(album);
  for (const [i, bits] of [[1, 16], [2, 24]] as const) {
    const raw = path.join(dir, `${i}.raw`);
    writeFileSync(raw, packMd5Layout(noise(9000 + i, 2, bits, i), bits));
    run('flac', ['-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', `--bps=${bits}`, '--sample-rate=48000', '-o', path.join(album, `0${i} - track.flac`), raw]);
  }
  writeFileSync(path.join(album, '03 - broken.flac'), Buffer.alloc(300, 7));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'play', album, '--output', 'null:unpaced', '--json'], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 1, 'a failed track makes the exit code non-zero');
  const report = JSON.parse(r.stdout) as { tracks: { path: string; signalPath?: { verdict: string }; proof?: { verified: boolean; md5: string; expectedMd5: string }; error?: { code: string } }[]; underruns: number };
  assert.deepEqual(report.tracks.map((x) => path.basename(x.path)), ['01 - track.flac', '02 - track.flac', '03 - broken.flac']);
  for (const x of report.tracks.slice(0, 2)) {
    assert.equal(x.signalPath?.verdict, 'bit-perfect');
    assert.equal(x.proof?.verified, true);
    assert.equal(x.proof?.md5, x.proof?.expectedMd5);
  }
  assert.match(report.tracks[2]!.error!.code, /^E_(CORRUPT|UNSUPPORTED_FORMAT|TRUNCATED)$/);
  assert.equal(report.underruns, 0);
});

test('auris play refuses bad options with a usage error', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'play', 'x.flac', '--volume', '+3'], { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--volume must be a number of dB in -120..0/);
});

test('auris play --dsd chooses how a DSD file travels, and the signal path says so', () => {
  const dir = tempDir('auris-play-dsd-');
  // 0.1 s of DSD64 stereo: an alternating idle-like pattern with some variation per byte.
  const msb = new Uint8Array(35280 * 2);
  for (let i = 0; i < msb.length; i++) msb[i] = i % 7 === 0 ? 0x96 : 0x69;
  const file = path.join(dir, 'tone.dsf');
  writeFileSync(file, dsfFile({ rate: 2822400, channels: 2, msb }));
  const play = (dsd: string, out: string) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'play', file, '--output', `file:${path.join(dir, out)}`, '--dsd', dsd, '--json'], { cwd: repo, encoding: 'utf8' });
  type Report = { tracks: { signalPath: { verdict: string; stages: { name: string; output: { rate: number } | null }[] } }[] };
  const pcm = play('pcm', 'pcm.wav');
  assert.equal(pcm.status, 0, pcm.stderr);
  const pcmPath = (JSON.parse(pcm.stdout) as Report).tracks[0]!.signalPath;
  assert.equal(pcmPath.verdict, 'enhanced', 'DSD->PCM asked for by the user');
  assert.ok(pcmPath.stages.some((s) => /DSD/.test(s.name) && s.output?.rate === 176400), JSON.stringify(pcmPath.stages.map((s) => s.name)));
  const dop = play('dop', 'dop.wav');
  assert.equal(dop.status, 0, dop.stderr);
  const dopPath = (JSON.parse(dop.stdout) as Report).tracks[0]!.signalPath;
  assert.equal(dopPath.verdict, 'bit-perfect', 'DoP carries the DSD bits untouched');
  assert.ok(dopPath.stages.some((s) => s.name === 'DoP'), JSON.stringify(dopPath.stages.map((s) => s.name)));
  const bad = play('dsd512', 'x.wav');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--dsd must be auto, native, dop, pcm, not dsd512/);
});

test('auris play --json over a DAC unplugged and back: one entry for the track, with its device loss and the frames sent again', async (t) => {
  const { needFakeDac, resetFakeDac } = await import('../helpers/alsa.ts');
  if (!needTools(t, 'flac') || !needFakeDac(t)) return;
  resetFakeDac('dacgone');
  const dir = tempDir('auris-play-gone-');
  const raw = path.join(dir, 'gone.raw');
  writeFileSync(raw, packMd5Layout(noise(16000, 2, 16, 41), 16));
  const file = path.join(dir, 'gone.flac');
  run('flac', ['-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', '--bps=16', '--sample-rate=44100', '-o', file, raw]);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'play', file, '--output', 'alsa:dacgone', '--buffer-ms', '500', '--json'], { cwd: repo, encoding: 'utf8', env: process.env });
  const report = JSON.parse(r.stdout) as { tracks: { path: string; completed?: boolean; proof?: { reason: string; outcome: string }; faults?: { deviceLosses: number; framesResent: number; underruns: number } }[] };
  assert.equal(r.status, 0, 'a device that came back with nothing lost is not a failure');
  assert.equal(report.tracks.length, 1, `one entry for one track: ${r.stdout}`);
  const track = report.tracks[0]!;
  assert.equal(track.completed, true, 'heard to its end after the device came back');
  assert.equal(track.faults?.deviceLosses, 1);
  assert.ok((track.faults?.framesResent ?? 0) > 0, `frames sent again: ${JSON.stringify(track.faults)}`);
  assert.equal(track.faults?.underruns, 0, 'an unplug is not an underrun');
  assert.match(track.proof?.reason ?? '', /resumed where the device stopped after it went away/, 'the proof says why it cannot compare, and no seek is claimed');
  assert.equal(track.proof?.outcome, 'not-compared');
});

test('auris play --json: a damaged lossy file fails the run (exit 1, proof "damaged"); an output that is not there names the way out', (t) => {
  if (!needTools(t, 'sox', 'ffmpeg')) return;
  const dir = tempDir('auris-play-damaged-');
  const wav = path.join(dir, 'tone.wav');
  run('sox', ['-n', '-r', '44100', '-b', '16', '-c', '2', wav, 'synth', '2', 'sine', '440', 'gain', '-6']);
  const mp3 = path.join(dir, 'whole.mp3');
  run('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-c:a', 'libmp3lame', '-b:a', '128k', mp3]);
  const bytes = readFileSync(mp3);
  const cut = path.join(dir, 'cut.mp3');
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const play = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'play', ...args], { cwd: repo, encoding: 'utf8' });
  const whole = play(mp3, '--output', 'null:unpaced', '--json');
  assert.equal(whole.status, 0, whole.stderr);
  const r = play(cut, '--output', 'null:unpaced', '--json');
  assert.equal(r.status, 1, r.stdout);
  const report = JSON.parse(r.stdout) as { tracks: { proof?: { outcome: string; reason: string }; signalPath?: { verdict: string } }[] };
  assert.equal(report.tracks[0]!.signalPath?.verdict, 'lossy-source');
  assert.equal(report.tracks[0]!.proof?.outcome, 'damaged', report.tracks[0]!.proof?.reason);
  const missing = play(wav, '--output', 'alsa:no_such_pcm_here', '--json');
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /E_NOT_FOUND/);
  assert.match(missing.stdout, /auris devices/);
  assert.match(missing.stdout, /--output NAME/);
});

test('auris play --json interrupted by SIGINT reports the track that was playing as not completed, and exits', async (t) => {
  const { captureDir, needFakeDac } = await import('../helpers/alsa.ts');
  if (!needFakeDac(t)) return;
  const dir = tempDir('auris-play-int-');
  const file = path.join(dir, 'long.wav');
  const samples = noise(44100 * 20, 2, 16, 43);
  writeFileSync(file, Buffer.concat([Buffer.from(wavHeader(pcmFormat(44100, 2, 16), samples.length * 2)), Buffer.from(packMd5Layout(samples, 16))]));
  const { spawn } = await import('node:child_process');
  const capture = path.join(captureDir, 'dac24.raw');
  rmSync(capture, { force: true });
  // The fake DAC plays at real time: 20 s leave plenty of time to interrupt.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'play', file, '--output', 'alsa:dac24', '--json'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  // Wait until the DAC has received audio, then interrupt.
  const until = Date.now() + 30_000;
  while ((statSync(capture, { throwIfNoEntry: false })?.size ?? 0) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  await exited;
  const report = JSON.parse(stdout) as { tracks: { path: string; completed?: boolean; proof?: { verified: boolean; reason: string } }[] };
  assert.equal(report.tracks.length, 1);
  assert.equal(report.tracks[0]!.completed, false, 'interrupted');
  assert.equal(report.tracks[0]!.proof?.verified, false);
  assert.match(report.tracks[0]!.proof?.reason ?? '', /did not play to its end/);
});
