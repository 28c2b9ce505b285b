// `npm run build:win`: cross-builds the device addon for Windows x64 with mingw-w64 into
// native/prebuilds/win32-x64/auris_native.node (the WASAPI backend plus the shared addon code).
// The import library for NODE.EXE comes from node-api-headers' node_api.def (dlltool); libgcc and
// libstdc++ (and winpthread) are linked statically, so the .node needs only system DLLs.
// MSVC builds on Windows go through node-gyp and binding.gyp instead.

import { mkdirSync, existsSync, readdirSync, statSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  CACHE, MINGW_CXX, MINGW_DLLTOOL, NODE_API_HEADERS_VERSION, ROOT, WIN_ADDON,
  newestMtime, npmPackage, runTool, withLock,
} from './toolchain.ts';

const NATIVE_SRC = path.join(ROOT, 'native', 'src');

/** Translation units of the Windows addon: the shared ones in native/src/ and the WASAPI backend. */
function sources(): string[] {
  const top = readdirSync(NATIVE_SRC).filter((f) => f.endsWith('.cc')).map((f) => path.join(NATIVE_SRC, f));
  const wasapi = readdirSync(path.join(NATIVE_SRC, 'wasapi')).filter((f) => f.endsWith('.cc')).map((f) => path.join(NATIVE_SRC, 'wasapi', f));
  return [...top, ...wasapi];
}

function nodeAddonApiDir(): string {
  const req = createRequire(path.join(ROOT, 'package.json'));
  return path.dirname(req.resolve('node-addon-api/package.json'));
}

/** The import library that binds napi_* to NODE.EXE, generated once from node_api.def. */
function importLibrary(headers: string): string {
  const lib = path.join(CACHE, `libnode_api-${NODE_API_HEADERS_VERSION}.a`);
  if (!existsSync(lib)) {
    const tmp = `${lib}.${process.pid}.tmp`;
    runTool(MINGW_DLLTOOL, ['-d', path.join(headers, 'def', 'node_api.def'), '-l', tmp]);
    renameSync(tmp, lib);
  }
  return lib;
}

export interface WinBuildResult {
  readonly file: string;
  /** False when the existing build was newer than every source. */
  readonly built: boolean;
  readonly ms: number;
}

/** Builds the Windows addon unless it is newer than its sources (or `force`). */
export function buildWindowsAddon(force = false): WinBuildResult {
  return withLock('build-win', () => {
    const t0 = Date.now();
    const inputs = newestMtime([NATIVE_SRC], [path.join(ROOT, 'scripts', 'win', 'build.ts')]);
    if (!force && existsSync(WIN_ADDON) && statSync(WIN_ADDON).mtimeMs > inputs) return { file: WIN_ADDON, built: false, ms: 0 };
    const headers = npmPackage('node-api-headers', NODE_API_HEADERS_VERSION);
    const lib = importLibrary(headers);
    mkdirSync(path.dirname(WIN_ADDON), { recursive: true });
    const tmp = `${WIN_ADDON}.${process.pid}.tmp`;
    runTool(MINGW_CXX, [
      '-std=c++17', '-O2', '-shared', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Wno-cast-function-type',
      '-DNAPI_VERSION=8', '-DNODE_ADDON_API_DISABLE_DEPRECATED', '-DNAPI_CPP_EXCEPTIONS', '-DAURIS_HAVE_WASAPI=1',
      '-DNOMINMAX', '-D_WIN32_WINNT=0x0A00',
      `-I${path.join(headers, 'include')}`, `-I${nodeAddonApiDir()}`, `-I${NATIVE_SRC}`,
      ...sources(),
      '-o', tmp,
      lib, '-lole32', '-loleaut32', '-lavrt', '-luuid',
      '-static', '-static-libgcc', '-static-libstdc++',
    ]);
    renameSync(tmp, WIN_ADDON);
    return { file: WIN_ADDON, built: true, ms: Date.now() - t0 };
  });
}

const isEntry = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isEntry) {
  const r = buildWindowsAddon(process.argv.includes('--force'));
  process.stdout.write(r.built ? `built ${path.relative(ROOT, r.file)} in ${(r.ms / 1000).toFixed(1)} s\n` : `${path.relative(ROOT, r.file)} is up to date\n`);
}
