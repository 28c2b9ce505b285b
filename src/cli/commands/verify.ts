// `auris verify FILE|DIR...`: decodes every file completely in a pool of worker threads and checks
// its integrity (FLAC MD5 and CRCs, truncation, garbage). One line per file on stdout, a progress
// bar on stderr when it is a terminal, a summary, and exit code 1 when any file failed.

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { supportedExtensions } from '../../decoders/registry.ts';
import { AurisError, asAurisError } from '../../util/errors.ts';
import type { VerifyResult } from '../verify-file.ts';
import { verifyInPool } from '../verify-pool.ts';

/** The files to verify: files as given, folders searched recursively for supported extensions, sorted. */
export async function collectFiles(args: readonly string[]): Promise<string[]> {
  const exts = new Set(supportedExtensions());
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && exts.has(path.extname(e.name).slice(1).toLowerCase())) out.push(full);
    }
  };
  for (const arg of args) {
    let st;
    try {
      st = await stat(arg);
    } catch (e) {
      throw asAurisError(e, 'E_IO');
    }
    if (st.isDirectory()) await walk(arg);
    else out.push(arg);
  }
  return out;
}

function resultLine(r: VerifyResult): string {
  if (!r.ok) {
    const message = r.error?.message ?? 'failed';
    return `FAIL  ${message.startsWith(r.path) ? message : `${r.path}: ${message}`} [${r.error?.code ?? 'E_INTERNAL'}]`;
  }
  const md5 = r.md5 === 'match' ? 'MD5 ok' : r.md5 === 'absent' ? 'no MD5 stored' : `MD5 ${r.md5 ?? 'unchecked'}`;
  const warn = r.warnings.length > 0 ? `, ${r.warnings.length} warning(s): ${r.warnings[0]}` : '';
  return `OK    ${r.path} (${r.codec ?? '?'}, ${r.frames} frames, ${md5}${warn})`;
}

/** A one-line progress bar: "[#######.............]  12/40". */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total}`;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check the integrity of files and folders in parallel (FLAC MD5 and CRCs, truncation, garbage)')
    .argument('<paths...>', 'files or folders (searched recursively)')
    .option('-j, --jobs <n>', 'worker threads (default: number of cores)')
    .action(async (paths: string[], opts: { jobs?: string }) => {
      const files = await collectFiles(paths);
      if (files.length === 0) throw new AurisError('E_NOT_FOUND', `no audio files found in ${paths.join(', ')}`);
      const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
      if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new AurisError('E_INVALID_ARGUMENT', `--jobs takes a positive integer, not "${opts.jobs}"`);
      const tty = process.stderr.isTTY === true;
      const draw = (done: number) => { if (tty) process.stderr.write(`\r\x1b[K${progressBar(done, files.length)}`); };
      draw(0);
      const results = await verifyInPool(files, (r, done) => {
        if (tty) process.stderr.write('\r\x1b[K');
        process.stdout.write(`${resultLine(r)}\n`);
        draw(done);
      }, jobs);
      if (tty) process.stderr.write('\r\x1b[K');
      const failed = results.filter((r) => !r.ok).length;
      process.stdout.write(`${files.length} file(s) verified: ${files.length - failed} ok, ${failed} failed\n`);
      if (failed > 0) process.exitCode = 1;
    });
}
