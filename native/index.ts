// The only door to the native device addon (only src/outputs imports this file).
//
// Contract: JS validates every argument here before it crosses into C++; native code trusts its
// input, and every failure comes back as an Error carrying { code, osError }, which this file turns
// into an AurisError. Loading is lazy and never throws: without the compiled addon (or without
// libasound for ALSA) the backends report themselves unavailable and the pure-JS outputs still work.
//
// Threads: each open stream has its own native device thread that copies bytes from a lock-free
// SPSC ring to the device; write() only copies into that ring and never blocks. Events (underrun,
// drained, device-lost, error) arrive on the JS thread through a non-blocking thread-safe function.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AurisError, type ErrorCode } from '../src/util/errors.ts';

/** OS audio APIs the addon can contain. */
export type NativeBackendName = 'alsa' | 'wasapi';
export type NativeMode = 'exclusive' | 'shared';
/** Device containers as ALSA names them (WASAPI maps them onto WAVEFORMATEXTENSIBLE). */
export type NativeContainer =
  | 'S8' | 'S16_LE' | 'S24_3LE' | 'S24_LE' | 'S32_LE' | 'FLOAT_LE' | 'FLOAT64_LE'
  | 'DSD_U8' | 'DSD_U16_LE' | 'DSD_U16_BE' | 'DSD_U32_LE' | 'DSD_U32_BE';
export const NATIVE_CONTAINERS: readonly NativeContainer[] = [
  'S8', 'S16_LE', 'S24_3LE', 'S24_LE', 'S32_LE', 'FLOAT_LE', 'FLOAT64_LE',
  'DSD_U8', 'DSD_U16_LE', 'DSD_U16_BE', 'DSD_U32_LE', 'DSD_U32_BE',
];

export interface NativeBackendStatus {
  readonly name: NativeBackendName;
  readonly available: boolean;
  /** Why it is unavailable ("libasound.so.2 is not installed ..."); empty when available. */
  readonly reason: string;
}

export interface NativeDevice {
  /** What open/probe take: "hw:CARD=DAC,DEV=0", "default", a PCM name, a WASAPI endpoint id. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly isDefault: boolean;
  /** Exclusive (bit-perfect) access makes sense on this device. */
  readonly exclusive: boolean;
  /** The device is a system mixer (shared, not bit-perfect). */
  readonly shared: boolean;
}

export interface NativeFormatCaps {
  readonly container: NativeContainer;
  /** Significant bits in the container: 0 = all of them; 24 in S32_LE is WASAPI's 24-in-32. */
  readonly validBits: number;
  /** Standard rates 8 kHz..768 kHz the device accepts with this container. */
  readonly rates: readonly number[];
  readonly channelsMin: number;
  readonly channelsMax: number;
}

export interface NativeCapabilities {
  /** Only the containers the device accepts. */
  readonly formats: readonly NativeFormatCaps[];
  readonly rateMin: number;
  readonly rateMax: number;
  /** False when a plugin in the device's chain may change samples (ALSA plug, dmix, rate, a sound server's PCM). */
  readonly keepsSamples: boolean;
}

export interface NativeOpenRequest {
  readonly device: string;
  readonly mode: NativeMode;
  readonly container: NativeContainer;
  readonly rate: number;
  readonly channels: number;
  /** Valid bits of the samples in the container (24 for 24-in-32). */
  readonly validBits: number;
  /** Device buffer and period wanted, in microseconds (the driver rounds). */
  readonly bufferUs: number;
  readonly periodUs: number;
  /** Ring size between JS and the device thread, in milliseconds (at least twice the device buffer). */
  readonly ringMs: number;
  /** Backend-specific option: WASAPI "event" | "push"; ignored by ALSA. */
  readonly strategy?: string;
}

