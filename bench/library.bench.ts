// The library bench: scanning 10,000 tagged FLAC files against MPD's `update` of the same tree,
// a rescan with nothing changed, search latency on 100,000 synthetic tracks, and the RSS with that
// database open. Prints one markdown section (bench/run.ts collects it into RESULTS.md).
//
// The FLAC files are small (0.1 s of audio) and tagged; they are written from one flac-encoded
// file by replacing its VORBIS_COMMENT block, so 10,000 of them take seconds to make and every one
// has its own tags. Both scanners run on a warm cache (the files were just written, and each
// measured run follows an unmeasured one).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as LibraryModule from '../src/core/library.ts';
import { openLibrary } from '../src/library/library.ts';
import { mpdCommand, must, procCpu } from './players.ts';
import { makeSyntheticDatabase, prng, words } from './synthetic-library.ts';

const FILES = 10_000;
const SYNTHETIC_TRACKS = 100_000;
const RUNS = 3;
const data = path.join(import.meta.dirname, 'data', 'library');
const tree = path.join(data, 'tree');

/** The VORBIS_COMMENT block body for `tags`. */
function vorbisComment(tags: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
  const vendor = Buffer.from('auris bench');
  parts.push(u32(vendor.length), vendor, u32(Object.keys(tags).length));
  for (const [k, v] of Object.entries(tags)) {
    const c = Buffer.from(`${k}=${v}`);
    parts.push(u32(c.length), c);
  }
  return Buffer.concat(parts);
}

