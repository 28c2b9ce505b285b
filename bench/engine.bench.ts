// Playback engine: CPU time and peak RSS while playing a 24/192 FLAC in real time into a paced
// capture device (the project's fake-DAC ALSA plugin), against MPD playing the same file to the same
// device; and the time from the play command to the first sample at the device.
// Prints one markdown section on stdout (bench/run.ts collects it into RESULTS.md).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fakeDac, firstSample, missingTool, mpdPlays, must, repo, resetCapture, type PlayResult } from './players.ts';

const data = path.join(repo, 'bench', 'data', 'engine');
const SECONDS = 15;
const RUNS = 2;
mkdirSync(data, { recursive: true });

const missing = missingTool(['flac', 'sox', 'mpd', 'gcc']);
if (missing) {
  process.stdout.write(`## Playback engine vs MPD\n\nSkipped: ${missing} is not installed.\n`);
  process.exit(0);
}

// The file: 24-bit/192 kHz stereo, music-like (pink noise and tones).
const flacPath = path.join(data, `play-24-192-${SECONDS}s.flac`);
if (!existsSync(flacPath)) {
  const wav = path.join(data, 'play.wav');
  must('sox', ['-n', '-r', '192000', '-b', '24', '-c', '2', wav, 'synth', String(SECONDS), 'pinknoise', 'sine', '440', 'vol', '0.4']);
  must('flac', ['-s', '-f', '-5', '-o', flacPath, wav]);
  rmSync(wav);
}

// The paced device: the fake DAC (real-time pacing), 192 kHz only.
const dac = fakeDac(data, 'benchdac', [192000]);
type Result = PlayResult;

/** `auris play` (compiled dist/, as installed) under GNU time: CPU and max RSS of the whole process. */
async function auris(): Promise<Result> {
  resetCapture(dac);
  const timeFile = path.join(data, 'time.txt');
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, process.execPath, path.join(repo, 'bin', 'auris.js'), 'play', flacPath, '--output', `alsa:${dac.device}`, '--json'], { env: dac.env, stdio: 'ignore' });
  const firstMs = await firstSample(dac, start);
  await new Promise((r) => child.once('exit', r));
  const [u, s, m] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { cpuS: u! + s!, rssMiB: m! / 1024, firstMs };
}

const mpd = (): Promise<Result> => mpdPlays(dac, data, [flacPath], SECONDS);

must('npm', ['run', '--silent', 'build']);
const best = (rs: Result[]): Result => ({
  cpuS: Math.min(...rs.map((r) => r.cpuS)), rssMiB: Math.min(...rs.map((r) => r.rssMiB)), firstMs: Math.min(...rs.map((r) => r.firstMs)),
});
const a: Result[] = [];
const m: Result[] = [];
for (let i = 0; i < RUNS; i++) {
  a.push(await auris());
  process.stderr.write(`bench: auris run ${i + 1}: ${JSON.stringify(a.at(-1))}\n`);
  m.push(await mpd());
  process.stderr.write(`bench: mpd run ${i + 1}: ${JSON.stringify(m.at(-1))}\n`);
}
const A = best(a);
const M = best(m);
const f = (x: number, d = 2) => x.toFixed(d);
process.stdout.write([
  '## Playback engine vs MPD (bench/engine.bench.ts)',
  '',
  `${SECONDS} s of 24-bit/192 kHz stereo FLAC played in real time into the fake-DAC ALSA plugin (paced like a DAC, 192 kHz only),`,
  `best of ${RUNS} runs. Auris: the whole \`auris play --json\` process (compiled dist/, Node start-up, engine worker, decode, MD5`,
  'proof, output thread), measured by GNU time. MPD (Debian): its daemon from the `play` command to the end of the track,',
  'from /proc until the capture stops growing (its start-up before `play` is not counted; its RSS includes it). First sample:',
  'from launching `auris play`, or from sending MPD `play`, to the first bytes at the device.',
  '',
  '| player | CPU s | CPU % of real time | peak RSS MiB | first sample ms |',
  '|---|---:|---:|---:|---:|',
  `| Auris | ${f(A.cpuS)} | ${f((A.cpuS / SECONDS) * 100, 1)} | ${f(A.rssMiB, 0)} | ${f(A.firstMs, 0)} |`,
  `| MPD | ${f(M.cpuS)} | ${f((M.cpuS / SECONDS) * 100, 1)} | ${f(M.rssMiB, 0)} | ${f(M.firstMs, 0)} |`,
  `| ratio Auris / MPD | ${f(A.cpuS / M.cpuS)} | | ${f(A.rssMiB / M.rssMiB)} | ${f(A.firstMs / M.firstMs)} |`,
  '',
  'Both players wait on the fake DAC the way they would on a card: its poll descriptor becomes ready when a period of room',
  "is free (a timer standing in for the DAC's interrupt), so neither spins. Auris's CPU and first sample include starting Node,",
  "the CLI and the engine worker (about 0.4 s of CPU); MPD's start-up happened before `play`.",
  '',
].join('\n'));
