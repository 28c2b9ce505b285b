// What the analysis commands (dr, loudness, analyze) share (their files come from
// src/cli/paths.ts): grouping them by album folder, running them on the worker pool with a progress bar, and tags.

import { availableParallelism } from 'node:os';
import path from 'node:path';
import { readTags as readFileTags, type AnalyserRequest, type FileAnalysis } from '../../core/files.ts';
import type { BasicTags } from '../../protocol/tags.ts';
import { AurisError, asAurisError, type ErrorCode } from '../../util/errors.ts';
import { printable } from '../paths.ts';
import { takeJobService } from './workers.ts';

let collator: Intl.Collator | null = null;

/**
 * The order of String.prototype.localeCompare (default locale and options), through one
 * Intl.Collator: the reports order folders, and tracks without numbers, this way.
 */
export function comparePaths(a: string, b: string): number {
  collator ??= new Intl.Collator();
  return collator.compare(a, b);
}

/**
 * Makes comparePaths' collator now. Making one loads ICU's collation data (~8 ms, 20 ms under
 * load, on the bench machine); a command that will sort calls this while its workers analyse,
 * rather than paying it between the last result and its output.
 */
export function prepareComparePaths(): void {
  collator ??= new Intl.Collator();
}

/** Files grouped by their folder (an album), folders in path order. */
export function groupByAlbum(files: readonly string[]): { dir: string; files: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const d = path.dirname(f);
    groups.set(d, [...(groups.get(d) ?? []), f]);
  }
  return [...groups.entries()].sort(([a], [b]) => comparePaths(a, b)).map(([dir, fs]) => ({ dir, files: fs }));
}

/** Tags the DR log and reports use: BasicTags with the file name standing in for a missing title. */
export interface TrackTags extends BasicTags {
  readonly title: string;
}

/** TrackTags of `tags`, the file's name as title when it has none. */
export function trackTags(tags: BasicTags, file: string): TrackTags {
  return { ...tags, title: tags.title ?? path.basename(file, path.extname(file)) };
}

const NO_TAGS: BasicTags = { artist: null, albumArtist: null, album: null, title: null, trackNumber: null };

/** Reads tags with the one tag reader (src/decoders/tags.ts); a file without tags (or with unreadable ones) gets its file name as title. */
export async function readTags(file: string): Promise<TrackTags> {
  try {
    const t = await readFileTags(file, { cover: false });
    return trackTags({ artist: t.artist, albumArtist: t.albumArtist, album: t.album, title: t.title, trackNumber: t.trackNumber, trackText: t.trackText }, file);
  } catch {
    return trackTags(NO_TAGS, file);
  }
}

/** A file that failed, with the reason. */
export interface FailedFile {
  readonly path: string;
  readonly error: AurisError;
}

/**
 * Analyses every file on the worker pool (one worker per core; the one startAnalysisWorkers started, if any);
 * `onResult` sees each file's analysis as it arrives. Shows a progress bar on stderr when
 * it is a terminal. Failures are collected, not thrown, so one bad file does not stop an album.
 */
export async function analyseFiles(
  files: readonly string[],
  requests: readonly AnalyserRequest[],
  options: { workers?: number; progress?: boolean; onResult?: (file: string, analysis: FileAnalysis) => void } = {},
): Promise<{ analyses: Map<string, FileAnalysis>; failed: FailedFile[] }> {
  const pool = takeJobService(Math.min(options.workers ?? availableParallelism(), files.length));
  const bar = options.progress ?? process.stderr.isTTY === true ? new ProgressBar(files.length) : null;
  const analyses = new Map<string, FileAnalysis>();
  const failed: FailedFile[] = [];
  try {
    const jobs = files.map(async (f) => {
      try {
        const analysis = await pool.analyse(f, requests, (frames, total) => bar?.update(f, total ? frames / total : 0), { damaged: 'measure' });
        analyses.set(f, analysis);
        options.onResult?.(f, analysis);
        // A damaged file is measured as far as it decodes, and reported as a failure too.
        if (analysis.damaged) failed.push({ path: f, error: new AurisError(analysis.damaged.code as ErrorCode, analysis.damaged.message, { path: f }) });
      } catch (e) {
        failed.push({ path: f, error: asAurisError(e) });
      } finally {
        bar?.done(f);
      }
    });
    // Every job is given: each worker stops once it has none left. Nothing here waits for the last
    // one's exit (the process does, at its end), so the caller prints while it winds down.
    void pool.finish();
    await Promise.all(jobs);
  } catch (e) {
    await pool.close();
    throw e;
  } finally {
    bar?.clear();
  }
  return { analyses, failed };
}

/** A one-line progress bar on stderr: files done, overall fraction. */
class ProgressBar {
  private readonly fraction = new Map<string, number>();
  private doneCount = 0;
  private lastDraw = 0;

  constructor(private readonly total: number) {}

  update(file: string, f: number): void {
    this.fraction.set(file, f);
    this.draw(false);
  }

  done(file: string): void {
    this.fraction.set(file, 1);
    this.doneCount++;
    this.draw(true);
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    let sum = 0;
    for (const v of this.fraction.values()) sum += v;
    const overall = sum / this.total;
    const width = 30;
    const fill = Math.round(overall * width);
    process.stderr.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${this.doneCount}/${this.total} files ${(overall * 100).toFixed(0).padStart(3)}%`);
  }

  clear(): void {
    process.stderr.write('\r' + ' '.repeat(60) + '\r');
  }
}

/** Prints failures to stderr and sets exit code 1 when there were any. */
export function reportFailures(failed: readonly FailedFile[]): void {
  // Decoder errors name the file already: the path is printed once.
  for (const f of failed) process.stderr.write(`auris: ${printable(`${f.error.message.includes(f.path) ? '' : `${f.path}: `}${f.error.message}`)} [${f.error.code}]
`);
  if (failed.length > 0) process.exitCode = 1;
}

/** Pretty JSON with -Infinity/NaN written as null (JSON has no infinities). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}
