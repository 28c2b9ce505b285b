// `auris dr | loudness | analyze` end to end: a child process runs the CLI (worker pool, real
// decoders) on small albums of generated WAV/FLAC files and its JSON and log are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { flacFrames } from '../helpers/containers.ts';
import { tempDir } from '../helpers/tmp.ts';
import { needTools, run } from '../helpers/tools.ts';
import { writeWav, toChannels } from '../analysis/files.ts';
import { drWindowFrames } from '../../src/analysis/plugins/dr/meter.ts';
import { shapedWindow, shapedWindows } from '../analysis/plugins/dr/signals.ts';
import { pinkNoise, quantise } from '../analysis/plugins/authenticity/signals.ts';
import { comparePaths, prepareComparePaths } from '../../src/cli/analysis/common.ts';

const root = path.resolve(import.meta.dirname, '../..');

function auris(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

interface DrJson { tracks: { path: string; dr: number; drRounded: number; peakDb: number | null; rmsDb: number | null }[]; albums: { path: string; dr: number; drRounded: number }[] }

test('auris dr: JSON per track and album folder, and the foo_dr.txt log written with --log', () => {
  const dir = tempDir();
  const W = drWindowFrames(8000);
  const albumA = path.join(dir, 'Artist - Album A');
  const albumB = path.join(dir, 'Album B');
  mkdirSync(albumA);
  mkdirSync(albumB);
  writeWav(path.join(albumA, '01 tail.wav'), 8000, 1, 'f64', shapedWindow(W - 1, 1.0, 0.25));
  writeWav(path.join(albumA, '02 second peak.wav'), 8000, 2, 'f64', toChannels(shapedWindows(W, [[1.0, 0.1], [0.9, 0.09]]), 2));
  writeWav(path.join(albumA, '03 fallback.wav'), 8000, 1, 'f64', shapedWindows(W, [[1.0, 0.8], [0.1, 0.05]]));
  writeWav(path.join(albumB, 'silence.wav'), 8000, 1, 16, new Int32Array(16000));
  const log = path.join(dir, 'foo_dr.txt');
  const r = auris('dr', '--json', '--log', log, dir);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as DrJson;
  assert.deepEqual(j.tracks.map((t) => [path.basename(t.path), t.drRounded, t.dr.toFixed(2)]), [
    ['silence.wav', 0, '0.00'], ['01 tail.wav', 12, '12.04'], ['02 second peak.wav', 19, '19.08'], ['03 fallback.wav', 2, '1.94'],
  ]);
  assert.equal(j.tracks[0]!.peakDb, null); // -inf
  assert.deepEqual(j.albums.map((a) => [path.basename(a.path), a.drRounded]), [['Album B', 0], ['Artist - Album A', 11]]);
  assert.ok(Math.abs(j.albums[1]!.dr - Math.fround((Math.fround(12.0412) + Math.fround(19.0849) + Math.fround(1.9382)) / 3)) < 0.01);
  const raw = readFileSync(log, 'utf8');
  assert.equal(raw.replaceAll('\r\n', '').includes('\n'), false, 'foo_dr.txt has CRLF line ends, as foobar2000 writes it');
  const text = raw.split('\r\n');
  assert.match(text[1]!, /^log date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.ok(text.includes('DR0        -inf dB     -inf dB      0:02 ?-silence'), text.join('\n'));
  assert.ok(text.includes('DR12       0.00 dB   -12.04 dB      0:03 ?-01 tail'));
  assert.ok(text.includes('Official DR value: DR11'));
  assert.ok(text.includes('Channels:          1, 2'));
  assert.ok(text.includes('Codec:             PCM (floating-point)'));
  assert.equal(text.filter((l) => l === '='.repeat(80)).length, 2);
});

test('auris dr: vinyl track numbers kept as tagged (FLAC and ID3), long names cut in the 1.0.8 layout, LF on the terminal', (t) => {
  if (!needTools(t, 'sox', 'flac', 'ffmpeg')) return;
  const dir = tempDir();
  const album = path.join(dir, 'LP');
  mkdirSync(album);
  const tone = path.join(dir, 'tone.wav');
  run('sox', ['-n', '-r', '44100', '-b', '16', '-c', '2', tone, 'synth', '1', 'sine', '1000', 'gain', '-6']);
  const long = 'An Extremely Long Title For A Side One Opener';
  run('flac', ['-s', '-f', '-o', path.join(album, 'a1.flac'), '-T', 'TRACKNUMBER=A1', '-T', `TITLE=${long}`, '-T', 'ALBUM=LP', tone]);
  run('flac', ['-s', '-f', '-o', path.join(album, 'b.flac'), '-T', 'TRACKNUMBER=B', '-T', 'TITLE=Flip', '-T', 'ALBUM=LP', tone]);
  run('ffmpeg', ['-v', 'error', '-y', '-i', tone, '-c:a', 'libmp3lame', '-b:a', '192k', '-id3v2_version', '3',
    '-metadata', 'track=C2', '-metadata', 'title=Third side', '-metadata', 'album=LP', path.join(album, 'c2.mp3')]);
  const log = path.join(dir, 'foo_dr.txt');
  const r = auris('dr', '--variant', '1.0.8', '--log', log, album);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.includes('\r'), false, 'the terminal gets LF line ends');
  const rows = readFileSync(log, 'utf8').split('\r\n').filter((l) => l.startsWith('DR') && !l.startsWith('DR '));
  const labels = rows.map((l) => l.slice(45)).sort();
  assert.deepEqual(labels, [`0B-Flip`, `A1-${long}`.slice(0, 32) + '(...)', 'C2-Third side']);
});

test('auris dr and loudness measure a damaged FLAC as far as it decodes, name the damage and exit 1 (the rule of every command)', (t) => {
  if (!needTools(t, 'sox', 'flac')) return;
  const dir = tempDir();
  const wav = path.join(dir, 'noise.wav');
  run('sox', ['-n', '-r', '44100', '-b', '16', '-c', '2', wav, 'synth', '3', 'pinknoise', 'gain', '-10']);
  const good = path.join(dir, 'good.flac');
  run('flac', ['-s', '-f', '-o', good, wav]);
  const bytes = Uint8Array.from(readFileSync(good));
  const frames = flacFrames(bytes);
  const at = frames[Math.floor(frames.length / 2)]! + 40;
  for (let i = at; i < at + 4; i++) bytes[i] = bytes[i]! ^ 0x5a; // a frame whose CRC-16 fails
  const bad = path.join(dir, 'bad.flac');
  writeFileSync(bad, bytes);
  const dr = auris('dr', '--json', bad);
  assert.equal(dr.status, 1, dr.stderr);
  assert.match(dr.stderr, /bad\.flac: damaged.*\[E_CORRUPT\]/);
  const measured = (JSON.parse(dr.stdout) as DrJson).tracks;
  assert.equal(measured.length, 1, 'measured all the same');
  const reference = (JSON.parse(auris('dr', '--json', good).stdout) as DrJson).tracks[0]!;
  // One frame of 4096 in ~32 replaced by silence: the DR moves by well under 1 dB.
  assert.ok(Math.abs(measured[0]!.dr - reference.dr) < 1, `${measured[0]!.dr} vs ${reference.dr}`);
  const loud = auris('loudness', '--json', bad);
  assert.equal(loud.status, 1);
  assert.match(loud.stderr, /bad\.flac: damaged.*\[E_CORRUPT\]/);
});

test('auris loudness: track and album JSON with ReplayGain 2.0 values', () => {
  const dir = tempDir();
  const sine = (db: number) => toChannels(quantise(Float64Array.from({ length: 48000 * 6 }, (_, n) => 10 ** (db / 20) * Math.sin((2 * Math.PI * 997 * n) / 48000)), 24), 2);
  writeWav(path.join(dir, 'a.wav'), 48000, 2, 24, sine(-20));
  writeWav(path.join(dir, 'b.wav'), 48000, 2, 24, sine(-30));
  const r = auris('loudness', '--json', dir);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { tracks: Record<string, number | string>[]; album: Record<string, number> };
  const [a, b] = j.tracks;
  assert.ok(Math.abs((a!.integratedLufs as number) + 20) < 0.01 && Math.abs((b!.integratedLufs as number) + 30) < 0.01);
  assert.ok(Math.abs((a!.trackGainDb as number) - 2) < 0.01 && Math.abs((b!.trackGainDb as number) - 12) < 0.01);
  assert.ok(Math.abs((a!.trackPeak as number) - 0.1) < 1e-4);
  for (const k of ['lraLu', 'samplePeakDbfs', 'truePeakDbtp']) assert.equal(typeof a![k], 'number', k);
  assert.ok(Math.abs(j.album.integratedLufs! + 22.596) < 0.01, String(j.album.integratedLufs));
  assert.ok(Math.abs(j.album.albumGainDb! - 4.6) < 0.01);
  assert.ok(Math.abs(j.album.albumPeak! - 0.1) < 1e-4);
});

test('auris analyze: verdicts, DR and loudness fields per track, spectrogram PNGs', () => {
  const dir = tempDir();
  const pngDir = path.join(dir, 'png');
  const noise = pinkNoise(44100 * 4, 0.7, 31);
  writeWav(path.join(dir, 'padded.wav'), 44100, 2, 24, toChannels(quantise(noise, 16).map((v) => v << 8), 2));
  writeWav(path.join(dir, 'real.wav'), 44100, 2, 24, toChannels(quantise(noise, 24), 2));
  const r = auris('analyze', '--json', '--png', pngDir, dir);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { tracks: Record<string, unknown>[]; albums: Record<string, unknown>[] };
  const [padded, real] = j.tracks;
  assert.equal(padded!.effectiveBits, 16);
  assert.equal(padded!.verdict, 'padded');
  assert.equal(real!.effectiveBits, 24);
  assert.equal(real!.verdict, 'clean');
  assert.equal(real!.cutoffHz, 22050);
  for (const k of ['dr', 'drRounded', 'peakDb', 'rmsDb', 'integratedLufs', 'lraLu', 'samplePeakDbfs', 'truePeakDbtp', 'trackGainDb', 'trackPeak']) {
    assert.equal(typeof real![k], 'number', k);
  }
  assert.equal(j.albums.length, 1);
  const png = readFileSync(path.join(pngDir, 'real.png'));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.ok(existsSync(path.join(pngDir, 'padded.png')));
});

test('auris dr: a missing path is E_NOT_FOUND, an undecodable file is reported and the exit code is 1', () => {
  const missing = auris('dr', '/nonexistent/auris');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /E_NOT_FOUND/);
  const dir = tempDir();
  writeWav(path.join(dir, 'ok.wav'), 8000, 1, 16, new Int32Array(800).fill(1000));
  const bad = path.join(dir, 'bad.wav');
  writeWav(bad, 8000, 1, 16, new Int32Array(10));
  const bytes = readFileSync(bad);
  bytes.write('RIFX', 0);
  bytes.write('XXXX', 8);
  writeFileSync(bad, bytes);
  const r = auris('dr', '--json', dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.wav: .*\[E_/);
  assert.equal((JSON.parse(r.stdout) as DrJson).tracks.length, 1);
  // Only undecodable files: the failure and exit 1, no empty log.
  const onlyBad = auris('dr', bad);
  assert.equal(onlyBad.status, 1);
  assert.match(onlyBad.stderr, /bad\.wav: .*\[E_/);
  assert.equal(onlyBad.stdout, '');
});

test('the reports\' path order is localeCompare\'s, before and after the collator is prepared', () => {
  const names = ['/m/b', '/m/B', '/m/a', '/m/Á', '/m/10 x', '/m/9 x', '/m/_x', '/m/x-y', '/m/xy', '/m/é', '/m/e', '/m/Z', '/m/z'];
  const expected = [...names].sort((a, b) => a.localeCompare(b));
  assert.deepEqual([...names].sort(comparePaths), expected);
  prepareComparePaths();
  assert.deepEqual([...names].reverse().sort(comparePaths), [...names].reverse().sort((a, b) => a.localeCompare(b)));
  for (const a of names) for (const b of names) assert.equal(Math.sign(comparePaths(a, b)), Math.sign(a.localeCompare(b)), `${a} ${b}`);
});
