// Playback engine: CPU time and peak RSS while playing a 24/192 FLAC in real time into a paced
// capture device (the project's fake-DAC ALSA plugin), against MPD playing the same file to the same
// device; and the time from the play command to the first sample at the device.
// Prints one markdown section on stdout (bench/run.ts collects it into RESULTS.md).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fakeDacLib, mpdCommand, must, procCpu, procMemMiB } from './helpers.ts';

const repo = path.resolve(import.meta.dirname, '..');
const data = path.join(repo, 'bench', 'data', 'engine');
const SECONDS = 15;
const RUNS = 2;
mkdirSync(data, { recursive: true });

for (const tool of ['flac', 'sox', 'mpd', 'gcc']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    process.stdout.write(`## Playback engine vs MPD\n\nSkipped: ${tool} is not installed.\n`);
    process.exit(0);
  }
}

// The file: 24-bit/192 kHz stereo, music-like (pink noise and tones).
const flacPath = path.join(data, `play-24-192-${SECONDS}s.flac`);
if (!existsSync(flacPath)) {
  const wav = path.join(data, 'play.wav');
  must('sox', ['-n', '-r', '192000', '-b', '24', '-c', '2', wav, 'synth', String(SECONDS), 'pinknoise', 'sine', '440', 'vol', '0.4']);
  must('flac', ['-s', '-f', '-5', '-o', flacPath, wav]);
  rmSync(wav);
}

// The paced device: the fake DAC (real-time pacing).
const fakedacLib = fakeDacLib();
const capture = path.join(data, 'benchdac.raw');
const asoundrc = path.join(data, 'asoundrc');
writeFileSync(asoundrc, [
  `pcm_type.fakedac { lib "${fakedacLib}" }`,
  'pcm.benchdac {', '  type fakedac', `  file "${capture}"`, '  formats [ "S24_3LE" "S32_LE" ]', '  rates [ 192000 ]',
  '  channels_min 2', '  channels_max 2', '  realtime 1', '}', '',
].join('\n'));
const env = { ...process.env, ALSA_CONFIG_PATH: `/usr/share/alsa/alsa.conf:${asoundrc}` };

/** Milliseconds until the capture file holds its first bytes, polled every 2 ms from `since`. */
async function firstSample(since: number, limitMs = 30_000): Promise<number> {
  for (;;) {
    if (existsSync(capture) && statSync(capture).size > 0) return Date.now() - since;
    if (Date.now() - since > limitMs) return NaN;
    await new Promise((r) => setTimeout(r, 2));
  }
}

interface Result { cpuS: number; rssMiB: number; firstMs: number }

/** `auris play` (compiled dist/, as installed) under GNU time: CPU and max RSS of the whole process. */
async function auris(): Promise<Result> {
  rmSync(capture, { force: true });
  rmSync(`${capture}.lock`, { force: true });
  const timeFile = path.join(data, 'time.txt');
  const start = Date.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, process.execPath, path.join(repo, 'bin', 'auris.js'), 'play', flacPath, '--output', 'alsa:benchdac', '--json'], { env, stdio: 'ignore' });
  const firstMs = await firstSample(start);
  await new Promise((r) => child.once('exit', r));
  const [u, s, m] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { cpuS: u! + s!, rssMiB: m! / 1024, firstMs };
}

/** CPU seconds (utime + stime) and peak RSS of a running process, from /proc. */
function procUsage(pid: number): { cpuS: number; rssMiB: number } {
  return { cpuS: procCpu(pid), rssMiB: procMemMiB(pid, 'VmHWM') };
}

/** MPD (Debian's) playing the same file to the same device; CPU counted from `play` to the end. */
async function mpd(): Promise<Result> {
  rmSync(capture, { force: true });
  const dir = path.join(data, 'mpd');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'library'), { recursive: true });
  const socketPath = path.join(dir, 'socket');
  writeFileSync(path.join(dir, 'mpd.conf'), [
    `music_directory "${dir}/library"`, `db_file "${dir}/db"`, `log_file "${dir}/log"`, `bind_to_address "${socketPath}"`,
    'zeroconf_enabled "no"', 'audio_output {', '  type "alsa"', '  name "bench"', '  device "benchdac"', '  mixer_type "none"', '}', '',
  ].join('\n'));
  const child = spawn('mpd', ['--no-daemon', '--stderr', path.join(dir, 'mpd.conf')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  try {
    for (let i = 0; !existsSync(socketPath); i++) {
      if (i > 200 || child.exitCode !== null) throw new Error(`MPD did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await mpdCommand(socketPath, `add "${flacPath}"`);
    const before = procUsage(child.pid!);
    const start = Date.now();
    await mpdCommand(socketPath, 'play');
    const firstMs = await firstSample(start);
    // Done when the capture stops growing for a second (the whole track has reached the device).
    let last = -1;
    for (let still = 0, i = 0; still < 10; i++) {
      const size = existsSync(capture) ? statSync(capture).size : 0;
      still = size === last && size > 0 ? still + 1 : 0;
      last = size;
      if (i > (SECONDS + 30) * 10) throw new Error(`MPD did not finish: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = procUsage(child.pid!);
    return { cpuS: after.cpuS - before.cpuS, rssMiB: after.rssMiB, firstMs };
  } finally {
    // MPD may sit in the ALSA plugin and ignore SIGTERM; SIGKILL after 3 s.
    const exited = new Promise((r) => { if (child.exitCode !== null || child.signalCode !== null) r(null); else child.once('exit', r); });
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    rmSync(`${capture}.lock`, { force: true });
  }
}

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