/** What the driver accepted, read back after configuring it. */
export interface NativeNegotiated {
  readonly container: NativeContainer;
  /** Significant bits the driver took in the container (0 = all; WASAPI 24-in-32: S32_LE with 24). */
  readonly validBits: number;
  readonly rate: number;
  readonly channels: number;
  readonly bufferFrames: number;
  readonly periodFrames: number;
  readonly canPause: boolean;
  /** False when a system mixer or converting plugin sits between Auris and the DAC. */
  readonly bitPerfect: boolean;
  /** The system mixer's rate in shared mode when known, else 0. */
  readonly mixerRate: number;
  readonly detail: string;
  /** How the stream is driven when the backend has a choice (WASAPI: event | push | shared), else ''. */
  readonly strategy: string;
  /** Why the preferred strategy was not used (WASAPI: the driver refused event-driven exclusive), else ''. */
  readonly fallbackReason: string;
}

export type NativeEventKind = 'underrun' | 'drained' | 'device-lost' | 'error' | 'frames-lost' | 'dropped';
/**
 * value: underrun count so far; the OS error (-errno, HRESULT) for device-lost/error; for
 * frames-lost, frames the device dropped unplayed at an xrun that could not be sent again
 * (the device did not say where it stopped).
 */
export type NativeEventListener = (kind: NativeEventKind, value: number) => void;

export interface NativeStats {
  readonly underruns: number;
  readonly lost: boolean;
  readonly failed: boolean;
  /** Frames sent to the device since open (frames sent again after an xrun count once). */
  readonly sentFrames: number;
  /** Frames the device has played since open: sent less what it still holds; frozen where it stopped at a loss. */
  readonly playedFrames: number;
  /** Frames dropped unplayed at xruns and never sent again (see the frames-lost event). */
  readonly framesLost: number;
  readonly ringFrames: number;
  readonly closed: boolean;
}

/** One open stream. Every method runs on the JS thread and returns at once. */
export interface NativeStream {
  negotiated(): NativeNegotiated;
  /** Copies the whole frames that fit into the ring; returns frames accepted (0 when full). Throws E_DEVICE_LOST once the device is gone. */
  write(bytes: Uint8Array): number;
  /** Frames waiting in the ring. */
  queuedFrames(): number;
  /** Frames queued ahead of what is heard now (ring + device buffer). */
  delay(): number;
  /** Asks the device thread to play out everything queued; a 'drained' event follows. */
  drain(): void;
  /**
   * Asks the device thread to drop what the ring and the device hold, keeping the stream open; a
   * 'dropped' event follows, and nothing may be written before it. False (and nothing asked) when
   * the backend cannot (WASAPI): close and open again instead.
   */
  drop(): boolean;
  pause(on: boolean): void;
  /** Stops at once (queued audio is dropped), joins the device thread, closes the device. Idempotent. */
  close(): void;
  stats(): NativeStats;
}

/** Hardware volume of a device, in dB. */
export interface NativeVolume {
  readonly control: string;
  readonly minDb: number;
  readonly maxDb: number;
  get(): number;
  set(db: number): void;
  close(): void;
}

interface RawAddon {
  abiVersion: number;
  backends(): NativeBackendStatus[];
  listDevices(backend: string): NativeDevice[];
  probe(backend: string, device: string, mode: string): NativeCapabilities;
  openVolume(backend: string, device: string, control: string): NativeVolume | null;
  openStream(backend: string, request: Required<NativeOpenRequest>, onEvent: NativeEventListener): NativeStream;
}

const NATIVE_CODES: Record<string, ErrorCode> = {
  FORMAT_REFUSED: 'E_FORMAT_REFUSED',
  DEVICE_BUSY: 'E_DEVICE_BUSY',
  DEVICE_LOST: 'E_DEVICE_LOST',
  DEVICE: 'E_DEVICE',
  NOT_FOUND: 'E_NOT_FOUND',
  UNAVAILABLE: 'E_DEVICE',
  INVALID: 'E_STATE',
};

