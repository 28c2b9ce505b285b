// Output path: CPU time of Auris's ring + device thread for 60 s of 32-bit/768 kHz stereo into the
// ALSA file plugin (over null, to /dev/null: test/alsa/asoundrc `benchnull`), against aplay writing
// the same bytes to the same PCM. Minimum of RUNS runs each, as a ratio (lower is better).
// Auris's figure is measured inside its process around open..close (JS writes + device thread);
// aplay's is the whole aplay process (its start-up is a few ms) reading the bytes from a file.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addonCandidates } from '../native/index.ts';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, 'bench', 'data');
const SECONDS = 60;
const RATE = 768000;
const RUNS = 5;
const env = { ...process.env, ALSA_CONFIG_PATH: `/usr/share/alsa/alsa.conf:${path.join(root, 'test', 'alsa', 'asoundrc')}` };

/** CPU seconds (user + sys) of the children of one bash command, from bash's `times`. */
function childCpuMs(command: string): number {
  const r = spawnSync('bash', ['-c', `${command} >/dev/null 2>&1 || exit 3; times`], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} failed (${r.status})`);
  const line = r.stdout.trim().split('\n')[1] ?? '';
  const m = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((x) => Number(x[1]) * 60 + Number(x[2]));
  return (m[0]! + m[1]!) * 1000;
}

function rawFile(): string {
  const file = path.join(dataDir, `s32-768k-${SECONDS}s.raw`);
  const bytes = RATE * 8 * SECONDS;
  if (existsSync(file) && statSync(file).size === bytes) return file;
  mkdirSync(dataDir, { recursive: true });
  const second = new Uint8Array(RATE * 8);
  for (let i = 0; i < second.length; i++) second[i] = (i * 2654435761) >>> 24;
  writeFileSync(file, Buffer.concat(Array.from({ length: SECONDS }, () => second)));
  return file;
}

function main(): void {
  const lines = ['## Output path (ring + device thread)', ''];
  const addon = addonCandidates().find((f) => existsSync(f));
  const hasAplay = spawnSync('sh', ['-c', 'command -v aplay'], { stdio: 'ignore' }).status === 0;
  if (!addon || !hasAplay) {
    lines.push(`Skipped: ${!addon ? 'the native addon is not built' : 'aplay is not installed'}.`);
    process.stdout.write(lines.join('\n') + '\n');
    return;
  }
  const file = rawFile();
  let auris = Infinity;
  let aurisWall = Infinity;
  let aplay = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [path.join(root, 'bench', 'output-child.mjs'), addon, 'benchnull', String(SECONDS)], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`output-child failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout) as { cpuMs: number; wallMs: number };
    auris = Math.min(auris, m.cpuMs);
    aurisWall = Math.min(aurisWall, m.wallMs);
    aplay = Math.min(aplay, childCpuMs(`aplay -q -D benchnull -t raw -f S32_LE -r ${RATE} -c 2 --buffer-time=500000 ${file}`));
  }
  lines.push(
    `${SECONDS} s of 32-bit/768 kHz stereo (${(RATE * 8 * SECONDS / 2 ** 20).toFixed(0)} MiB) into the ALSA \`file\` plugin over \`null\`; CPU time (user + sys), best of ${RUNS}.`,
    '',
    '| path | CPU ms | x realtime (CPU) | ratio to aplay |',
    '|---|---:|---:|---:|',
    `| Auris addon (JS write -> SPSC ring -> device thread -> snd_pcm_writei) | ${auris.toFixed(0)} | ${(SECONDS * 1000 / auris).toFixed(0)}x | ${(auris / aplay).toFixed(2)} |`,
    `| aplay (file -> snd_pcm_writei) | ${aplay.toFixed(0)} | ${(SECONDS * 1000 / aplay).toFixed(0)}x | 1.00 |`,
    '',
    `Auris wall time for the ${SECONDS} s: ${aurisWall.toFixed(0)} ms (the PCM has no clock, so this is throughput).`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}

main();
