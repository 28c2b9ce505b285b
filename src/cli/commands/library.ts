// `auris library add|scan|search|stats|analyse`: the music library from a script. Each subcommand
// opens the library of `--data DIR` (default: the platform's data folder) through the core's
// LibraryService, does its work in this process, and closes it.

import type { Command } from 'commander';
import { JobService } from '../../core/jobs.ts';
import { LibraryService, type ScanProgress, type ScanResult, type Track } from '../../core/library.ts';
import { aurisFolders } from '../../util/platform-paths.ts';
import { AurisError } from '../../util/errors.ts';
import { namingFile, printable } from '../paths.ts';

interface DataOption { data?: string }

/** Opens the library of `--data`, runs `work`, and closes it whatever happens. */
export async function withLibrary<T>(opts: DataOption & { threads?: number }, work: (service: LibraryService) => Promise<T>): Promise<T> {
  const jobs = new JobService({ size: opts.threads ?? 1 });
  const service = new LibraryService({ dataDir: opts.data ?? aurisFolders().data, jobs });
  const stop = (): void => void service.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await work(service);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await service.close();
    await jobs.close();
  }
}

const dataOption = ['--data <dir>', 'the data folder holding the library database (default: the platform data folder)'] as const;

function progressLine(p: ScanProgress): string {
  return p.phase === 'listing' ? `listing: ${p.listed} files` : `reading: ${p.read}/${p.toRead} files${p.errors ? `, ${p.errors} errors` : ''}`;
}

function resultLine(r: ScanResult, name: string): string {
  if (r.cancelled) return `${name}: cancelled (what was read so far is kept)`;
  if (!r.available) return `${name}: the folder is missing or empty; its tracks are kept, marked unavailable`;
  return `${name}: ${r.listed} files, ${r.added} added, ${r.changed} changed, ${r.renamed} renamed, ${r.removed} removed, ${r.unchanged} unchanged, ${r.errors} errors`;
}

async function scanAndReport(service: LibraryService, rootId: number | undefined, json: boolean): Promise<void> {
  const tty = process.stderr.isTTY && !json;
  const off = service.on((e) => {
    if (e.type === 'scan-progress' && tty) process.stderr.write(`\r\x1b[K${progressLine(e.progress)}`);
  });
  const results = await service.scan({ rootId });
  off();
  if (tty) process.stderr.write('\r\x1b[K');
  const roots = service.library.roots();
  if (json) {
    process.stdout.write(`${JSON.stringify({ results, stats: service.library.stats() }, null, 2)}\n`);
    return;
  }
  for (const r of results) process.stdout.write(`${resultLine(r, roots.find((x) => x.id === r.rootId)?.path ?? String(r.rootId))}\n`);
}

function trackLine(t: Track, uri: string): string {
  const who = t.artist ?? t.albumArtist ?? '';
  const title = t.title ?? uri;
  return `${who ? `${who} - ` : ''}${title}${t.album ? ` (${t.album})` : ''}\n  ${uri}`;
}

export function registerLibrary(program: Command): void {
  const library = program.command('library').description('the music library: folders, scanning, search, analysis');

  library.command('add')
    .description('add a music folder to the library and scan it')
    .argument('<dir>', 'the folder')
    .option(...dataOption)
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: DataOption & { json?: boolean }) => {
      await withLibrary(opts, async (service) => {
        const root = await service.addRoot(dir);
        await scanAndReport(service, root.id, opts.json ?? false);
      });
    });

  library.command('scan')
    .description('scan every library folder for added, changed, renamed and removed files')
    .option(...dataOption)
    .option('--wait', 'wait for the scan to finish (the command always does: it runs the scan itself)')
    .option('--json', 'print JSON')
    .action(async (opts: DataOption & { json?: boolean }) => {
      await withLibrary(opts, async (service) => {
        if (service.library.roots().length === 0) throw new AurisError('E_STATE', 'the library has no folder yet: auris library add DIR');
        await scanAndReport(service, undefined, opts.json ?? false);
      });
    });

  library.command('search')
    .description('search titles, artists, albums, composers, genres and paths (accents and case ignored, words as prefixes)')
    .argument('<query...>', 'words')
    .option(...dataOption)
    .option('--limit <n>', 'at most this many results', '50')
    .option('--json', 'print JSON')
    .action(async (words: string[], opts: DataOption & { json?: boolean; limit: string }) => {
      const limit = Number.parseInt(opts.limit, 10);
      if (!Number.isInteger(limit) || limit <= 0) throw new AurisError('E_INVALID_ARGUMENT', `--limit ${opts.limit}: a positive whole number, please`);
      await withLibrary(opts, async (service) => {
        const lib = service.library;
        const found = lib.search(words.join(' '), { limit });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ total: found.total, tracks: found.items.map((t) => ({ ...t, uri: lib.publicUri(t) })) }, null, 2)}\n`);
          return;
        }
        for (const t of found.items) process.stdout.write(`${trackLine(t, lib.publicUri(t))}\n`);
        process.stdout.write(`${found.total} found${found.total > found.items.length ? `, ${found.items.length} shown` : ''}\n`);
      });
    });

  library.command('stats')
    .description('artists, albums, songs, total duration and last update of the library')
    .option(...dataOption)
    .option('--json', 'print JSON')
    .action(async (opts: DataOption & { json?: boolean }) => {
      await withLibrary(opts, async (service) => {
        const s = service.library.stats();
        const errors = service.library.fileErrors();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ...s, roots: service.library.roots(), errors }, null, 2)}\n`);
          return;
        }
        const h = Math.floor(s.playtime / 3600);
        const m = Math.floor((s.playtime % 3600) / 60);
        process.stdout.write(`artists: ${s.artists}\nalbums: ${s.albums}\nsongs: ${s.songs}\nplaytime: ${h} h ${m} min\n`);
        process.stdout.write(`updated: ${s.dbUpdate === null ? 'never' : new Date(s.dbUpdate).toISOString()}\n`);
        for (const r of service.library.roots()) process.stdout.write(`folder: ${r.path}${r.available ? '' : ' (unavailable)'}\n`);
        if (errors.length > 0) process.stdout.write(`unreadable files: ${errors.length}\n${errors.map((e) => `  ${printable(namingFile(e.path, e.message))} [${e.code}]`).join('\n')}\n`);
      });
    });

  library.command('analyse')
    .alias('analyze')
    .description('measure DR, loudness, ReplayGain, true bit depth and authenticity of every track not analysed yet')
    .option(...dataOption)
    .option('-j, --threads <n>', 'analysis threads (default 1: a background job)', '1')
    .option('--json', 'print JSON')
    .action(async (opts: DataOption & { json?: boolean; threads: string }) => {
      const threads = Number.parseInt(opts.threads, 10);
      if (!Number.isInteger(threads) || threads <= 0) throw new AurisError('E_INVALID_ARGUMENT', `--threads ${opts.threads}: a positive whole number, please`);
      await withLibrary({ data: opts.data, threads }, async (service) => {
        const tty = process.stderr.isTTY && !opts.json;
        const off = service.on((e) => {
          if (e.type === 'analysis-progress' && tty) process.stderr.write(`\r\x1b[Kanalysed ${e.done}/${e.total}`);
        });
        // Nothing else runs in this process: the job runs at normal priority, on all `threads`.
        const r = await service.analyse({ priority: 'normal' });
        off();
        if (tty) process.stderr.write('\r\x1b[K');
        if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
        else process.stdout.write(`${r.analysed} analysed, ${r.failed} failed${r.cancelled ? ' (cancelled)' : ''}\n`);
      });
    });
}
