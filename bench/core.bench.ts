// Playback through the core (issue 12): a running Auris core (startCore, the engine in its worker
// thread, compiled dist/) and Debian's MPD, each already started and idle, play the same 24/96 FLAC
// album to the same paced fake DAC. Measured the same way for both: CPU (every thread, /proc) from
// the play command until the album has reached the device, peak RSS, and the time from sending play
// to the first bytes at the device. For Auris also the JavaScript heap allocated per second while
// playing, per thread: the JavaScript heap from V8's own GC trace (see gcSpans), ArrayBuffers sampled
// by bench/gc-probe.cjs.
// Prints one markdown section on stdout (bench/run.ts collects it into RESULTS.md).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fakeDac, firstSample, missingTool, mpdPlays, must, procUsage, repo, resetCapture, stopChild, type PlayResult } from './players.ts';

const data = path.join(repo, 'bench', 'data', 'core');
const TRACKS = 4;
const TRACK_SECONDS = 8;
const SECONDS = TRACKS * TRACK_SECONDS;
/** Best of RUNS (AURIS_BENCH_RUNS=1 for a quick look between changes). */
const RUNS = Number(process.env.AURIS_BENCH_RUNS ?? 3);
mkdirSync(data, { recursive: true });

const missing = missingTool(['flac', 'sox', 'mpd', 'gcc']);
if (missing) {
  process.stdout.write(`## Playback through the core vs MPD\n\nSkipped: ${missing} is not installed.\n`);
  process.exit(0);
}

// The album: TRACKS tracks of 24-bit/96 kHz stereo, music-like (pink noise and a tone per track).
const album = Array.from({ length: TRACKS }, (_, i) => path.join(data, `album-24-96-${String(i + 1).padStart(2, '0')}.flac`));
album.forEach((flac, i) => {
  if (existsSync(flac)) return;
  const wav = path.join(data, 'track.wav');
  must('sox', ['-n', '-r', '96000', '-b', '24', '-c', '2', wav, 'synth', String(TRACK_SECONDS), 'pinknoise', 'sine', String(220 * (i + 1)), 'vol', '0.4']);
  must('flac', ['-s', '-f', '-5', '-o', flac, wav]);
  rmSync(wav);
});

const dac = fakeDac(data, 'coredac', [96000]);

interface GcSpan { thread: string; seconds: number; allocatedMiB: number; scavenges: number; markCompacts: number }
interface ArrayBufferSpan { thread: 'main' | 'worker'; seconds: number; arrayBufferMiB: number; arrayBufferPeakMiB: number }
interface AurisResult extends PlayResult { gc: GcSpan[]; arrayBuffers: ArrayBufferSpan[]; againMs: number }

/**
 * Per thread (V8 isolate), from `--trace-gc` lines: between the two forced GCs that mark the start
 * and the end of playback (reason "testing", see bench/gc-probe.cjs), the heap allocated (the sum
 * over GCs of the heap size before each GC minus the size after the previous one, V8's 0.1 MB
 * resolution) and the number of GCs. ArrayBuffer backing stores (Buffers, typed arrays) live outside
 * the JavaScript heap and are not in this count. The thread alive longest is the main thread.
 */
function gcSpans(trace: string): GcSpan[] {
  const byIsolate = new Map<string, string[]>();
  for (const line of trace.split('\n')) {
    const m = /^\[\d+:(0x[0-9a-f]+)\]/.exec(line);
    if (m) byIsolate.set(m[1]!, [...(byIsolate.get(m[1]!) ?? []), line]);
  }
  const spans: (GcSpan & { startMs: number })[] = [];
  for (const lines of byIsolate.values()) {
    const marks = lines.flatMap((l, i) => (/ testing; /.test(l) ? [i] : []));
    if (marks.length < 2) continue;
    const parse = (l: string) => {
      const m = /\s([\d.]+) ms: (Scavenge|Mark-Compact|Minor Mark-Compact)[^\d]*([\d.]+) \([\d.]+\) -> ([\d.]+)/.exec(l)!;
      return { ms: Number(m[1]), kind: m[2]!, before: Number(m[3]), after: Number(m[4]) };
    };
    const span = lines.slice(marks[0]!, marks.at(-1)! + 1).map(parse);
    let allocated = 0;
    for (let i = 1; i < span.length; i++) allocated += Math.max(0, span[i]!.before - span[i - 1]!.after);
    const inside = span.slice(1, -1);
    spans.push({
      thread: '', startMs: span[0]!.ms, seconds: (span.at(-1)!.ms - span[0]!.ms) / 1000, allocatedMiB: allocated,
      scavenges: inside.filter((g) => g.kind === 'Scavenge').length, markCompacts: inside.filter((g) => g.kind !== 'Scavenge').length,
    });
  }
  spans.sort((a, b) => b.startMs - a.startMs);
  return spans.map(({ startMs: _, ...s }, i) => ({ ...s, thread: i === 0 ? 'main thread (core)' : spans.length === 2 ? 'engine worker' : `worker ${i}` }));
}

