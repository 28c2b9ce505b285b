// The server: time from a play request on a running server to the first sample at a paced fake DAC,
// against MPD asked the same way (its `play` command on a running daemon, same file, same device);
// and the idle server's CPU and RSS with a 100,000-track library.
// Prints one markdown section on stdout (bench/run.ts collects it into RESULTS.md).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fakeDacLib, mpdCommand, must, procCpu, procMemMiB } from './players.ts';
import { makeSyntheticDatabase } from './synthetic-library.ts';

const repo = path.resolve(import.meta.dirname, '..');
const data = path.join(repo, 'bench', 'data', 'server');
const RUNS = 7;
const IDLE_SECONDS = 10;
mkdirSync(data, { recursive: true });

for (const tool of ['flac', 'sox', 'mpd', 'gcc']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    process.stdout.write(`## Server: play request to first sample, idle cost\n\nSkipped: ${tool} is not installed.\n`);
    process.exit(0);
  }
}

// The file: 20 s of 16-bit/44.1 kHz stereo FLAC, in a music folder of its own.
const music = path.join(data, 'music');
const flacPath = path.join(music, 'play-16-44.flac');
if (!existsSync(flacPath)) {
  mkdirSync(music, { recursive: true });
  const wav = path.join(data, 'play.wav');
  must('sox', ['-n', '-r', '44100', '-b', '16', '-c', '2', wav, 'synth', '20', 'pinknoise', 'vol', '0.4']);
  must('flac', ['-s', '-f', '-5', '-o', flacPath, wav]);
  rmSync(wav);
}

// The paced device: the fake DAC.
const fakedacLib = fakeDacLib();
const capture = path.join(data, 'serverdac.raw');
const asoundrc = path.join(data, 'asoundrc');
writeFileSync(asoundrc, [
  `pcm_type.fakedac { lib "${fakedacLib}" }`,
  'pcm.serverdac {', '  type fakedac', `  file "${capture}"`, '  formats [ "S16_LE" "S32_LE" ]', '  rates [ 44100 48000 ]',
  '  channels_min 2', '  channels_max 2', '  realtime 1', '}', '',
].join('\n'));
const env = { ...process.env, ALSA_CONFIG_PATH: `/usr/share/alsa/alsa.conf:${asoundrc}`, DBUS_SESSION_BUS_ADDRESS: '' };

const captureSize = (): number => (existsSync(capture) ? statSync(capture).size : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Milliseconds from `since` until the capture file holds bytes, polled every 1 ms. The device
 * truncates its file when it opens, so each run removes it first (both players close the device on stop).
 */
async function firstSample(since: number, limitMs = 10_000): Promise<number> {
  for (;;) {
    if (captureSize() > 0) return performance.now() - since;
    if (performance.now() - since > limitMs) return NaN;
    await sleep(1);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => { if (child.exitCode !== null || child.signalCode !== null) r(null); else child.once('exit', r); });
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** `auris serve` (compiled dist/, as installed) on a free port; resolves with the process and its address. */
async function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(repo, 'bin', 'auris.js'), 'serve', '--port', '0', '--mpd-port', '0', '--no-open', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += String(d); });
  child.stderr!.on('data', (d: Buffer) => { out += String(d); });
  for (let i = 0; i < 600; i++) {
    const m = /running at (http:\/\/\S+)/.exec(out);
    if (m) return { child, url: m[1]! };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`auris serve did not start: ${out}`);
}

async function api(url: string, method: string, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}api/${route}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** Auris: one running server; each run clears the queue, adds the file, then times POST /api/player/play. */
async function auris(): Promise<number[]> {
  rmSync(capture, { force: true });
  const dataDir = path.join(data, 'auris');
  rmSync(dataDir, { recursive: true, force: true });
  const { child, url } = await startServer(['--data', dataDir, '--output', 'alsa:serverdac', '--library', music]);
  try {
    await api(url, 'PATCH', 'settings', { output: { mode: 'exclusive' } });
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await api(url, 'POST', 'player/stop', {});
      await api(url, 'POST', 'queue/clear', {});
      await api(url, 'POST', 'queue/add', { sources: [flacPath] });
      await sleep(500);
      rmSync(capture, { force: true });
      const start = performance.now();
      await api(url, 'POST', 'player/play', {});
      times.push(await firstSample(start));
      await sleep(300);
    }
    await api(url, 'POST', 'player/stop', {});
    return times;
  } finally {
    await stopProcess(child);
    rmSync(`${capture}.lock`, { force: true });
  }
}

