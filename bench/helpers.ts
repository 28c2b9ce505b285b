// What several benches share: running a tool, the fake-DAC ALSA plugin, MPD's protocol, and a
// process's CPU and memory from /proc.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');

/** Runs a tool and returns its stdout; throws with its stderr when it fails. */
export function must(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
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