/** Turns an error thrown by the addon into an AurisError (details: nativeCode, osError). */
export function toAurisError(e: unknown): AurisError {
  if (e instanceof AurisError) return e;
  const err = e as { code?: unknown; osError?: unknown; message?: unknown };
  const nativeCode = typeof err?.code === 'string' ? err.code : 'DEVICE';
  const code = NATIVE_CODES[nativeCode] ?? 'E_INTERNAL';
  const message = typeof err?.message === 'string' ? err.message : String(e);
  return new AurisError(code, message, { nativeCode, osError: typeof err?.osError === 'number' ? err.osError : 0 }, { cause: e });
}

function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toAurisError(e);
  }
}

const ADDON_FILE = 'auris_native.node';

/** The native/ folder: next to this file in a checkout, or found upwards from a compiled copy. */
function nativeDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'binding.gyp'))) return dir;
    if (existsSync(path.join(dir, 'native', 'binding.gyp'))) return path.join(dir, 'native');
    dir = path.dirname(dir);
  }
  return path.dirname(fileURLToPath(import.meta.url));
}

/** Where the addon is looked for, first match wins. AURIS_NATIVE_ADDON overrides (sanitizer builds, tests). */
export function addonCandidates(): string[] {
  if (process.env.AURIS_NATIVE_ADDON) return [path.resolve(process.env.AURIS_NATIVE_ADDON)];
  const dir = nativeDir();
  return [
    path.join(dir, 'prebuilds', `${process.platform}-${process.arch}`, ADDON_FILE),
    path.join(dir, 'build', 'Release', ADDON_FILE),
    path.join(dir, 'build', 'Debug', ADDON_FILE),
  ];
}

let loaded: { addon: RawAddon | null; reason: string } | null = null;

function load(): { addon: RawAddon | null; reason: string } {
  if (loaded) return loaded;
  const req = createRequire(import.meta.url);
  const candidates = addonCandidates();
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    loaded = { addon: null, reason: `the native addon is not built (looked for ${candidates.join(', ')}; run npm install)` };
    return loaded;
  }
  try {
    const addon = req(file) as RawAddon;
    loaded = addon.abiVersion === 1
      ? { addon, reason: '' }
      : { addon: null, reason: `${file} speaks addon ABI ${addon.abiVersion}, this Auris needs 1 (rebuild with npm install)` };
  } catch (e) {
    loaded = { addon: null, reason: `${file} failed to load: ${(e as Error).message}` };
  }
  return loaded;
}

/** Whether the addon loaded, and why not. */
export function addonStatus(): { loaded: boolean; reason: string } {
  const l = load();
  return { loaded: l.addon !== null, reason: l.reason };
}

function addon(): RawAddon {
  const l = load();
  if (!l.addon) throw new AurisError('E_DEVICE', l.reason, { nativeCode: 'UNAVAILABLE' });
  return l.addon;
}

/** Backends built into the addon and whether their OS library is present. Empty without the addon. */
export function backends(): NativeBackendStatus[] {
  const l = load();
  return l.addon ? call(() => l.addon!.backends()) : [];
}

/** Availability of one backend, with the reason when it is not. */
export function backendStatus(name: NativeBackendName): NativeBackendStatus {
  const l = load();
  if (!l.addon) return { name, available: false, reason: l.reason };
  return backends().find((b) => b.name === name) ?? { name, available: false, reason: `this build of the addon has no ${name} backend` };
}

function checkBackend(name: NativeBackendName): void {
  if (name !== 'alsa' && name !== 'wasapi') throw new AurisError('E_INVALID_ARGUMENT', `unknown backend ${String(name)}`);
  const s = backendStatus(name);
  if (!s.available) throw new AurisError('E_DEVICE', `${name} is unavailable: ${s.reason}`, { nativeCode: 'UNAVAILABLE' });
}

function checkDevice(device: string): void {
  if (typeof device !== 'string' || device.length === 0 || device.length > 1024 || device.includes('\0')) {
    throw new AurisError('E_INVALID_ARGUMENT', `invalid device name ${JSON.stringify(device)}`);
  }
}

