// The analysis commands' job service (the core's JobService, src/core/jobs.ts), which can start
// before the command has loaded or listed its files: a worker's start-up (a fresh isolate, then
// the decoders) is ~60-100 ms of the few hundred an album's analysis takes, and overlaps the main
// thread's own start-up this way. The command's main thread, idle otherwise, analyses too: one
// worker fewer to start (one core: none at all).

import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { JobService } from '../../core/jobs.ts';

let started: JobService | null = null;

/**
 * At most how many files a command's words name, before the command has parsed them: the words
 * that are regular files (option values among them only make it more), or null when one is a
 * folder (any number of files). Words that name nothing are not files: the command reports them.
 */
export function filesNamedBy(words: readonly string[]): number | null {
  let files = 0;
  for (const w of words) {
    if (w.startsWith('-')) continue;
    let st;
    try {
      st = statSync(w, { throwIfNoEntry: false });
    } catch {
      continue; // too long, unreadable...: the command reports it when it lists its files
    }
    if (st?.isDirectory()) return null;
    if (st?.isFile()) files++;
  }
  return files;
}

/**
 * Starts the analysis workers now (one per core, the main thread taking one core's share), for
 * the next takeJobService; when `words` (the command's arguments) name fewer files than there
 * are cores, only as many as those files need: a single file starts none (the main thread takes
 * it), where a worker that then idled took ~50-60 ms of CPU on two cores.
 */
export function startAnalysisWorkers(words: readonly string[] = []): void {
  const cores = availableParallelism();
  started ??= new JobService({ size: cores, useCallingThread: true });
  started.warm(Math.max(1, Math.min(cores, filesNamedBy(words) ?? cores)));
}

/** The service started by startAnalysisWorkers, else a new one of `size` threads; the caller closes it. */
export function takeJobService(size: number): JobService {
  const jobs = started ?? new JobService({ size, useCallingThread: true });
  started = null;
  return jobs;
}