/** MPD (Debian's): one running daemon; each run stops, then times its `play` command. */
async function mpd(): Promise<number[]> {
  rmSync(capture, { force: true });
  const dir = path.join(data, 'mpd');
  rmSync(dir, { recursive: true, force: true });
  // An empty music folder: MPD plays the file by its absolute path (as a local client may), with no database race.
  mkdirSync(path.join(dir, 'library'), { recursive: true });
  const socketPath = path.join(dir, 'socket');
  writeFileSync(path.join(dir, 'mpd.conf'), [
    `music_directory "${dir}/library"`, `db_file "${dir}/db"`, `log_file "${dir}/log"`, `bind_to_address "${socketPath}"`,
    'zeroconf_enabled "no"', 'audio_output {', '  type "alsa"', '  name "bench"', '  device "serverdac"', '  mixer_type "none"', '}', '',
  ].join('\n'));
  const child = spawn('mpd', ['--no-daemon', '--stderr', path.join(dir, 'mpd.conf')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  try {
    for (let i = 0; !existsSync(socketPath); i++) {
      if (i > 200 || child.exitCode !== null) throw new Error(`MPD did not start: ${stderr}`);
      await sleep(50);
    }
    await mpdCommand(socketPath, `add "${flacPath}"`);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await mpdCommand(socketPath, 'stop');
      await sleep(500);
      rmSync(capture, { force: true });
      const start = performance.now();
      await mpdCommand(socketPath, 'play 0');
      times.push(await firstSample(start));
      await sleep(300);
    }
    await mpdCommand(socketPath, 'stop');
    return times;
  } finally {
    await stopProcess(child);
    rmSync(`${capture}.lock`, { force: true });
  }
}

/** The idle server over a copy of the 100,000-track database: CPU over IDLE_SECONDS, RSS, and the first album page. */
async function idle(): Promise<{ cpuPct: number; rssMiB: number; firstPageMs: number; searchMs: number }> {
  const synthetic = makeSyntheticDatabase(path.join(repo, 'bench', 'data', 'library', 'synthetic'), 100_000);
  const dataDir = path.join(data, 'idle');
  rmSync(dataDir, { recursive: true, force: true });
  cpSync(synthetic, dataDir, { recursive: true });
  const { child, url } = await startServer(['--data', dataDir, '--output', 'null']);
  try {
    let start = performance.now();
    const page = await api(url, 'GET', 'library/albums?offset=0&limit=60') as { total: number };
    const firstPageMs = performance.now() - start;
    if (page.total < 10_000) throw new Error(`the synthetic library has ${page.total} albums`);
    start = performance.now();
    await api(url, 'GET', 'library/search?q=ka&limit=50');
    const searchMs = performance.now() - start;
    await sleep(3000);
    const before = procCpu(child.pid!);
    await sleep(IDLE_SECONDS * 1000);
    const after = procCpu(child.pid!);
    const rssMiB = procMemMiB(child.pid!, 'VmRSS');
    return { cpuPct: ((after - before) / IDLE_SECONDS) * 100, rssMiB, firstPageMs, searchMs };
  } finally {
    await stopProcess(child);
  }
}

must('npm', ['run', '--silent', 'build']);
const a = await auris();
process.stderr.write(`bench: auris ${JSON.stringify(a.map(Math.round))}\n`);
const m = await mpd();
process.stderr.write(`bench: mpd ${JSON.stringify(m.map(Math.round))}\n`);
const i = await idle();
process.stderr.write(`bench: idle ${JSON.stringify(i)}\n`);

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const f = (x: number, d = 0) => x.toFixed(d);
process.stdout.write([
  '## Server: play request to first sample, idle cost (bench/server.bench.ts)',
  '',
  `A running \`auris serve\` (compiled dist/) and a running MPD (Debian), each with the same 16-bit/44.1 kHz FLAC queued, play`,
  `into the fake-DAC ALSA plugin (paced like a DAC). Time from sending the request (Auris: \`POST /api/player/play\` over HTTP;`,
  `MPD: \`play 0\` on its socket) to the first bytes at the device, ${RUNS} runs each, stopped in between. Goal: <= 100 ms.`,
  '',
  '| player | median ms | best ms | worst ms |',
  '|---|---:|---:|---:|',
  `| Auris | ${f(median(a))} | ${f(Math.min(...a))} | ${f(Math.max(...a))} |`,
  `| MPD | ${f(median(m))} | ${f(Math.min(...m))} | ${f(Math.max(...m))} |`,
  `| ratio Auris / MPD | ${f(median(a) / median(m), 2)} | | |`,
  '',
  `Idle \`auris serve\` over a 100,000-track library (10,000 albums, the library bench's synthetic database), no client`,
  `connected, measured from /proc over ${IDLE_SECONDS} s after 3 s of rest: CPU ${f(i.cpuPct, 2)} % of one core, RSS ${f(i.rssMiB)} MiB.`,
  `First album page (60 albums, \`GET /api/library/albums\`, the first request after start): ${f(i.firstPageMs)} ms;`,
  `a search answering 50 tracks: ${f(i.searchMs)} ms.`,
  '',
].join('\n'));
