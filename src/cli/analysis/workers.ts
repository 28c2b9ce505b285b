// The analysis commands' worker pool, which can start before the command has loaded or listed its
// files: a worker's start-up (a fresh isolate, then the decoders) is ~60-100 ms of the few hundred
// an album's analysis takes, and overlaps the main thread's own start-up this way. The command's
// main thread, idle otherwise, analyses too: one worker fewer to start (one core: none at all).

import { availableParallelism } from 'node:os';
import { AnalysisPool } from '../../analysis/pool.ts';

/** URL of the module the workers open files with (same extension as this module: .ts or .js). */
export function sourceModuleUrl(): string {
  const ext = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./source${ext}`, import.meta.url).href;
}

let started: AnalysisPool | null = null;

/** Starts the analysis workers now (one per core, the main thread taking one core's share), for the next takeAnalysisPool. */
export function startAnalysisWorkers(): void {
  started ??= new AnalysisPool({ sourceModule: sourceModuleUrl(), size: availableParallelism(), useCallingThread: true });
  started.warm();
}

/** The pool started by startAnalysisWorkers, else a new one of `size` workers; the caller closes it. */
export function takeAnalysisPool(size: number): AnalysisPool {
  const pool = started ?? new AnalysisPool({ sourceModule: sourceModuleUrl(), size, useCallingThread: true });
  started = null;
  return pool;
}
