// What the benches share: running a tool, the paced fake-DAC ALSA device, Debian's MPD driven over
// its socket, and the measures every player gets the same way (CPU and RSS from /proc, the first
// sample as the first bytes in the capture file).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

export const repo = path.resolve(import.meta.dirname, '..');

/** Runs a tool and returns its stdout; throws with its stderr when it fails. */
export function must(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The first of `tools` that is not installed, or null. */
export function missingTool(tools: readonly string[]): string | null {
  return tools.find((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) ?? null;
}

export interface FakeDac {
  /** ALSA PCM name. */
  readonly device: string;
  /** File the device writes what it plays into. */
  readonly capture: string;
  /** Environment that makes the device visible to ALSA (Auris and MPD alike). */
  readonly env: NodeJS.ProcessEnv;
}

/** The fake-DAC ALSA plugin (test/alsa/fakedac.c, paced like a DAC), built like the tests build it; returns its path. */
export function fakeDacLib(): string {
  const lib = path.join(repo, '.cache', 'alsa-plugins', 'libasound_module_pcm_fakedac.so');
  if (!existsSync(lib)) {
    mkdirSync(path.dirname(lib), { recursive: true });
    must('gcc', ['-O2', '-shared', '-fPIC', '-DPIC', '-o', lib, path.join(repo, 'test', 'alsa', 'fakedac.c'), '-lasound']);
  }
  return lib;
}

/** A paced fake DAC (test/alsa/fakedac.c, real-time pacing) taking stereo at `rates` only, writing into `dir`. */
export function fakeDac(dir: string, name: string, rates: readonly number[]): FakeDac {
  const lib = fakeDacLib();
  const capture = path.join(dir, `${name}.raw`);
  const asoundrc = path.join(dir, `asoundrc-${name}`);
  writeFileSync(asoundrc, [
    `pcm_type.fakedac { lib "${lib}" }`,
    `pcm.${name} {`, '  type fakedac', `  file "${capture}"`, '  formats [ "S24_3LE" "S32_LE" ]', `  rates [ ${rates.join(' ')} ]`,
    '  channels_min 2', '  channels_max 2', '  realtime 1', '}', '',
  ].join('\n'));
  return { device: name, capture, env: { ...process.env, ALSA_CONFIG_PATH: `/usr/share/alsa/alsa.conf:${asoundrc}` } };
}

/** Removes the capture (and the plugin's lock) before a run. */
export function resetCapture(dac: FakeDac): void {
  rmSync(dac.capture, { force: true });
  rmSync(`${dac.capture}.lock`, { force: true });
}

/** Milliseconds from `since` until the capture file holds its first bytes, polled every 1 ms. */
export async function firstSample(dac: FakeDac, since: number, limitMs = 30_000): Promise<number> {
  for (;;) {
    if (existsSync(dac.capture) && statSync(dac.capture).size > 0) return performance.now() - since;
    if (performance.now() - since > limitMs) return NaN;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Resolves when the capture has not grown for `quietMs` (everything played has reached the device). */
export async function captureSettled(dac: FakeDac, limitMs: number, quietMs = 1000): Promise<void> {
  const end = Date.now() + limitMs;
  let last = -1;
  let since = Date.now();
  for (;;) {
    const size = existsSync(dac.capture) ? statSync(dac.capture).size : 0;
    if (size !== last || size === 0) { last = size; since = Date.now(); }
    if (Date.now() - since >= quietMs) return;
    if (Date.now() > end) throw new Error('the capture never settled');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CPU seconds (utime + stime, every thread) of a process so far, from /proc (10 ms ticks). */
export function procCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A process's memory in MiB from /proc: `VmRSS` now, or `VmHWM` its peak. */
export function procMemMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

/** CPU seconds (utime + stime, every thread) and peak RSS (VmHWM) of a running process, from /proc. */
export function procUsage(pid: number): { cpuS: number; rssMiB: number } {
  return { cpuS: procCpu(pid), rssMiB: procMemMiB(pid, 'VmHWM') };
}

/** Sends one command to MPD on a new connection; resolves with its answer up to OK, rejects on ACK. */
export function mpdCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath);
    let buf = '';
    let greeted = false;
    sock.on('error', reject);
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (!greeted && buf.includes('\n')) { greeted = true; buf = ''; sock.write(`${command}\n`); return; }
      if (/(^|\n)(OK|ACK .*)\n$/.test(buf)) { sock.end(); if (buf.includes('ACK ')) reject(new Error(buf)); else resolve(buf); }
    });
  });
}

export interface PlayResult { cpuS: number; rssMiB: number; firstMs: number }

/** Stops a child: SIGTERM, then SIGKILL after 3 s (MPD may sit in the ALSA plugin and ignore SIGTERM). */
export async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => { if (child.exitCode !== null || child.signalCode !== null) r(null); else child.once('exit', r); });
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/**
 * Debian's MPD, started and idle, plays `files` (queued before) to the fake DAC. CPU is counted from
 * the `play` command until the capture stops growing; RSS is the daemon's peak; first sample from
 * sending `play`.
 */
export async function mpdPlays(dac: FakeDac, workDir: string, files: readonly string[], audioSeconds: number): Promise<PlayResult> {
  resetCapture(dac);
  const dir = path.join(workDir, 'mpd');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'library'), { recursive: true });
  const socketPath = path.join(dir, 'socket');
  writeFileSync(path.join(dir, 'mpd.conf'), [
    `music_directory "${dir}/library"`, `db_file "${dir}/db"`, `log_file "${dir}/log"`, `bind_to_address "${socketPath}"`,
    'zeroconf_enabled "no"', 'audio_output {', '  type "alsa"', '  name "bench"', `  device "${dac.device}"`, '  mixer_type "none"', '}', '',
  ].join('\n'));
  const child = spawn('mpd', ['--no-daemon', '--stderr', path.join(dir, 'mpd.conf')], { env: dac.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  try {
    for (let i = 0; !existsSync(socketPath); i++) {
      if (i > 200 || child.exitCode !== null) throw new Error(`MPD did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const f of files) await mpdCommand(socketPath, `add "${f}"`);
    const before = procUsage(child.pid!);
    const start = performance.now();
    await mpdCommand(socketPath, 'play');
    const firstMs = await firstSample(dac, start);
    await captureSettled(dac, (audioSeconds + 30) * 1000);
    const after = procUsage(child.pid!);
    return { cpuS: after.cpuS - before.cpuS, rssMiB: after.rssMiB, firstMs };
  } finally {
    await stopChild(child);
    rmSync(`${dac.capture}.lock`, { force: true });
  }
}
