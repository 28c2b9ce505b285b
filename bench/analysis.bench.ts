// Analysis bench: `auris dr` and `auris loudness` on a generated 10-track 24/96 album against
// ffmpeg's drmeter and ebur128 filters run on each file in turn (what a user would script).
// Prints one markdown section on stdout. Standalone: `node --import tsx bench/analysis.bench.ts`.
//
// The album (bench/data/analysis-album-96k24/, git-ignored) is made once: 10 × 30 s of stereo pink
// noise with a slow level envelope, 24-bit, as FLAC (flac -5) and as WAV.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { intBlock } from '../src/audio/block.ts';
import { pcmFormat } from '../src/audio/format.ts';
import { wavDataBytes, wavHeader, wavTrailer } from '../src/audio/wav.ts';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, 'bench', 'data', 'analysis-album-96k24');
const TRACKS = 10;
const SECONDS = 30;
const RATE = 96000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One track: stereo pink-ish noise (two one-pole sections) under a 0.2 Hz level envelope, 24-bit. */
function track(seed: number): Int32Array {
  const n = SECONDS * RATE;
  const out = new Int32Array(n * 2);
  const rnd = rng(seed);
  const state = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const env = 0.25 * (1.2 + Math.sin((2 * Math.PI * 0.2 * i) / RATE + seed));
    for (let c = 0; c < 2; c++) {
      const w = rnd() * 2 - 1;
      state[c] = 0.995 * state[c]! + 0.05 * w;
      state[c + 2] = 0.6 * state[c + 2]! + 0.4 * w;
      const v = Math.max(-1, Math.min(1, env * (state[c]! + state[c + 2]!)));
      out[i * 2 + c] = Math.round(v * 8388607);
    }
  }
  return out;
}

function makeAlbum(): { wav: string[]; flac: string[] } {
  const wavDir = path.join(dataDir, 'wav');
  const flacDir = path.join(dataDir, 'flac');
  mkdirSync(wavDir, { recursive: true });
  mkdirSync(flacDir, { recursive: true });
  for (let t = 1; t <= TRACKS; t++) {
    const name = `${String(t).padStart(2, '0')} Track.wav`;
    const wav = path.join(wavDir, name);
    const flac = path.join(flacDir, name.replace(/\.wav$/, '.flac'));
    if (!existsSync(wav)) {
      const block = intBlock(pcmFormat(RATE, 2, 24), track(t));
      const data = wavDataBytes(block);
      writeFileSync(wav, Buffer.concat([wavHeader(block.format, data.length), data, wavTrailer(data.length)]));
    }
    if (!existsSync(flac)) {
      const r = spawnSync('flac', ['-s', '-f', '-5', '-o', flac, wav]);
      if (r.status !== 0) throw new Error(`flac failed: ${r.stderr.toString()}`);
    }
  }
  const list = (d: string) => readdirSync(d).sort().map((f) => path.join(d, f));
  return { wav: list(wavDir), flac: list(flacDir) };
}

/** Wall and CPU (user + sys, all threads and children) seconds of a command, via bash's `time`. */
interface Timing { wall: number; cpu: number }

function timed(cmd: string, args: string[]): Timing {
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%R %U %S"; { time "$@" >/dev/null 2>/tmp/auris-bench-stderr; } 2>&1', 'bench', cmd, ...args], { cwd: root, encoding: 'utf8' });
  const m = /([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stdout);
  if (r.status !== 0 || !m) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stdout} ${r.stderr}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) };
}

/**
 * The least wall time of `n` runs of each command, the runs alternating (ours, theirs, ours...): on
 * a shared machine the load drifts over seconds, and alternating exposes both to the same drift.
 */
function bestOfAlternating(n: number, ours: () => Timing, theirs: () => Timing): [Timing, Timing] {
  const better = (a: Timing, b: Timing) => (b.wall < a.wall ? b : a);
  let o: Timing = { wall: Infinity, cpu: Infinity };
  let t: Timing = { wall: Infinity, cpu: Infinity };
  for (let i = 0; i < n; i++) {
    o = better(o, ours());
    t = better(t, theirs());
  }
  return [o, t];
}

const ffmpegEach = (files: string[], filter: string) => (): Timing =>
  files.reduce((s, f) => {
    const t = timed('ffmpeg', ['-hide_banner', '-nostats', '-i', f, '-af', filter, '-f', 'null', '-']);
    return { wall: s.wall + t.wall, cpu: s.cpu + t.cpu };
  }, { wall: 0, cpu: 0 });

// The installed CLI runs from dist/: build it so the bench measures what users run.
const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error('build failed');
const cli = path.join(root, 'bin', 'auris.js');

const album = makeAlbum();
const rows: string[] = [];
const REPS = 3;
const loadBefore = loadavg()[0]!.toFixed(1);
const row = (what: string, ours: Timing, ref: string, theirs: Timing) =>
  `| ${what} | ${ours.wall.toFixed(2)} s | ${ours.cpu.toFixed(2)} s | ${ref} | ${theirs.wall.toFixed(2)} s | ${theirs.cpu.toFixed(2)} s | **${(ours.wall / theirs.wall).toFixed(2)}** | ${(ours.cpu / theirs.cpu).toFixed(2)} |`;
for (const [kind, files] of [['FLAC', album.flac], ['WAV', album.wav]] as const) {
  const dir = path.dirname(files[0]!);
  const dr = bestOfAlternating(REPS, () => timed(process.execPath, [cli, 'dr', '--json', dir]), ffmpegEach(files, 'drmeter'));
  rows.push(row(`\`auris dr\`, ${kind}`, dr[0], 'ffmpeg drmeter, file by file', dr[1]));
  const loudness = bestOfAlternating(REPS, () => timed(process.execPath, [cli, 'loudness', '--json', dir]), ffmpegEach(files, 'ebur128=peak=true'));
  rows.push(row(`\`auris loudness\` (with true peak), ${kind}`, loudness[0], 'ffmpeg ebur128=peak=true, file by file', loudness[1]));
}

process.stdout.write([
  '## Analysis (bench/analysis.bench.ts)',
  '',
  `Album: ${TRACKS} tracks × ${SECONDS} s, 96 kHz / 24-bit stereo (generated, bench/data/), as FLAC and as WAV. Best of ${REPS} by wall time (ours and ffmpeg's runs alternating), including`,
  `process start. Ours decodes FLAC with its WebAssembly kernel and analyses on ${availableParallelism()} threads (the main thread and a worker per further core); ffmpeg runs once per file in turn.`,
  `CPU = user + sys of all threads. Ratios = ours / ffmpeg (goal for DR wall time: ≤ 0.5). Load average (1 min) at start: ${loadBefore}, at end: ${loadavg()[0]!.toFixed(1)}.`,
  '',
  '| ours | wall | CPU | reference | wall | CPU | wall ratio | CPU ratio |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n'));
