// Wine for the WASAPI tests: a prefix whose audio driver is winealsa with one output device, the
// ALSA `file` PCM `auriscap` (test/wine/asoundrc) that records every byte to AURIS_WINE_CAPTURE;
// the JavaScript Windows node.exe runs (the compiled CLI in dist/, or an esbuild bundle of a test
// script); and running it.
//
// `npm run wine -- <auris arguments>` runs any auris command under Windows node.exe in that prefix,
// e.g. `AURIS_WINE_CAPTURE=/tmp/out.raw npm run wine -- play song.flac --output wasapi:`.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { buildWindowsAddon } from './build.ts';
import { CACHE, ROOT, WINE_ALSA_DEVICE, WINE_ASOUNDRC, newestMtime, nodeExe, runTool, withLock } from './toolchain.ts';

export const WINE_PREFIX = path.join(CACHE, 'prefix');
const READY = path.join(WINE_PREFIX, '.auris-ready');
/** Bump when the prefix setup changes: an older prefix is then rebuilt. */
const PREFIX_SETUP = 'winealsa-auriscap-win10-v1';

/** The environment of every Wine process: our prefix, quiet, no Mono/Gecko prompts, our ALSA config. */
export function wineEnv(capture?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WINEPREFIX: WINE_PREFIX,
    WINEARCH: 'win64',
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    ALSA_CONFIG_PATH: `/usr/share/alsa/alsa.conf:${WINE_ASOUNDRC}`,
  };
  delete env.DISPLAY; // no window is ever needed; winealsa does not use one
  if (capture !== undefined) env.AURIS_WINE_CAPTURE = capture;
  return env;
}

/**
 * Creates the prefix once per machine (about 15 s): wineboot, winealsa as the audio driver with
 * `auriscap` as its only output device, Windows 10 as the reported version (Node 20 refuses
 * anything older than 8.1, and a fresh Debian prefix says Windows 7). Returns the seconds taken,
 * 0 when it already existed.
 */
export function ensurePrefix(): number {
  if (existsSync(READY) && readFileSync(READY, 'utf8') === PREFIX_SETUP) return 0;
  return withLock('prefix', () => {
    if (existsSync(READY) && readFileSync(READY, 'utf8') === PREFIX_SETUP) return 0;
    const t0 = Date.now();
    rmSync(WINE_PREFIX, { recursive: true, force: true });
    mkdirSync(CACHE, { recursive: true });
    const env = wineEnv();
    runTool('wineboot', ['-i'], { env });
    runTool('wineserver', ['-w'], { env });
    runTool('wine', ['reg', 'add', 'HKCU\\Software\\Wine\\Drivers', '/v', 'Audio', '/d', 'alsa', '/f'], { env });
    runTool('wine', ['reg', 'add', 'HKCU\\Software\\Wine\\Drivers\\winealsa.drv', '/v', 'ALSAOutputDevices', '/t', 'REG_MULTI_SZ', '/d', WINE_ALSA_DEVICE, '/f'], { env });
    runTool('wine', ['winecfg', '/v', 'win10'], { env });
    runTool('wineserver', ['-w'], { env });
    writeFileSync(READY, PREFIX_SETUP);
    return (Date.now() - t0) / 1000;
  });
}

/**
 * Bundles a TypeScript entry (with every relative import, npm packages left external) into one
 * ESM file under .cache/win/js/ that Windows node.exe runs; rebuilt when a source is newer.
 * The bundle stays inside the checkout so native/index.ts finds native/ by walking up.
 */
export function bundleForWindows(entry: string, outName: string): string {
  const out = path.join(CACHE, 'js', outName);
  const inputs = newestMtime([path.join(ROOT, 'src'), path.join(ROOT, 'native'), path.join(ROOT, 'test', 'wine')], [entry, import.meta.filename]);
  if (existsSync(out) && newestMtime([], [out]) > inputs) return out;
  buildSync({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20',
    packages: 'external', outfile: out, logLevel: 'error',
    banner: { js: "import { createRequire as __auris_cr } from 'node:module'; const require = __auris_cr(import.meta.url);" },
  });
  return out;
}

export interface WineRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs Windows node.exe on `script` with `args` in the prefix; blocks until it exits. Its stdout and
 * stderr go through files (a pipe gives node.exe "Error: open EBADF" under Wine).
 */
export function runWindowsNode(script: string, args: string[], opts: { capture?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): WineRun {
  const dir = path.join(CACHE, 'runs');
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `${process.pid}-${Date.now()}`);
  const outFd = openSync(`${base}.out`, 'w');
  const errFd = openSync(`${base}.err`, 'w');
  let status: number;
  try {
    const r = spawnSync('wine', [nodeExe(), script, ...args], {
      env: { ...wineEnv(opts.capture), ...opts.env },
      stdio: ['ignore', outFd, errFd],
      timeout: opts.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
    });
    if (r.error) throw new Error(`wine: ${r.error.message}`);
    status = r.status ?? -1;
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
  const stdout = readFileSync(`${base}.out`, 'utf8');
  const stderr = readFileSync(`${base}.err`, 'utf8');
  rmSync(`${base}.out`, { force: true });
  rmSync(`${base}.err`, { force: true });
  return { status, stdout, stderr };
}

/**
 * The compiled CLI (`npm run build`: tsc into dist/), rebuilt when a source is newer. Windows
 * node.exe runs bin/auris.js, which loads dist/ like an installed package does (and so starts the
 * engine and analysis workers from their compiled files).
 */
export function compileDist(): string {
  const main = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
  // Checked and built under the lock: a check while another test's tsc is half-way through would
  // see some new files, run, and find main.js still older than the sources (bin/auris.js's own
  // test), which makes it fall back to tsx, whose esbuild has no Windows binary here.
  withLock('dist', () => {
    const inputs = newestMtime([path.join(ROOT, 'src')], [path.join(ROOT, 'native', 'index.ts'), path.join(ROOT, 'tsconfig.build.json')]);
    if (!existsSync(main) || newestMtime([], [main]) < inputs) {
      runTool(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
    }
  });
  return path.join(ROOT, 'bin', 'auris.js');
}

/** Everything a Wine run needs: the Windows addon, node.exe, the prefix. */
export function prepareWine(): { buildSeconds: number; prefixSeconds: number } {
  const build = buildWindowsAddon();
  nodeExe();
  const prefixSeconds = ensurePrefix();
  return { buildSeconds: build.ms / 1000, prefixSeconds };
}

const isEntry = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isEntry) {
  prepareWine();
  const cli = compileDist();
  const capture = process.env.AURIS_WINE_CAPTURE;
  if (!capture) process.stderr.write('note: AURIS_WINE_CAPTURE is not set; the default WASAPI endpoint writes to /dev/null\n');
  const r = runWindowsNode(cli, process.argv.slice(2), { capture: capture ? path.resolve(capture) : undefined, timeoutMs: 3_600_000 });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.status;
}