function blockHeader(type: number, last: boolean, length: number): Buffer {
  return Buffer.from([(last ? 0x80 : 0) | type, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
}

/** Writes the 10,000-file tree (100 artists x 10 albums x 10 tracks) unless it is there already. */
function makeTree(): void {
  const marker = path.join(data, `tree-${FILES}.done`);
  if (existsSync(marker)) return;
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const wav = path.join(data, 'base.wav');
  const flac = path.join(data, 'base.flac');
  must('sox', ['-n', '-r', '44100', '-b', '16', '-c', '2', wav, 'synth', '0.1', 'pinknoise', 'vol', '0.3']);
  must('flac', ['-s', '-f', wav, '-o', flac]);
  const base = readFileSync(flac);
  let at = 4;
  let streamInfo: Buffer | null = null;
  for (;;) {
    const last = (base[at]! & 0x80) !== 0;
    const type = base[at]! & 0x7f;
    const len = base.readUIntBE(at + 1, 3);
    if (type === 0) streamInfo = base.subarray(at + 4, at + 4 + len);
    at += 4 + len;
    if (last) break;
  }
  const frames = base.subarray(at);
  const rand = prng(1);
  const genres = ['Rock', 'Jazz', 'Electronic', 'Classical', 'Folk', 'Hip-Hop', 'Ambient', 'Soul'];
  let n = 0;
  for (let a = 0; a < FILES / 100; a++) {
    const artist = words(rand, 1, 2);
    for (let b = 0; b < 10; b++) {
      const album = words(rand, 1, 3);
      const year = String(1960 + Math.floor(rand() * 60));
      const genre = genres[Math.floor(rand() * genres.length)]!;
      const dir = path.join(tree, artist, `${year} - ${album}`);
      mkdirSync(dir, { recursive: true });
      for (let t = 1; t <= 10; t++, n++) {
        const title = words(rand, 1, 4);
        const vc = vorbisComment({ TITLE: title, ARTIST: artist, ALBUMARTIST: artist, ALBUM: album, TRACKNUMBER: String(t), DATE: year, GENRE: genre });
        const file = Buffer.concat([Buffer.from('fLaC'), blockHeader(0, false, streamInfo!.length), streamInfo!, blockHeader(4, true, vc.length), vc, frames]);
        writeFileSync(path.join(dir, `${String(t).padStart(2, '0')} - ${title}.flac`), file);
      }
    }
  }
  writeFileSync(marker, String(n));
}

/** Reads every file once, so both scanners meet a warm page cache. */
function warmCache(): void {
  must('sh', ['-c', `find "${tree}" -type f -print0 | xargs -0 cat > /dev/null`]);
}

interface ScanTimes { firstS: number; rescanS: number; firstCpuS: number; rescanCpuS: number }

/** CPU seconds (user + system, every thread) of this process so far. */
function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * The scanner as the product runs it: compiled (dist/, which `npm run build` brings up to date
 * before the runs), not the sources through tsx, whose loader costs the tag thread ~0.15 s of CPU
 * to start. AURIS_BENCH_SOURCES=1 times the sources instead.
 */
const sources = process.env.AURIS_BENCH_SOURCES === '1';
const { LibraryService } = (await import(sources
  ? '../src/core/library.ts'
  : pathToFileURL(path.join(import.meta.dirname, '..', 'dist', 'src', 'core', 'library.js')).href)) as typeof LibraryModule;

async function auris(): Promise<ScanTimes & { files: number }> {
  const dataDir = path.join(data, 'auris');
  rmSync(dataDir, { recursive: true, force: true });
  const service = new LibraryService({ dataDir });
  try {
    await service.addRoot(tree);
    const [c0, t0] = [ownCpu(), performance.now()];
    const [first] = await service.scan();
    const [c1, t1] = [ownCpu(), performance.now()];
    const [again] = await service.scan();
    const [c2, t2] = [ownCpu(), performance.now()];
    if (first!.added !== FILES || again!.unchanged !== FILES) throw new Error(`counts: ${JSON.stringify([first, again])}`);
    return { firstS: (t1 - t0) / 1000, rescanS: (t2 - t1) / 1000, firstCpuS: c1 - c0, rescanCpuS: c2 - c1, files: service.library.stats().songs };
  } finally {
    await service.close();
  }
}

/** Waits until MPD's status has no `updating_db` line. */
async function mpdIdle(socketPath: string): Promise<void> {
  for (;;) {
    const s = await mpdCommand(socketPath, 'status');
    if (!s.includes('updating_db:')) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * MPD's first update of the tree (`rescan`, which re-reads every file, after an unmeasured first
 * update built the database) and an `update` with nothing changed, timed from the command to the
 * end of the update (polled every 5 ms).
 */
async function mpd(): Promise<ScanTimes & { songs: number }> {
  const dir = path.join(data, 'mpd');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const socketPath = path.join(dir, 'socket');
  writeFileSync(path.join(dir, 'mpd.conf'), [
    `music_directory "${tree}"`, `db_file "${dir}/db"`, `log_file "${dir}/log"`, `bind_to_address "${socketPath}"`,
    'zeroconf_enabled "no"', 'audio_output {', '  type "null"', '  name "none"', '}', '',
  ].join('\n'));
  const child = spawn('mpd', ['--no-daemon', '--stderr', path.join(dir, 'mpd.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  try {
    for (let i = 0; !existsSync(socketPath); i++) {
      if (i > 400 || child.exitCode !== null) throw new Error(`MPD did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    await mpdCommand(socketPath, 'update');
    await mpdIdle(socketPath);
    const pid = child.pid!;
    const [c0, t0] = [procCpu(pid), performance.now()];
    await mpdCommand(socketPath, 'rescan');
    await mpdIdle(socketPath);
    const [c1, t1] = [procCpu(pid), performance.now()];
    await mpdCommand(socketPath, 'update');
    await mpdIdle(socketPath);
    const [c2, t2] = [procCpu(pid), performance.now()];
    const stats = await mpdCommand(socketPath, 'stats');
    const songs = Number(/songs: (\d+)/.exec(stats)?.[1] ?? 0);
    return { firstS: (t1 - t0) / 1000, rescanS: (t2 - t1) / 1000, firstCpuS: c1 - c0, rescanCpuS: c2 - c1, songs };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Search latency over 500 queries as people type them: 1-3 words, the last one a 2-5 letter prefix. */
function searchBench(dataDir: string): { p50: number; p95: number; max: number; pageP95: number; rssMiB: number; dbMiB: number } {
  const lib = openLibrary({ dataDir });
  const rand = prng(3);
  const vocabulary = (lib.db.prepare('SELECT title FROM tracks WHERE id % 97 = 0').all() as { title: string }[]).flatMap((r) => r.title.split(' '));
  const queries = Array.from({ length: 500 }, () => {
    const n = 1 + Math.floor(rand() * 3);
    const ws = Array.from({ length: n }, () => vocabulary[Math.floor(rand() * vocabulary.length)]!.toLowerCase());
    const lastLen = 2 + Math.floor(rand() * 4);
    ws[n - 1] = ws[n - 1]!.slice(0, lastLen);
    return ws.join(' ');
  });
  for (const q of queries.slice(0, 50)) lib.search(q, { limit: 50 }); // warm-up
  const times: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    lib.search(q, { limit: 50 });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  // Paging the album grid (50 per page, sorted by artist) at random offsets.
  const pages: number[] = [];
  const albums = lib.albums({ limit: 1 }).total;
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    lib.albums({ offset: Math.floor(rand() * (albums - 50)), limit: 50 });
    pages.push(performance.now() - t0);
  }
  pages.sort((a, b) => a - b);
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  lib.close();
  const dbMiB = readdirSync(dataDir).filter((f) => f.startsWith('library.db')).reduce((s, f) => s + readFileSync(path.join(dataDir, f)).length, 0) / 2 ** 20;
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)!, pageP95: percentile(pages, 95), rssMiB, dbMiB };
}

// `--search DIR`: the search measurements alone, in a fresh process (so its RSS is the database's
// and the queries', not the scans'), printed as JSON for the parent.
if (process.argv[2] === '--search') {
  process.stdout.write(JSON.stringify(searchBench(process.argv[3]!)));
  process.exit(0);
}

for (const tool of ['sox', 'flac', 'mpd']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    process.stdout.write(`## Library (bench/library.bench.ts)\n\nSkipped: ${tool} is not installed.\n`);
    process.exit(0);
  }
}

if (!sources) must('npm', ['--prefix', path.join(import.meta.dirname, '..'), 'run', '--silent', 'build']);
makeTree();
warmCache();
if (process.argv[2] === '--tree') process.exit(0); // `--tree`: make the tree only (for profiling a scan by hand)
const load0 = os.loadavg()[0]!;
const ours: Awaited<ReturnType<typeof auris>>[] = [];
const theirs: Awaited<ReturnType<typeof mpd>>[] = [];
for (let i = 0; i < RUNS; i++) {
  ours.push(await auris());
  process.stderr.write(`bench: auris run ${i + 1}: ${JSON.stringify(ours.at(-1))}\n`);
  theirs.push(await mpd());
  process.stderr.write(`bench: mpd run ${i + 1}: ${JSON.stringify(theirs.at(-1))}\n`);
}
const best = <T>(rs: T[], key: keyof T): number => Math.min(...rs.map((r) => r[key] as number));
const aFirst = best(ours, 'firstS');
const aRescan = best(ours, 'rescanS');
const mFirst = best(theirs, 'firstS');
const mRescan = best(theirs, 'rescanS');
const [aFirstCpu, aRescanCpu, mFirstCpu, mRescanCpu] = [best(ours, 'firstCpuS'), best(ours, 'rescanCpuS'), best(theirs, 'firstCpuS'), best(theirs, 'rescanCpuS')];
const synthetic = makeSyntheticDatabase(path.join(data, 'synthetic'), SYNTHETIC_TRACKS);
const s = JSON.parse(must(process.execPath, ['--import', 'tsx', import.meta.filename, '--search', synthetic]).toString()) as ReturnType<typeof searchBench>;
const load1 = os.loadavg()[0]!;
const f = (x: number, d = 2): string => x.toFixed(d);

process.stdout.write(`## Library (bench/library.bench.ts)

Scan: ${FILES} tagged FLAC files (0.1 s of audio each, 7 Vorbis comments, 100 artists x 10 albums x 10 tracks) on a warm cache.
Auris${sources ? ' (sources under tsx)' : ' (compiled, dist/)'}: \`LibraryService.scan()\` on a fresh database (folder walk and header-only FLAC reader in a worker thread, batched transactions, the search index
built in one pass at the end), timed
in-process. MPD ${/\d+\.\d+\.\d+/.exec(must('mpd', ['--version']).toString())?.[0] ?? ''}: \`rescan\` (re-reads every file; an unmeasured \`update\` built its database first) and \`update\`
with nothing changed, timed from the command until \`status\` shows no \`updating_db\`. CPU = user + system seconds of every thread of
the scanning process over the same span. Best of ${RUNS}. Load average (1 min) at start ${f(load0)}, at end ${f(load1)}.

| | Auris wall | MPD wall | Auris files/s | MPD files/s | **MPD / Auris, wall** | Auris CPU | MPD CPU | **MPD / Auris, CPU** |
|---|---|---|---|---|---|---|---|---|
| first scan, ${FILES} files | ${f(aFirst)} s | ${f(mFirst)} s | ${f(FILES / aFirst, 0)} | ${f(FILES / mFirst, 0)} | **${f(mFirst / aFirst)}** | ${f(aFirstCpu)} s | ${f(mFirstCpu)} s | **${f(mFirstCpu / aFirstCpu)}** |
| rescan, nothing changed | ${f(aRescan)} s | ${f(mRescan)} s | ${f(FILES / aRescan, 0)} | ${f(FILES / mRescan, 0)} | **${f(mRescan / aRescan)}** | ${f(aRescanCpu)} s | ${f(mRescanCpu)} s | **${f(mRescanCpu / aRescanCpu)}** |

Goals: first scan at least MPD's speed (ratio >= 1, moonshot 2); rescan of 10,000 files under 1 s.

Search: ${SYNTHETIC_TRACKS.toLocaleString('en')} synthetic tracks (10,000 albums, made-up words with accents; database ${f(s.dbMiB, 0)} MiB with WAL), 500 queries as people
type them (1-3 words, the last one a 2-5 letter prefix), first 50 results ranked by BM25, after 50 warm-up queries:
p50 **${f(s.p50)} ms**, p95 **${f(s.p95)} ms**, max ${f(s.max)} ms (goal p95 <= 20 ms). A page of 50 albums at a random offset, sorted by
artist: p95 ${f(s.pageP95)} ms. RSS of a fresh Node process with that database open, after the queries: ${f(s.rssMiB, 0)} MiB (Node alone: ~40 MiB).
`);
