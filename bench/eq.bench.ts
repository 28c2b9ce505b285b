// Parametric EQ throughput: 10 peaking/shelf bands (the AutoEq HD 650 set), stereo, 768 kHz,
// 64-bit DF1 (WebAssembly SIMD kernel, src/dsp/plugins/eq/df1.ts), as x realtime on one core,
// against `sox -D ... equalizer x10` (SoX's own RBJ biquads) on the same float64 input, measured
// in the same run (ratio Auris/sox in speed).
// Prints one markdown section (bench/run.ts collects it; alone: `node --import tsx bench/eq.bench.ts`).
// Auris CPU time from process.cpuUsage over 4096-frame blocks; sox CPU time from bash's `times`.
// Each figure is the minimum of RUNS runs.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { floatBlock } from '../src/audio/block.ts';
import { floatFormat } from '../src/audio/format.ts';
import { prepareEq, type EqSettings } from '../src/dsp/plugins/eq/index.ts';
import type { BiquadBand } from '../src/dsp/plugins/eq/biquad.ts';

const RUNS = 3;
const BLOCK = 4096;
const BANDS: BiquadBand[] = [
  { type: 'lowshelf', freq: 105, gainDb: 6.4, q: 0.7 }, { type: 'peaking', freq: 8865, gainDb: 4.9, q: 1.3 },
  { type: 'peaking', freq: 121, gainDb: -3.1, q: 0.5 }, { type: 'peaking', freq: 37, gainDb: 0.7, q: 3.76 },
  { type: 'peaking', freq: 3159, gainDb: -1.5, q: 3.89 }, { type: 'highshelf', freq: 10000, gainDb: -2.1, q: 0.7 },
  { type: 'peaking', freq: 1220, gainDb: -1.2, q: 2.53 }, { type: 'peaking', freq: 2048, gainDb: 1.1, q: 3.26 },
  { type: 'peaking', freq: 584, gainDb: 0.4, q: 1.15 }, { type: 'peaking', freq: 5316, gainDb: -1.0, q: 6 },
];

function signal(rate: number, seconds: number): Float64Array {
  const n = Math.round(rate * seconds);
  const x = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = 0.3 * Math.sin((2 * Math.PI * 997 * i) / rate);
    x[2 * i + 1] = 0.3 * Math.sin((2 * Math.PI * 3001 * i) / rate);
  }
  return x;
}

function aurisSeconds(x: Float64Array, rate: number): number {
  const settings: EqSettings = { steps: [{ kind: 'preamp', db: -6.1, channels: 'all' }, ...BANDS.map((band) => ({ kind: 'band' as const, band, channels: 'all' as const }))] };
  const fmt = floatFormat(rate, 2, 64);
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const work = x.slice();
    const start = process.cpuUsage();
    const f = prepareEq(settings).open(fmt);
    for (let i = 0; i < work.length; i += 2 * BLOCK) f.process(floatBlock(fmt, work.subarray(i, Math.min(work.length, i + 2 * BLOCK))));
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return best;
}

function soxEffects(): string[] {
  const args = ['gain', '-6.1'];
  for (const b of BANDS) {
    if (b.type === 'peaking') args.push('equalizer', String(b.freq), `${b.q}q`, String(b.gainDb));
    else args.push(b.type === 'lowshelf' ? 'bass' : 'treble', String(b.gainDb), String(b.freq), `${b.q}q`);
  }
  return args;
}

function soxSeconds(file: string, rate: number): number | null {
  if (spawnSync('sh', ['-c', 'command -v sox'], { stdio: 'ignore' }).status !== 0) return null;
  const cmd = ['sox', '-D', '-t', 'f64', '-r', String(rate), '-c', '2', file, '-t', 'f64', '/dev/null', ...soxEffects()].join(' ');
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const out = spawnSync('bash', ['-c', `${cmd}; times`], { encoding: 'utf8' });
    const line = out.stdout.trim().split('\n').at(-1) ?? '';
    const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(line);
    if (out.status !== 0 || !m) return null;
    best = Math.min(best, Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]));
  }
  return best;
}

const rate = 768000;
const seconds = 3;
const x = signal(rate, seconds);
const dir = mkdtempSync(path.join(tmpdir(), 'auris-eq-bench-'));
try {
  const file = path.join(dir, 'in.f64');
  writeFileSync(file, new Uint8Array(x.buffer));
  const a = aurisSeconds(x, rate);
  const s = soxSeconds(file, rate);
  const lines = [
    '## Parametric EQ (10 bands + preamp, stereo, 768 kHz, float64)',
    '',
    '| engine | CPU seconds for 3 s | x realtime (one core) |',
    '|---|---|---|',
    `| Auris PEQ (DF1, f64, WASM SIMD f64x2) | ${a.toFixed(3)} | ${(seconds / a).toFixed(1)}x (goal >= 50x) |`,
    s === null ? '| sox | not installed | |' : `| sox -D gain + 9 equalizer + bass + treble | ${s.toFixed(3)} | ${(seconds / s).toFixed(1)}x |`,
    '',
    s === null ? '' : `Ratio Auris/sox (speed): **${(s / a).toFixed(2)}**.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
