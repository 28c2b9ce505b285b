// ALSA test devices without a sound card: the project's asoundrc (test/alsa/asoundrc) with a
// capture folder per test process, and the test plugins built on demand: fakedac (a PCM that acts
// like a DAC) and fakemixer (a control device with hardware volume). Import this module before
// anything opens ALSA: alsa-lib reads ALSA_CONFIG_PATH once per process.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { addonStatus, backendStatus } from '../../native/index.ts';
import { tempDir } from './tmp.ts';
import { hasTool, toolsRequired } from './tools.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const captureDir = tempDir('auris-alsa-');
const pluginCache = path.join(repoRoot, '.cache', 'alsa-plugins');
export const fakedacLib = path.join(pluginCache, 'libasound_module_pcm_fakedac.so');
export const fakemixerLib = path.join(pluginCache, 'libasound_module_ctl_fakemixer.so');

process.env.ALSA_CONFIG_PATH = `/usr/share/alsa/alsa.conf:${path.join(repoRoot, 'test', 'alsa', 'asoundrc')}`;
process.env.AURIS_CAPTURE_DIR = captureDir;
process.env.AURIS_FAKEDAC_LIB = fakedacLib;
process.env.AURIS_FAKEMIXER_LIB = fakemixerLib;

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
 * Builds test/alsa/<source> into `lib` under .cache/alsa-plugins (git-ignored) when the source is
 * newer than the library. Needs gcc and the ALSA headers (libasound2-dev); skips or fails like
 * needTools.
 */
function needPlugin(t: TestContext, source: string, lib: string, header: string): boolean {
  const src = path.join(repoRoot, 'test', 'alsa', source);
  if (existsSync(lib) && statSync(lib).mtimeMs >= statSync(src).mtimeMs) return true;
  const what = `the ${path.basename(source, '.c')} test plugin`;
  if (!hasTool('gcc')) return skipOrFail(t, `needs gcc to build ${what} (install: see .ci/run)`);
  if (!existsSync(`/usr/include/alsa/${header}`)) return skipOrFail(t, `needs libasound2-dev to build ${what} (install: see .ci/run)`);
  mkdirSync(pluginCache, { recursive: true });
  const tmp = `${lib}.${process.pid}.tmp`;
  const r = spawnSync('gcc', ['-O2', '-Wall', '-shared', '-fPIC', '-DPIC', '-o', tmp, src, '-lasound'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building ${what} failed: ${r.stderr}`);
  // Atomic rename: test files running in parallel never load a half-written library.
  spawnSync('mv', ['-f', tmp, lib]);
  return true;
}

/** The addon with ALSA, and the fakedac PCM plugin built (test/alsa/fakedac.c). */
export function needFakeDac(t: TestContext): boolean {
  return needAlsa(t) && needPlugin(t, 'fakedac.c', fakedacLib, 'pcm_ioplug.h');
}

/** needFakeDac, plus the fakemixer control plugin (test/alsa/fakemixer.c) behind ctl.dacvol and ctl.mix*. */
export function needFakeMixer(t: TestContext): boolean {
  return needFakeDac(t) && needPlugin(t, 'fakemixer.c', fakemixerLib, 'control_external.h');
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

/** One element of a fakemixer control device as its state file holds it (raw steps; switch 1 = on). */
export interface MixerElementState {
  readonly volume: number[];
  readonly on: number[];
}

/** The state file of the fakemixer control device `ctl` (ctl.dacvol -> dacvol.state), by element name. */
export function readMixerState(ctl: string): Map<string, MixerElementState> {
  const out = new Map<string, MixerElementState>();
  for (const line of readFileSync(path.join(captureDir, `${ctl}.state`), 'utf8').split('\n')) {
    const m = /^(\S+) vol ([\d ]+) sw ([\d ]+)$/.exec(line);
    if (m) out.set(m[1]!, { volume: m[2]!.split(' ').map(Number), on: m[3]!.split(' ').map(Number) });
  }
  return out;
}

/** Rewrites the state of one element, as another program moving the device's slider would. */
export function writeMixerState(ctl: string, element: string, state: MixerElementState): void {
  const all = readMixerState(ctl);
  all.set(element, state);
  const text = [...all].map(([name, s]) => `${name} vol ${s.volume.join(' ')} sw ${s.on.join(' ')}\n`).join('');
  writeFileSync(path.join(captureDir, `${ctl}.state`), text);
}

/** One line of a fakedac's log (see test/alsa/fakedac.c): what it played, received and dropped. */
export interface FakeDacEvent {
  readonly kind: 'open' | 'xrun' | 'unplug' | 'close';
  /** Frames played since that open. */
  readonly played: number;
  /** xrun, unplug: frames received and never played. */
  readonly dropped: number;
  /** close: frames received since that open. */
  readonly received: number;
}

/** The fakedac `pcm`'s log since the last resetFakeDac: every open, xrun, unplug and close. */
export function fakeDacLog(pcm: string): FakeDacEvent[] {
  const file = path.join(captureDir, `${pcm}.raw.log`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => {
    const [kind, ...fields] = line.split(' ');
    const get = (k: string) => Number(fields.find((f) => f.startsWith(`${k}=`))?.slice(k.length + 1) ?? 0);
    return { kind: kind as FakeDacEvent['kind'], played: get('played'), dropped: get('dropped'), received: get('received') };
  });
}

/** The bytes the fakedac `pcm` actually played (not only received) since the last resetFakeDac, over every open. */
export function fakeDacPlayed(pcm: string): Buffer {
  const file = path.join(captureDir, `${pcm}.raw.played`);
  return existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
}

/** Forgets what the fakedac `pcm` played and logged, and plugs it back in. */
export function resetFakeDac(pcm: string): void {
  for (const ext of ['.played', '.log', '.unplugged']) rmSync(path.join(captureDir, `${pcm}.raw${ext}`), { force: true });
}
