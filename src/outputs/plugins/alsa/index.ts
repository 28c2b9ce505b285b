// ALSA output: `alsa:<any PCM name alsa-lib accepts>` (hw:CARD=..,DEV=.., default, asoundrc names).
// Exclusive mode opens the PCM with automatic resampling, format and channel conversion off and
// sets the exact format; shared mode lets alsa-lib and the system mixer convert (not bit-perfect).

import type { AudioFormat } from '../../../audio/format.ts';
import { validateFormat } from '../../../audio/format.ts';
import type { Container } from '../../../audio/pack.ts';
import { nativeDsdRate, nativeDsdWordBytes, type NativeDsdFormat } from '../../../audio/dop.ts';
import { AurisError, isAurisError } from '../../../util/errors.ts';
import * as native from '../../../../native/index.ts';
import type { CapabilityOptions, FormatCaps, OpenOptions, OpenOutput, OutputCapabilities, OutputMode, OutputPlugin } from '../../interface.ts';
import { chooseContainers, nativeDsdContainers, refusal } from '../../containers.ts';
import { NativeOutput } from '../../native-output.ts';
import { busyAdvice, findDeviceHolders } from './busy.ts';
import { soundServerRate } from './mixer-rate.ts';

export const ALSA_PREFIX = 'alsa:';
const DEFAULT_BUFFER_MS = 500;
const DEFAULT_RING_MS = 1000;
/** PCMs that are a system mixer (sound server or the default device). */
const SHARED_ONLY = /^(default|pulse|pipewire|dmix)$/;

/** Capabilities per PCM and mode, probed once per process (probing opens the device). */
const probeCache = new Map<string, native.NativeCapabilities>();

/** Forgets cached capabilities (after a device change). */
export function clearAlsaCapabilityCache(): void {
  probeCache.clear();
}

/** Whether the ALSA backend can be used here, and why not. */
export function alsaStatus(): { available: boolean; reason: string } {
  const s = native.backendStatus('alsa');
  return { available: s.available, reason: s.reason };
}

/** ALSA devices: default, each card's PCM devices by stable name, named PCMs with hints. */
export function listAlsaDevices(): native.NativeDevice[] {
  return native.listDevices('alsa');
}

function busyError(pcm: string, e: AurisError): AurisError {
  const holders = findDeviceHolders(pcm);
  return new AurisError('E_DEVICE_BUSY', busyAdvice(pcm, holders), { ...e.details, device: pcm, holders }, { cause: e });
}

function withBusyAdvice<T>(pcm: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isAurisError(e, 'E_DEVICE_BUSY')) throw busyError(pcm, e);
    throw e;
  }
}

/**
 * The hardware volume of a PCM (see native/src/alsa/alsa_mixer.cc for which control device and
 * element), or null. A sound server's PCM has none: its volume is the server's (often software,
 * system-wide), not the DAC's. Throws E_NOT_FOUND when `control` names an element it lacks.
 */
function hardwareVolume(pcm: string, control = ''): native.NativeVolume | null {
  return SHARED_ONLY.test(pcm) ? null : native.openVolume('alsa', pcm, control);
}

/** The PCM's capabilities from the cache, or probed now (always when `fresh`), which opens the device. */
function probeCached(pcm: string, mode: OutputMode, fresh = false): native.NativeCapabilities {
  const key = `${mode}\0${pcm}`;
  let caps = fresh ? undefined : probeCache.get(key);
  if (!caps) {
    probeCache.delete(key); // a device that fails a fresh probe is not answered from the cache either
    caps = withBusyAdvice(pcm, () => native.probe('alsa', pcm, mode));
    probeCache.set(key, caps);
  }
  return caps;
}

export class AlsaOutputPlugin implements OutputPlugin {
  readonly name: string;

  constructor(readonly pcm: string) {
    if (pcm.length === 0) throw new AurisError('E_INVALID_ARGUMENT', 'alsa: needs a PCM name, e.g. alsa:hw:CARD=DAC,DEV=0 or alsa:default');
    this.name = ALSA_PREFIX + pcm;
  }

