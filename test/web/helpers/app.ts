// The web app under test: a real core and server on loopback serving the built web/dist, a
// generated music library (sox makes the signals, flac encodes and tags them), and Debian's
// Chromium driven by playwright-core. Screenshots go to .cache/screenshots/web (git-ignored).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startCore, type Core } from '../../../src/core/index.ts';
import type { SettingsPatch } from '../../../src/protocol/settings.ts';
import { buildServer } from '../../../src/server/app.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { run } from '../../helpers/tools.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
export const webDist = path.join(repoRoot, 'web', 'dist');
export const screenshotDir = path.join(repoRoot, '.cache', 'screenshots', 'web');
export const CHROMIUM = '/usr/bin/chromium';

/** Builds web/dist when it is missing or older than a file of web/src (npm install builds it too). */
export function ensureWebBuild(): void {
  const index = path.join(webDist, 'index.html');
  const src = path.join(repoRoot, 'web', 'src');
  const newest = Math.max(...readdirSync(src, { recursive: true }).map((f) => statSync(path.join(src, String(f))).mtimeMs));
  if (existsSync(index) && statSync(index).mtimeMs >= newest) return;
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed: ${r.stderr}`);
}

export interface TrackSpec {
  readonly title: string;
  readonly seconds: number;
  /** sox synth arguments after the duration, e.g. ['sine', '440']. */
  readonly synth: readonly string[];
}

export interface AlbumSpec {
  readonly folder: string;
  readonly artist: string;
  readonly album: string;
  readonly date: string;
  readonly rate: number;
  readonly bits: 16 | 24;
  readonly tracks: readonly TrackSpec[];
}

export interface MadeTrack {
  readonly path: string;
  /** The decoded samples as flac writes them raw: signed little-endian in bits/8 bytes, interleaved. */
  readonly raw: Buffer;
}

/** Writes each album as FLAC files in `root/<folder>/NN - Title.flac`, tagged; returns the files and their raw samples. */
export function makeLibrary(root: string, albums: readonly AlbumSpec[]): Map<string, MadeTrack[]> {
  const made = new Map<string, MadeTrack[]>();
  for (const a of albums) {
    const dir = path.join(root, a.folder);
    mkdirSync(dir, { recursive: true });
    const list: MadeTrack[] = [];
    a.tracks.forEach((t, i) => {
      const n = String(i + 1).padStart(2, '0');
      const wav = path.join(dir, `${n}.wav`);
      const flac = path.join(dir, `${n} - ${t.title}.flac`);
      // -R: sox's repeatable random (dither, noise), so a run makes the same bytes.
      run('sox', ['-R', '-n', '-r', String(a.rate), '-b', String(a.bits), '-c', '2', wav, 'synth', String(t.seconds), ...t.synth, 'vol', '0.5']);
      run('flac', ['-s', '-f', '-5', '-o', flac,
        `--tag=TITLE=${t.title}`, `--tag=ARTIST=${a.artist}`, `--tag=ALBUMARTIST=${a.artist}`, `--tag=ALBUM=${a.album}`,
        `--tag=DATE=${a.date}`, `--tag=TRACKNUMBER=${i + 1}`, `--tag=GENRE=Test`, wav]);
      spawnSync('rm', ['-f', wav]);
      const raw = run('flac', ['-s', '-d', '-c', '--force-raw-format', '--endian=little', '--sign=signed', flac]);
      list.push({ path: flac, raw });
    });
    made.set(a.folder, list);
  }
  return made;
}

export { wavData } from '../../helpers/containers.ts';

export interface RunningApp {
  readonly core: Core;
  readonly url: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** A core (engine in-process, its own settings file and library database) and the server with the built app, on a free loopback port. */
export async function startApp(settings: SettingsPatch): Promise<RunningApp> {
  ensureWebBuild();
  const dataDir = tempDir('auris-web-');
  const core = await startCore({
    dataDir, settingsFile: path.join(dataDir, 'settings.json'), settings, engine: 'in-process', library: true,
  });
  const server = await buildServer(core, { webRoot: webDist });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const addr = server.server.address();
  if (!addr || typeof addr === 'string') throw new Error('server has no port');
  return {
    core,
    dataDir,
    url: `http://127.0.0.1:${addr.port}/`,
    async close() {
      await server.close();
      await core.close();
    },
  };
}

export interface Browser {
  readonly context: BrowserContext;
  /** A new page at `url` (a hash route is fine); page errors and console errors are collected in `errors`. */
  open(url: string, viewport?: { width: number; height: number }): Promise<Page>;
  readonly errors: string[];
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile folder. */
export async function launchBrowser(): Promise<Browser> {
  const context = await chromium.launchPersistentContext(tempDir('auris-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox'],
    viewport: { width: 1280, height: 860 },
  });
  const errors: string[] = [];
  return {
    context,
    errors,
    async open(url, viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      // A failed request is recorded with its address (the console's own line for it has none).
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`http ${r.status()} ${r.request().method()} ${r.url()}`);
      });
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
      });
      await page.goto(url);
      return page;
    },
    close: () => context.close(),
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
}

/** Calls the server's API as a script would (test setup), failing on an error answer. */
export async function apiCall<T = unknown>(app: RunningApp, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(route, app.url), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json', origin: app.url.replace(/\/$/, '') },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}
