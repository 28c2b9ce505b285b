// Resampler throughput: Auris's VHQ resampler (the cascade the filter uses: sharp 1:2 / 2:1 stage by FFT, short
// time-domain stages for the rest) against `sox -D ... rate -v` on the same
// stereo float64 input, as x realtime (one core) and the ratio Auris/sox. Prints one markdown
// section (bench/run.ts collects it; alone: `node --import tsx bench/resampler.bench.ts`).
// Auris runs in this process on 4096-frame blocks (CPU time from process.cpuUsage); sox runs as a
// child reading a raw f64 file and writing to /dev/null (CPU time from bash's `times`). Each figure
// is the minimum of RUNS runs; Auris's after one unmeasured-in-the-minimum first run (reported apart).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CascadeResampler, planResampler, runsByFft } from '../src/dsp/plugins/resampler/cascade.ts';

const RUNS = 3;
const BLOCK = 4096;
const CONVERSIONS: [number, number, number][] = [
  [44100, 48000, 10], [48000, 44100, 10], [44100, 96000, 10], [96000, 44100, 10],
  [44100, 192000, 5], [192000, 44100, 5], [44100, 768000, 3], [768000, 44100, 3],
];

function signal(rate: number, seconds: number): Float64Array {
  const n = Math.round(rate * seconds);
  const x = new Float64Array(2 * n);
  let seed = 1;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const noise = (seed / 2 ** 32 - 0.5) * 0.1;
    x[2 * i] = 0.5 * Math.sin((2 * Math.PI * 997 * i) / rate) + noise;
    x[2 * i + 1] = 0.5 * Math.sin((2 * Math.PI * 3001 * i) / rate) - noise;
  }
  return x;
}

/**
 * CPU seconds of one Auris conversion: `cold` the first run in this process for this conversion
 * (JIT and WebAssembly tier-up, new kernels: what a player pays once), `best` the minimum of RUNS
 * runs after it (the steady state a player runs in for the rest of its life).
 */
function aurisSeconds(x: Float64Array, fin: number, fout: number): { cold: number; best: number } {
  const once = (): number => {
    const start = process.cpuUsage();
    const rs = new CascadeResampler(planResampler(fin, fout), 2);
    for (let i = 0; i < x.length; i += 2 * BLOCK) rs.process(x.subarray(i, Math.min(x.length, i + 2 * BLOCK)));
    rs.flush();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  const cold = once();
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) best = Math.min(best, once());
  return { cold, best };
}

function soxSeconds(file: string, fin: number, fout: number): number | null {
  if (spawnSync('sh', ['-c', 'command -v sox'], { stdio: 'ignore' }).status !== 0) return null;
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const cmd = `sox -D -t f64 -r ${fin} -c 2 '${file}' -t f64 /dev/null rate -v ${fout}; times`;
    const out = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`sox failed: ${out.stderr}`);
    const lines = out.stdout.trim().split('\n');
    const child = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1]!);
    if (!child) throw new Error(`cannot read times: ${out.stdout}`);
    best = Math.min(best, Number(child[1]) * 60 + Number(child[2]) + Number(child[3]) * 60 + Number(child[4]));
  }
  return best;
}

const dir = mkdtempSync(path.join(tmpdir(), 'auris-bench-rs-'));
const rows: string[] = [];
try {
  for (const [fin, fout, seconds] of CONVERSIONS) {
    const x = signal(fin, seconds);
    const file = path.join(dir, `in-${fin}.f64`);
    writeFileSync(file, new Uint8Array(x.buffer));
    const { cold, best: a } = aurisSeconds(x, fin, fout);
    const s = soxSeconds(file, fin, fout);
    const c = new CascadeResampler(planResampler(fin, fout), 2);
    const stages = c.stages.map((s) => `${s.design.up}/${s.design.down}x${s.design.taps}${runsByFft(s.design) ? ' FFT' : ''}`).join(', ');
    rows.push(`| ${fin / 1000} -> ${fout / 1000} kHz | ${stages} | ${seconds} s | ${(seconds / cold).toFixed(1)}x | ${(seconds / a).toFixed(1)}x | ${s === null ? 'n/a' : `${(seconds / s).toFixed(1)}x`} | ${s === null ? 'n/a' : (s / a).toFixed(2)} |`);
    rmSync(file);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write([
  '## Resampler (VHQ, stereo f64) against sox rate -v',
  '',
  'Speed is x realtime on one core (audio seconds / CPU seconds, minimum of 3 runs); ratio = sox CPU time / Auris CPU time (>= 1.0: Auris is faster). Auris first run: the first conversion at these rates in the process (JIT and WebAssembly tier-up, paid once per player process), not counted in the minimum.',
  '',
  '| conversion | stages L/M x taps (FFT: overlap-save convolution) | audio | Auris first run | Auris | sox -v | ratio |',
  '|---|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n'));