  async capabilities(options: CapabilityOptions = {}): Promise<OutputCapabilities> {
    // A sound server's PCM only makes sense shared; everything else is probed as the DAC itself.
    const sharedOnly = SHARED_ONLY.test(this.pcm);
    const caps = probeCached(this.pcm, sharedOnly ? 'shared' : 'exclusive', options.fresh === true);
    const volume = hardwareVolume(this.pcm);
    volume?.close();
    return {
      name: this.name,
      modes: sharedOnly ? ['shared'] : ['exclusive', 'shared'],
      formats: caps.formats,
      rateRange: caps.rateMax > 0 ? [caps.rateMin, caps.rateMax] : null,
      hardwareVolume: volume !== null,
      keepsSamples: caps.keepsSamples !== false,
    };
  }

  async open(format: AudioFormat, mode: OutputMode, options: OpenOptions = {}): Promise<OpenOutput> {
    validateFormat(format);
    const bufferMs = options.bufferMs ?? DEFAULT_BUFFER_MS;
    const periodMs = options.periodMs ?? bufferMs / 4;
    const ringMs = options.ringMs ?? Math.max(DEFAULT_RING_MS, 2 * bufferMs);
    if (!(bufferMs >= 1 && bufferMs <= 10_000) || !(periodMs >= 0.25 && periodMs <= bufferMs)) {
      throw new AurisError('E_INVALID_ARGUMENT', `buffer ${bufferMs} ms / period ${periodMs} ms out of range`);
    }
    // Shared mode converts anything, so it takes the source's own container.
    const caps = probeCached(this.pcm, mode);
    const rateRange: [number, number] | null = caps.rateMax > 0 ? [caps.rateMin, caps.rateMax] : null;
    const candidates: (Container | NativeDsdFormat)[] = format.sample === 'dsd'
      ? nativeDsdCandidates(this.name, format, caps.formats as FormatCaps[])
      : chooseContainers(this.name, format, caps.formats as FormatCaps[], rateRange, options.container);
    let lastRefusal: AurisError | null = null;
    for (const container of candidates) {
      // Native DSD: the device clock runs at one word per channel per frame; bytes go verbatim.
      const dsd = format.sample === 'dsd' ? container as NativeDsdFormat : null;
      const dsdWord = dsd ? nativeDsdWordBytes(dsd) : 0;
      const rate = dsd ? nativeDsdRate(format.rate, dsd) : format.rate;
      const validBits = dsdWord ? dsdWord * 8 : format.validBits;
      const router = NativeOutput.eventRouter();
      let stream: native.NativeStream;
      try {
        stream = withBusyAdvice(this.pcm, () => native.openStream('alsa', {
          device: this.pcm, mode, container, rate, channels: format.channels, validBits,
          bufferUs: Math.round(bufferMs * 1000), periodUs: Math.round(periodMs * 1000), ringMs: Math.round(ringMs),
        }, router.listener));
      } catch (e) {
        if (isAurisError(e, 'E_FORMAT_REFUSED')) {
          lastRefusal = e;
          continue; // the next lossless container, if any
        }
        throw e;
      }
      let volume: native.NativeVolume | null;
      try {
        volume = hardwareVolume(this.pcm, options.volumeControl);
      } catch (e) {
        stream.close();
        throw e;
      }
      let negotiated = stream.negotiated();
      // Through a sound server the samples are mixed at its rate; say which when it tells.
      if (mode === 'shared' && negotiated.mixerRate === 0 && SHARED_ONLY.test(this.pcm)) {
        negotiated = { ...negotiated, mixerRate: soundServerRate() };
      }
      const output = new NativeOutput(
        { name: this.name, label: `ALSA ${this.pcm}`, mode, format, negotiated, volume, onClose: () => volume?.close() },
        stream,
      );
      router.attach(output);
      return output;
    }
    const err = refusal(this.name, format, caps.formats as FormatCaps[], candidates);
    throw lastRefusal ? new AurisError('E_FORMAT_REFUSED', `${err.message} (driver: ${lastRefusal.message})`, err.details, { cause: lastRefusal }) : err;
  }
}

/** nativeDsdContainers, or E_FORMAT_REFUSED when there is none (the engine then sends DoP or PCM). */
function nativeDsdCandidates(device: string, format: AudioFormat, formats: readonly FormatCaps[]): NativeDsdFormat[] {
  const ok = nativeDsdContainers(format, formats);
  if (ok.length > 0) return ok;
  throw refusal(device, format, formats, ['DSD_U32_BE', 'DSD_U32_LE', 'DSD_U16_BE', 'DSD_U16_LE', 'DSD_U8']);
}
