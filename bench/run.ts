// `npm run bench`: runs every bench/*.bench.ts in its own process (each prints one markdown section
// on stdout) and writes the sections into bench/RESULTS.md under a header with the date and the
// machine. Text after the NOTES_MARKER line of an existing RESULTS.md (profiles, plans) is kept.
// `npm run bench -- decode` runs only the benches whose name contains "decode" and prints them.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const benchDir = import.meta.dirname;
const resultsPath = path.join(benchDir, 'RESULTS.md');
export const NOTES_MARKER = '<!-- notes: everything below this line is written by hand and kept by bench/run.ts -->';

/** CPU model, cores, memory, OS and Node version, as one markdown line. */
function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${model}, ${cpus.length} cores, ${memGiB} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}, Node ${process.version}`;
}

const filters = process.argv.slice(2);
const benches = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));

const sections: string[] = [];
for (const file of benches) {
  process.stderr.write(`bench: running ${file}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, file)], {
    cwd: path.dirname(benchDir),
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  const out = r.stdout.toString().trim();
  sections.push(r.status === 0 ? out : `${out}\n\n**${file} failed with exit code ${r.status}.**`);
}

const header = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString()}.`,
  '',
  `Machine: ${machine()}. Load average when the run started: ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}.`,
].join('\n');
const report = `${header}\n\n${sections.join('\n\n')}\n`;

if (filters.length > 0) {
  process.stdout.write(report);
} else {
  const old = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
  const at = old.indexOf(NOTES_MARKER);
  const notes = at >= 0 ? old.slice(at) : `${NOTES_MARKER}\n`;
  writeFileSync(resultsPath, `${report}\n${notes}`);
  process.stderr.write(`bench: wrote ${path.relative(process.cwd(), resultsPath)}\n`);
}
