// The web app's first load and its library views at 100,000 tracks: bytes transferred (compressed)
// and time until the album grid shows, a jump with the A-Z scrubber, search as you type, and a
// jump to the middle of the grid, in Debian's Chromium (playwright-core) against a real server.
// The library is the synthetic 100,000-track database of bench/synthetic-library.ts (the one the
// library and server benches use); each page load starts from a fresh browser profile.

import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startCore } from '../src/core/index.ts';
import { buildServer } from '../src/server/app.ts';
import { makeSyntheticDatabase } from './synthetic-library.ts';

const RUNS = 5;
const synthetic = path.join(import.meta.dirname, 'data', 'library', 'synthetic');
const webDist = path.join(import.meta.dirname, '..', 'web', 'dist');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * ms from running `startJs` in the page until `readyJs` is true there, by the page's own clock
 * (checked every frame). Page code is given as text: this file is Node code, without DOM types.
 */
async function timed(page: Page, startJs: string, readyJs: string): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const t0 = performance.now();
    ${startJs};
    function poll() { if (${readyJs}) resolve(performance.now() - t0); else requestAnimationFrame(poll); }
    poll();
  })`);
}

/** Cards of the album grid whose box is in view. */
const CARDS_IN_VIEW = `[...document.querySelectorAll('.album-card')].filter((c) => {
  const box = document.querySelector('.vgrid').getBoundingClientRect();
  const r = c.getBoundingClientRect();
  return r.bottom > box.top + 10 && r.top < box.bottom;
})`;

if (!existsSync(path.join(webDist, 'index.html'))) {
  process.stdout.write(`## Web app (bench/web.bench.ts)

Not run: it needs the built app (\`npm run build:web\`, which \`npm install\` runs).
`);
  process.exit(0);
}
makeSyntheticDatabase(synthetic, 100_000);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'auris-webbench-'));
copyFileSync(path.join(synthetic, 'library.db'), path.join(dataDir, 'library.db'));
const core = await startCore({ dataDir, settings: { output: { name: 'null:unpaced', mode: 'exclusive' } }, engine: 'in-process', library: true });
const server = await buildServer(core, { webRoot: webDist });
await server.listen({ host: '127.0.0.1', port: 0 });
const addr = server.server.address();
const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
const stats = core.library!.library.stats();

const loads: { bytes: number; files: number; gridMs: number }[] = [];
const jumps: { scrubberMs: number; middleMs: number; searchMs: number; cards: number }[] = [];
for (let run = 0; run < RUNS; run++) {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'auris-webbench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'], viewport: { width: 1280, height: 860 } });
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(`${url}#/library/albums`);
  await page.waitForSelector('.album-card[data-album-id]');
  const gridMs = await page.evaluate('performance.now()') as number;
  const transfer = await page.evaluate(`(() => {
    const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
    const app = entries.filter((e) => !e.name.includes('/api/'));
    return { bytes: app.reduce((s, e) => s + e.encodedBodySize, 0), files: app.length };
  })()`) as { bytes: number; files: number };
  loads.push({ gridMs, ...transfer });
  // WEB_BENCH_DEBUG=1: each request's start and end, to see what the first load waits for.
  if (process.env.WEB_BENCH_DEBUG) process.stderr.write(String(await page.evaluate(`performance.getEntriesByType('resource').map((e) => e.name.split('/').slice(3).join('/') + ' ' + Math.round(e.startTime) + '-' + Math.round(e.responseEnd)).join('\\n') + '\\nDCL ' + Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd)`)) + '\n');

  // A-Z scrubber: from the click on M until the row holding M's first album is in view.
  const scrubberMs = await timed(page, "[...document.querySelectorAll('.scrubber button')].find((b) => b.textContent === 'M').click()",
    `(${CARDS_IN_VIEW}).some((c) => (c.querySelector('.album-artist')?.textContent ?? '').toUpperCase().startsWith('M'))`);
  // The middle of the grid: from setting scrollTop until every card in view has its album.
  const middleMs = await timed(page, "const g = document.querySelector('.vgrid'); g.scrollTop = g.scrollHeight / 2",
    `(${CARDS_IN_VIEW}).length > 0 && (${CARDS_IN_VIEW}).every((c) => c.hasAttribute('data-album-id'))`);
  const cards = await page.evaluate("document.querySelectorAll('.album-card').length") as number;
  // Search as you type: from the input event of "ka" until the track list shows.
  const searchMs = await timed(page, "const i = document.getElementById('search'); i.value = 'ka'; i.dispatchEvent(new Event('input', { bubbles: true }))",
    "document.querySelectorAll('[data-testid=search-results] .track-row[data-track-id]').length > 0");
  jumps.push({ scrubberMs, middleMs, searchMs, cards });
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

await server.close();
await core.close();
rmSync(dataDir, { recursive: true, force: true });

const f = (x: number, d = 0): string => x.toFixed(d);
process.stdout.write(`## Web app (bench/web.bench.ts)

The built app (web/dist, served pre-compressed) from \`buildServer\` on loopback, library of ${stats.songs.toLocaleString('en')} tracks in ${stats.albums.toLocaleString('en')} albums
(bench/synthetic-library.ts), Debian Chromium headless at 1280x860, a fresh profile per load (cold cache), median of ${RUNS}.
Times are the page's own clock (performance.now()).

| | median | runs |
|---|---|---|
| first load, bytes transferred (compressed, the app's own files) | **${f(median(loads.map((l) => l.bytes)) / 1024, 1)} kB** in ${loads[0]!.files} files | ${loads.map((l) => l.bytes).join(', ')} B |
| navigation start to the first album cards of the grid | **${f(median(loads.map((l) => l.gridMs)))} ms** | ${loads.map((l) => f(l.gridMs)).join(', ')} |
| A-Z scrubber: click M to M's first album in view (binary search over the sorted list, one album per probe, ~14 probes) | **${f(median(jumps.map((j) => j.scrubberMs)))} ms** | ${jumps.map((j) => f(j.scrubberMs)).join(', ')} |
| jump to the middle of the grid to every card in view filled | **${f(median(jumps.map((j) => j.middleMs)))} ms** | ${jumps.map((j) => f(j.middleMs)).join(', ')} |
| search as you type ("ka") to the first results | **${f(median(jumps.map((j) => j.searchMs)))} ms** (150 ms of it is the typing debounce) | ${jumps.map((j) => f(j.searchMs)).join(', ')} |

Album cards in the page after the jumps: ${jumps[0]!.cards} (the grid renders the rows in view plus 3 above and below, never the library).
`);