function checkMode(mode: NativeMode): void {
  if (mode !== 'exclusive' && mode !== 'shared') throw new AurisError('E_INVALID_ARGUMENT', `mode must be exclusive or shared, not ${String(mode)}`);
}

/** Devices of one backend (throws E_DEVICE when the backend is unavailable). */
export function listDevices(backend: NativeBackendName): NativeDevice[] {
  checkBackend(backend);
  return call(() => addon().listDevices(backend));
}

/** Formats x rates x channels the device accepts in `mode`, read from the driver. Opens the device briefly. */
export function probe(backend: NativeBackendName, device: string, mode: NativeMode): NativeCapabilities {
  checkBackend(backend);
  checkDevice(device);
  checkMode(mode);
  return call(() => addon().probe(backend, device, mode));
}

/** The device's hardware volume, or null when it has none. `control` '' picks the usual one. */
export function openVolume(backend: NativeBackendName, device: string, control = ''): NativeVolume | null {
  checkBackend(backend);
  checkDevice(device);
  if (typeof control !== 'string' || control.length > 256) throw new AurisError('E_INVALID_ARGUMENT', 'invalid mixer control name');
  const v = call(() => addon().openVolume(backend, device, control));
  if (!v) return null;
  return {
    control: v.control,
    minDb: v.minDb,
    maxDb: v.maxDb,
    get: () => call(() => v.get()),
    set: (db: number) => {
      if (!Number.isFinite(db)) throw new AurisError('E_INVALID_ARGUMENT', `volume must be a finite number of dB, not ${db}`);
      call(() => v.set(db));
    },
    close: () => v.close(),
  };
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new AurisError('E_INVALID_ARGUMENT', `${name} must be an integer in ${min}..${max}, not ${v}`);
}

/**
 * Opens a stream exactly as asked (no silent conversion) and starts its device thread. Throws
 * E_FORMAT_REFUSED, E_DEVICE_BUSY, E_NOT_FOUND or E_DEVICE. `onEvent` runs on the JS thread.
 */
export function openStream(backend: NativeBackendName, request: NativeOpenRequest, onEvent: NativeEventListener): NativeStream {
  checkBackend(backend);
  checkDevice(request.device);
  checkMode(request.mode);
  if (!NATIVE_CONTAINERS.includes(request.container)) throw new AurisError('E_INVALID_ARGUMENT', `unknown container ${String(request.container)}`);
  checkInt('rate', request.rate, 1000, 50_000_000);
  checkInt('channels', request.channels, 1, 64);
  checkInt('validBits', request.validBits, 1, 64);
  checkInt('bufferUs', request.bufferUs, 1000, 10_000_000);
  checkInt('periodUs', request.periodUs, 250, request.bufferUs);
  checkInt('ringMs', request.ringMs, 10, 60_000);
  if (typeof onEvent !== 'function') throw new AurisError('E_INVALID_ARGUMENT', 'onEvent must be a function');
  const strategy = request.strategy ?? '';
  if (typeof strategy !== 'string' || strategy.length > 32) throw new AurisError('E_INVALID_ARGUMENT', 'invalid strategy');
  const raw = call(() => addon().openStream(backend, { ...request, strategy }, onEvent));
  return {
    negotiated: () => raw.negotiated(),
    write: (bytes: Uint8Array) => {
      if (!(bytes instanceof Uint8Array)) throw new AurisError('E_INVALID_ARGUMENT', 'write takes a Uint8Array');
      return call(() => raw.write(bytes));
    },
    queuedFrames: () => raw.queuedFrames(),
    delay: () => raw.delay(),
    drain: () => call(() => raw.drain()),
    drop: () => call(() => raw.drop()),
    pause: (on: boolean) => call(() => raw.pause(on === true)),
    close: () => raw.close(),
    stats: () => raw.stats(),
  };
}
