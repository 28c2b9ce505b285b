// ALSA test devices without a sound card: the project's asoundrc (test/alsa/asoundrc) with a
// capture folder per test process, and the test plugin fakedac built on demand. Import this
// module before anything opens ALSA: alsa-lib reads ALSA_CONFIG_PATH once per process.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { addonStatus, backendStatus } from '../../native/index.ts';
import { tempDir } from './tmp.ts';
import { hasTool, toolsRequired } from './tools.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const captureDir = tempDir('auris-alsa-');
const fakedacSource = path.join(repoRoot, 'test', 'alsa', 'fakedac.c');
const fakedacCache = path.join(repoRoot, '.cache', 'alsa-plugins');
export const fakedacLib = path.join(fakedacCache, 'libasound_module_pcm_fakedac.so');

process.env.ALSA_CONFIG_PATH = `/usr/share/alsa/alsa.conf:${path.join(repoRoot, 'test', 'alsa', 'asoundrc')}`;
process.env.AURIS_CAPTURE_DIR = captureDir;
process.env.AURIS_FAKEDAC_LIB = fakedacLib;

function skipOrFail(t: TestContext, why: string): false {
  if (toolsRequired) throw new Error(`AURIS_REQUIRE_TOOLS=1 and ${why}`);
  t.skip(why);
  return false;
}

/** True when the addon and its ALSA backend work here; otherwise skips (locally) or fails (CI). */
export function needAlsa(t: TestContext): boolean {
  const a = addonStatus();
  if (!a.loaded) return skipOrFail(t, `needs the native addon (${a.reason})`);
  const s = backendStatus('alsa');
  if (!s.available) return skipOrFail(t, `needs libasound (${s.reason})`);
  return true;
}

/**
 * Builds test/alsa/fakedac.c into .cache/alsa-plugins (git-ignored) when the source is newer than
 * the library. Needs gcc and the ALSA headers (libasound2-dev); skips or fails like needTools.
 */
export function needFakeDac(t: TestContext): boolean {
  if (!needAlsa(t)) return false;
  if (existsSync(fakedacLib) && statSync(fakedacLib).mtimeMs >= statSync(fakedacSource).mtimeMs) return true;
  if (!hasTool('gcc')) return skipOrFail(t, 'needs gcc to build the fakedac test plugin (install: see .ci/run)');
  if (!existsSync('/usr/include/alsa/pcm_ioplug.h')) return skipOrFail(t, 'needs libasound2-dev to build the fakedac test plugin (install: see .ci/run)');
  mkdirSync(fakedacCache, { recursive: true });
  const tmp = `${fakedacLib}.${process.pid}.tmp`;
  const r = spawnSync('gcc', ['-O2', '-Wall', '-shared', '-fPIC', '-DPIC', '-o', tmp, fakedacSource, '-lasound'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building fakedac failed: ${r.stderr}`);
  // Atomic rename: test files running in parallel never load a half-written library.
  spawnSync('mv', ['-f', tmp, fakedacLib]);
  return true;
}

/** Bytes captured by the `captest` PCM for one stream. */
export function readCapture(rate: number, channels: number, container: string): Buffer {
  return readFileSync(path.join(captureDir, `cap-${rate}-${channels}-${container}.raw`));
}

/** Deterministic pseudo-random bytes (LCG), the same for the same seed. */
export function lcgInts(n: number, bits: number, seed = 1): Int32Array {
  const out = new Int32Array(n);
  let s = seed >>> 0;
  const shift = 32 - bits;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s | 0) >> shift;
  }
  return out;
}
