// `auris verify FILE|DIR...`: decodes every file completely on the job service's workers and checks
// its integrity (FLAC MD5 and CRCs, truncation, garbage). One line per file on stdout, a progress
// bar on stderr when it is a terminal, a summary, and exit code 1 when any file failed.

import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { AurisError } from '../../util/errors.ts';
import { audioFilesIn, namingFile, printable } from '../paths.ts';
import { JobService } from '../../core/jobs.ts';
import type { VerifyResult } from '../../core/verify-file.ts';

/** One result as one line (control characters in names escaped). */
export function resultLine(r: VerifyResult): string {
  if (!r.ok) {
    const message = r.error?.message ?? 'failed';
    return `FAIL  ${printable(namingFile(r.path, message))} [${r.error?.code ?? 'E_INTERNAL'}]`;
  }
  const md5 = r.md5 === 'match' ? 'MD5 ok' : r.md5 === 'absent' ? 'no MD5 stored' : `MD5 ${r.md5 ?? 'unchecked'}`;
  const warn = r.warnings.length > 0 ? `, ${r.warnings.length} warning(s): ${r.warnings[0]}` : '';
  return `OK    ${printable(r.path)} (${r.codec ?? '?'}, ${r.frames} frames, ${md5}${warn})`;
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
      // Paths that cannot be verified (missing, unreadable, not a regular file) are reported on
      // stderr and make the exit code 1; the rest is verified.
      const { files, skipped } = await audioFilesIn(paths);
      const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
      if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new AurisError('E_INVALID_ARGUMENT', `--jobs takes a positive integer, not "${opts.jobs}"`);
      const tty = process.stderr.isTTY === true;
      const draw = (done: number) => { if (tty) process.stderr.write(`\r\x1b[K${progressBar(done, files.length)}`); };
      draw(0);
      // Each file on the core's job service; lines in completion order.
      const service = new JobService({ size: Math.min(jobs ?? availableParallelism(), Math.max(1, files.length)) });
      let done = 0;
      const results = await Promise.all(files.map(async (f) => {
        const r = await service.verify(f);
        if (tty) process.stderr.write('\r\x1b[K');
        process.stdout.write(`${resultLine(r)}\n`);
        draw(++done);
        return r;
      })).finally(() => service.close());
      if (tty) process.stderr.write('\r\x1b[K');
      const failed = results.filter((r) => !r.ok).length;
      const skips = skipped > 0 ? `; ${skipped} path(s) skipped (see above)` : '';
      process.stdout.write(`${files.length} file(s) verified: ${files.length - failed} ok, ${failed} failed${skips}\n`);
      if (failed > 0) process.exitCode = 1;
    });
}
