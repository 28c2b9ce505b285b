// The system mixer's rate for shared mode, when a sound server says it: PulseAudio and
// PipeWire (through pipewire-pulse) report it in `pactl info` ("Default Sample Specification").

import { spawnSync } from 'node:child_process';

/** The rate in a `pactl info` text, or 0 when it has none. */
export function parsePactlRate(info: string): number {
  const m = /^Default Sample Specification:\s*\S+\s+\d+ch\s+(\d+)Hz/m.exec(info);
  return m ? Number(m[1]) : 0;
}

/** The running sound server's mixer rate, or 0 when there is none or it does not answer within a second. */
export function soundServerRate(): number {
  const r = spawnSync('pactl', ['info'], { encoding: 'utf8', timeout: 1000, env: { ...process.env, LC_ALL: 'C' } });
  return r.status === 0 ? parsePactlRate(r.stdout) : 0;
}