/** A core started in a child process (bench/core-child.mjs), the album queued; play is timed from the IPC message. */
async function auris(nodeFlags: readonly string[] = []): Promise<AurisResult> {
  resetCapture(dac);
  const dataDir = path.join(data, 'auris-data');
  rmSync(dataDir, { recursive: true, force: true });
  const child = spawn(process.execPath, [
    ...nodeFlags, '--expose-gc', '--trace-gc', '--require', path.join(repo, 'bench', 'gc-probe.cjs'),
    path.join(repo, 'bench', 'core-child.mjs'), repo, dataDir, `alsa:${dac.device}`, ...album,
  ], { env: dac.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let trace = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { trace += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const message = (key: string) => new Promise<Record<string, unknown>>((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (m.error) reject(new Error(`Auris: ${String(m.error)}`));
      if (m[key]) { child.off('message', onMessage); resolve(m); }
    };
    child.on('message', onMessage);
    child.once('exit', () => reject(new Error(`the core's process exited: ${stderr}`)));
  });
  try {
    await message('ready');
    const before = procUsage(child.pid!);
    const ended = message('ended');
    const start = performance.now();
    child.send('play');
    const firstMs = await firstSample(dac, start);
    const arrayBuffers = (await ended).arrayBuffers as ArrayBufferSpan[];
    const after = procUsage(child.pid!);
    // Play again in the same process (decoder and kernel already built): the warm path.
    resetCapture(dac);
    const again = performance.now();
    child.send('play');
    const againMs = await firstSample(dac, again);
    const exited = new Promise((r) => child.once('exit', r));
    child.send('quit');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    return { cpuS: after.cpuS - before.cpuS, rssMiB: after.rssMiB, firstMs, againMs, gc: gcSpans(trace), arrayBuffers };
  } finally {
    await stopChild(child);
    rmSync(`${dac.capture}.lock`, { force: true });
  }
}

must('npm', ['run', '--silent', 'build']);
const loadAtStart = os.loadavg()[0]!;
/** Node's flags as `auris` starts it: the first line of bin/auris.js (`#!/usr/bin/env -S node <flags>`). */
const SHIPPED = readFileSync(path.join(repo, 'bin', 'auris.js'), 'utf8').split('\n')[0]!.replace(/^#!.*?\bnode\b\s*/, '').split(/\s+/).filter(Boolean);
/** The core with Node's flags as shipped, and on a plain `node` for comparison. */
const PLAIN: string[] = [];
const a: AurisResult[] = [];
const small: AurisResult[] = [];
const m: PlayResult[] = [];
for (let i = 0; i < RUNS; i++) {
  a.push(await auris(SHIPPED));
  process.stderr.write(`bench: core run ${i + 1}: ${JSON.stringify(a.at(-1))}\n`);
  m.push(await mpdPlays(dac, data, album, SECONDS));
  process.stderr.write(`bench: mpd run ${i + 1}: ${JSON.stringify(m.at(-1))}\n`);
  small.push(await auris(PLAIN));
  process.stderr.write(`bench: core, plain node, run ${i + 1}: ${JSON.stringify(small.at(-1))}\n`);
}
const min = (xs: number[]) => Math.min(...xs);
const best = (rs: PlayResult[]): PlayResult => ({ cpuS: min(rs.map((r) => r.cpuS)), rssMiB: min(rs.map((r) => r.rssMiB)), firstMs: min(rs.map((r) => r.firstMs)) });
const A = best(a);
const S = best(small);
const M = best(m);
const f = (x: number, d = 2) => x.toFixed(d);
const gcRows = [...a.map((r) => ['', r] as const), ...small.map((r) => [' plain node', r] as const)]
  .flatMap(([flags, r], run) => r.gc.map((g) => {
    const ab = r.arrayBuffers.find((x) => (x.thread === 'main') === g.thread.startsWith('main'));
    const abCells = ab ? `${f(ab.arrayBufferMiB / ab.seconds)} | ${f(ab.arrayBufferPeakMiB, 1)}` : '- | -';
    return `| ${(run % RUNS) + 1}${flags} | ${g.thread} | ${f(g.seconds, 1)} | ${f(g.allocatedMiB, 1)} | ${f(g.allocatedMiB / g.seconds)} | ${f(g.scavenges / g.seconds)} | ${g.markCompacts} | ${abCells} |`;
  }));
const row = (name: string, r: PlayResult) => `| ${name} | ${f(r.cpuS)} | ${f((r.cpuS / SECONDS) * 100, 1)} | ${f(r.rssMiB, 0)} | ${f(r.firstMs, 0)} | **${f(r.cpuS / M.cpuS)}** | **${f(r.rssMiB / M.rssMiB)}** | ${f(r.firstMs / M.firstMs, 1)} |`;
process.stdout.write([
  '## Playback through the core vs MPD (bench/core.bench.ts)',
  '',
  `An album of ${TRACKS} x ${TRACK_SECONDS} s of 24-bit/96 kHz stereo FLAC played in real time into the fake-DAC ALSA plugin`,
  `(paced like a DAC, 96 kHz only), best of ${RUNS} runs. Both players are already running and idle, the album queued:`,
  'Auris is a Node process holding a core from `startCore` (compiled dist/, the engine in its worker thread, the MD5 proof on);',
  'MPD is Debian\'s daemon. CPU = user + system of every thread from /proc, from the play command until the album has reached the',
  'device (Auris: its `queue-end` event; MPD: the capture stops growing). RSS = peak (VmHWM) of the process, start-up included.',
  'First sample = from sending play (an IPC message to the core\'s process; MPD\'s socket) to the first bytes in the capture.',
  '',
  '| player | CPU s | CPU % of real time | peak RSS MiB | first sample ms | CPU / MPD | RSS / MPD | first sample / MPD |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  row(`Auris (core), node ${SHIPPED.join(' ')} (as bin/auris.js starts it)`, A),
  row('Auris (core), plain node', S),
  `| MPD | ${f(M.cpuS)} | ${f((M.cpuS / SECONDS) * 100, 1)} | ${f(M.rssMiB, 0)} | ${f(M.firstMs, 0)} | 1 | 1 | 1 |`,
  '',
  `First sample of a second play in the same process (the album played once, then play again): Auris ${a.map((r) => f(r.againMs, 0)).join(', ')} ms;`,
  `plain node: ${small.map((r) => f(r.againMs, 0)).join(', ')} ms. First play, every run: ${a.map((r) => f(r.firstMs, 0)).join(', ')} ms`,
  `(${small.map((r) => f(r.firstMs, 0)).join(', ')} ms); MPD ${m.map((r) => f(r.firstMs, 0)).join(', ')} ms. Load average (1 min) at start ${f(loadAtStart, 1)}, at end ${f(os.loadavg()[0]!, 1)}.`,
  '',
  'Goals (issue 12): CPU <= 1.0x MPD, RSS <= 80 MiB, first sample <= 100 ms.',
  '',
  'Allocations while playing, per thread. JavaScript heap: from `node --trace-gc`, between two forced GCs that mark the start and',
  'the end of playback (allocated = sum of the heap size before each GC minus the size after the previous one). ArrayBuffers',
  '(Buffers, typed arrays; their bytes live outside the heap): the thread\'s live ArrayBuffer bytes sampled every 100 ms, the',
  'increases summed (a lower bound: what a GC frees between two samples is not seen), and their peak.',
  '',
  '| run | thread | seconds | JS heap allocated MiB | JS heap MiB/s | scavenges/s | full GCs | ArrayBuffer MiB/s | ArrayBuffer peak MiB |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ...gcRows,
  '',
].join('\n'));
