// FLAC decode: CPU time and speed (x realtime) of Auris against libFLAC (`flac -d`, MD5 checked)
// and ffmpeg, on files generated here (sox signals encoded by flac -5), as ratios per file.
// Every decoder runs as a child process; its CPU time (user + sys) is read from bash's `times`.
// Each measurement is the minimum of RUNS runs, so other load on the machine inflates it least.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, 'bench', 'data');
const RUNS = 3;

interface BenchFile {
  readonly name: string;
  readonly bits: number;
  readonly rate: number;
  readonly seconds: number;
}

const FILES: BenchFile[] = [
  { name: '16-bit 44.1 kHz stereo', bits: 16, rate: 44100, seconds: 60 },
  { name: '24-bit 96 kHz stereo', bits: 24, rate: 96000, seconds: 60 },
  { name: '24-bit 192 kHz stereo', bits: 24, rate: 192000, seconds: 30 },
  { name: '32-bit 384 kHz stereo', bits: 32, rate: 384000, seconds: 30 },
];

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString()}`);
}

/** Music-like test signal: pink noise plus two tones, low-passed, with a slow tremolo; sox -R is repeatable. */
function makeFile(f: BenchFile): string {
  const base = path.join(dataDir, `${f.bits}-${f.rate}-${f.seconds}s`);
  const flac = `${base}.flac`;
  if (existsSync(flac)) return flac;
  const wav = `${base}.wav`;
  const s = String(f.seconds);
  sh('sox', ['-R', '-n', '-r', String(f.rate), '-b', String(f.bits), '-c', '2', wav,
    'synth', s, 'pinknoise', 'synth', s, 'sine', 'mix', '220', 'synth', s, 'sine', 'mix', '1375',
    'lowpass', String(Math.min(20000, f.rate * 0.45)), 'tremolo', '2', '30', 'vol', '0.7']);
  sh('flac', ['-s', '-f', '-5', ...(f.bits > 24 ? ['--lax'] : []), '-o', flac, wav]);
  unlinkSync(wav);
  return flac;
}

const gnuTime = existsSync('/usr/bin/time');

/**
 * CPU seconds (user + sys) of `command` and its stdout: from GNU time (the rusage of the waited-for
 * child) when installed, else from bash's `times`.
 */
function cpuOf(command: string): { cpu: number; stdout: string } {
  if (gnuTime) {
    const r = spawnSync('/usr/bin/time', ['-f', 'AURIS_CPU %U %S', 'bash', '-c', command], { cwd: root, maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr.toString().slice(0, 500)}`);
    const m = /AURIS_CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr.toString());
    if (!m) throw new Error(`cannot read GNU time output for ${command}`);
    return { cpu: Number(m[1]) + Number(m[2]), stdout: r.stdout.toString() };
  }
  const r = spawnSync('bash', ['-c', `${command}\ntimes >&2`], { cwd: root, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr.toString().slice(0, 500)}`);
  const lines = r.stderr.toString().trim().split('\n');
  const children = lines[lines.length - 1]!.trim().split(/\s+/);
  const seconds = (t: string): number => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t);
    if (!m) throw new Error(`cannot read bash times output "${t}"`);
    return Number(m[1]) * 60 + Number(m[2]);
  };
  return { cpu: seconds(children[0]!) + seconds(children[1]!), stdout: r.stdout.toString() };
}

/**
 * CPU that `times` charges to a child doing nothing (/bin/true). It is about 0 on a quiet machine;
 * on the shared bench VM under heavy load it was a constant ~1.1 s per child, so it is measured in
 * every run and subtracted from every child's CPU.
 */
let accountingFloor = 0;

function best(command: string): { cpu: number; stdout: string } {
  let min: { cpu: number; stdout: string } | null = null;
  for (let i = 0; i < RUNS; i++) {
    const r = cpuOf(command);
    if (!min || r.cpu < min.cpu) min = r;
  }
  return { cpu: Math.max(0.001, min!.cpu - accountingFloor), stdout: min!.stdout };
}

const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
const fmt = (x: number, digits = 3): string => x.toFixed(digits);

function main(): void {
  const lines = ['## FLAC decode: Auris vs libFLAC (`flac -d`) and ffmpeg', ''];
  const missing = ['flac', 'sox', 'ffmpeg'].filter((t) => !has(t));
  if (missing.length) {
    lines.push(`Not run: ${missing.join(', ')} missing (install as in .ci/run).`);
    console.log(lines.join('\n'));
    return;
  }
  mkdirSync(dataDir, { recursive: true });
  sh(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')]);
  const child = path.join(root, 'bench', 'decode-child.mjs');

  lines.push(
    `Files: sox signals (pink noise + tones, low-passed, tremolo) encoded by \`flac -5\` (\`--lax\` for 32-bit). CPU = user + sys`,
    `seconds of the decoding process (GNU time, or bash \`times\`), minimum of ${RUNS} runs. \`flac -d -o /dev/null\` checks the MD5; Auris decodes in strict mode`,
    '(compiled dist/, MD5 computed and checked, CRCs checked); ffmpeg (`-f null`, 1 thread) checks neither. "Auris decode" is the CPU',
    'time inside the Auris process spent decoding (process.cpuUsage around the read loop), without the Node start-up that',
    '"Auris process" includes. "Auris warm" is a second decode of the same file in the same process (JIT-compiled, memory',
    'recycled), as a player meets it from the second track of an album on; it is measured in a separate run with --warm.',
    '',
    '| file | audio s | size MB | flac -d CPU s | ffmpeg CPU s | Auris process CPU s | Auris decode CPU s | Auris warm CPU s | Auris process / flac | **Auris decode / flac** | **Auris warm / flac** | ffmpeg / flac | x realtime flac / ffmpeg / Auris decode / warm |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  accountingFloor = best('/bin/true').cpu;
  const startup = best(`node ${q(child)} --startup ${q(makeFile(FILES[0]!))} >/dev/null`).cpu;
  for (const f of FILES) {
    const file = makeFile(f);
    const sizeMB = statSync(file).size / 1e6;
    const flac = best(`flac -d -s -f -o /dev/null ${q(file)}`).cpu;
    const ffmpeg = best(`ffmpeg -v error -nostdin -threads 1 -i ${q(file)} -f null -`).cpu;
    const auris = best(`node ${q(child)} ${q(file)}`);
    const report = JSON.parse(auris.stdout.trim().split('\n').pop()!) as { frames: number; md5: string; decodeCpuMs: number };
    if (report.md5 !== 'match') throw new Error(`${file}: Auris MD5 status ${report.md5}`);
    if (report.frames !== Math.round(f.rate * f.seconds)) throw new Error(`${file}: Auris decoded ${report.frames} frames`);
    const decode = report.decodeCpuMs / 1000;
    let warm = Infinity;
    for (let i = 0; i < RUNS; i++) {
      const w = JSON.parse(cpuOf(`node ${q(child)} --warm ${q(file)}`).stdout.trim().split('\n').pop()!) as { md5: string; warmCpuMs: number };
      if (w.md5 !== 'match') throw new Error(`${file}: Auris MD5 status ${w.md5} on the warm pass`);
      warm = Math.min(warm, w.warmCpuMs / 1000);
    }
    lines.push(`| ${f.name} | ${f.seconds} | ${fmt(sizeMB, 1)} | ${fmt(flac)} | ${fmt(ffmpeg)} | ${fmt(auris.cpu)} | ${fmt(decode)} | ${fmt(warm)} | ${fmt(auris.cpu / flac, 2)} | **${fmt(decode / flac, 2)}** | **${fmt(warm / flac, 2)}** | ${fmt(ffmpeg / flac, 2)} | ${Math.round(f.seconds / flac)} / ${Math.round(f.seconds / ffmpeg)} / ${Math.round(f.seconds / decode)} / ${Math.round(f.seconds / warm)} |`);
  }
  lines.push('', `Node process start-up with the decoder loaded and a file opened, no decoding: ${fmt(startup)} s CPU. CPU charged to \`/bin/true\` in this run (the accounting floor), subtracted from every child CPU above: ${fmt(accountingFloor)} s.`);
  console.log(lines.join('\n'));
}

main();
