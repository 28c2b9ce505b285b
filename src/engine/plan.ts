// The plan: one pure function that decides, before a track plays, what happens to it on the way
// to the device, and why. From the source format, the player settings and the device's
// capabilities (read from its driver) it chooses:
//   - the DSP steps in their order (EQ, crossfeed, software volume, resampling, DSD->PCM);
//   - the integer depth (or float, for a float mix format) the chain must deliver, when the device needs one;
//   - how a DSD source travels (native DSD, DoP, or converted to PCM);
//   - the device's channel count: a mono source goes to both channels of a device without a mono
//     mode, and a multichannel source on a stereo-only device is mixed down to stereo when the
//     downmix setting allows it (else refused, naming the setting); both compose with any rate or
//     depth conversion the device needs;
//   - the reason, in words, for anything the device forced;
//   - for an output that takes one fixed format, its system mixer's (WASAPI shared mode), the
//     conversion to that format, done here by the engine rather than by the mixer.
// It does no I/O and holds no state, so every rule is tested without a device (test/engine/plan.test.ts).
// The engine (player.ts) prepares the steps and builds the chain; the outputs choose the byte
// container for the format the plan leaves (src/outputs/containers.ts).

import type { AudioFormat } from '../audio/format.ts';
import { formatToString, isFloatKind, isIntegerKind, pcmFormat } from '../audio/format.ts';
import { dopCarrierRate, type NativeDsdFormat } from '../audio/dop.ts';
import type { OutputCapabilities } from '../outputs/interface.ts';
import type { ChainOptions } from '../dsp/chain.ts';
import { chooseContainers, describeCaps, nativeDsdContainers, STANDARD_RATES } from '../outputs/containers.ts';
import { AurisError } from '../util/errors.ts';

/** What the chain must turn the source into for the device; null fields mean "as the source". */
export interface DevicePlan {
  readonly rate: number | null;
  readonly bits: number | null;
  /** Float depth to deliver instead of integer `bits` (a float mix format); null otherwise. */
  readonly floatBits: 32 | 64 | null;
  /** Why the source cannot go as it is, in words ('' when it can). */
  readonly reason: string;
}

const AS_IS: DevicePlan = { rate: null, bits: null, floatBits: null, reason: '' };

/** Whether the device takes `f` exactly as it is (some lossless container at its rate and channels). */
export function accepts(caps: OutputCapabilities, f: AudioFormat): boolean {
  if (caps.formats === 'any') return true;
  try {
    chooseContainers(caps.name, f, caps.formats, caps.rateRange);
    return true;
  } catch {
    return false;
  }
}

/** The rate family of a rate: 44100 multiples, 48000 multiples, or the rate itself. */
function family(rate: number): number {
  return rate % 11025 === 0 ? 44100 : rate % 8000 === 0 ? 48000 : rate;
}

/**
 * The best device rate for a source rate among `rates`: the same family first (44.1k multiples vs
 * 48k multiples), then the lowest rate at or above the source (nothing is lost), else the highest
 * below it.
 */
export function bestRate(sourceRate: number, rates: readonly number[]): number | null {
  if (rates.length === 0) return null;
  const same = rates.filter((r) => family(r) === family(sourceRate));
  const pool = same.length > 0 ? same : [...rates];
  const above = pool.filter((r) => r >= sourceRate).sort((a, b) => a - b);
  if (above.length > 0) return above[0]!;
  return pool.sort((a, b) => b - a)[0]!;
}

/**
 * Plans one source format on a device. Integer PCM only changes rate or depth when the device
 * lacks them; float PCM the device cannot take as float goes to the deepest integer container it
 * has, with dither. Throws E_FORMAT_REFUSED when no rate and depth of the device fit at all.
 */
export function planForDevice(source: AudioFormat, caps: OutputCapabilities): DevicePlan {
  if (accepts(caps, source) || caps.formats === 'any') return AS_IS;
  if (caps.mixFormat) return planForMix(source, caps.mixFormat, caps.name);
  const float = !isIntegerKind(source.sample);
  const depths = float ? [32, 24, 16] : [source.validBits, ...[32, 24, 16].filter((b) => b < source.validBits)];
  const sourceDepth = float ? `${source.validBits}-bit float` : `${source.validBits}-bit`;
  for (const bits of depths) {
    const at = (rate: number) => pcmFormat(rate, source.channels, bits);
    if (accepts(caps, at(source.rate))) {
      return { rate: null, bits, floatBits: null, reason: `the device has no ${sourceDepth} container at ${source.rate} Hz; reduced to ${bits}-bit with dither` };
    }
    const rates = STANDARD_RATES.filter((r) => accepts(caps, at(r)));
    const rate = bestRate(source.rate, rates);
    if (rate !== null) {
      const depth = bits === source.validBits && !float ? null : bits;
      const why = `the device lacks ${source.rate} Hz${depth ? ` and ${sourceDepth}` : ''}; resampled to ${rate} Hz${depth ? ` at ${depth}-bit with dither` : ''}`;
      return { rate, bits: depth, floatBits: null, reason: why };
    }
  }
  throw new AurisError('E_FORMAT_REFUSED', `${caps.name} does not accept ${formatToString(source)} at any rate or depth; it accepts ${describeCaps(caps.formats)}`, { accepted: caps.formats });
}

/**
 * Plans a source for an output that takes one fixed format, its system mixer's (WASAPI shared
 * mode): resampled to the mix rate by the engine's resampler and converted to the mix's sample
 * type (float exactly, or an integer depth with dither when narrower), so the mixer converts
 * nothing. Always forced, and said so with the way out: exclusive mode. Throws E_FORMAT_REFUSED
 * when the channel counts differ (the engine mixes no channels).
 */
function planForMix(source: AudioFormat, mix: AudioFormat, name: string): DevicePlan {
  if (source.channels !== mix.channels) {
    const allow = mix.channels === 2 && source.channels > 2 ? `, or allow a stereo downmix (${DOWNMIX_HOW})` : '';
    throw new AurisError('E_FORMAT_REFUSED', `${name} in shared mode takes its mixer's format only (${formatToString(mix)}), and ${source.channels}-channel audio would need channel mixing; play it in exclusive mode${allow}`, { mixFormat: mix });
  }
  const rate = source.rate === mix.rate ? null : mix.rate;
  const float = isFloatKind(mix.sample);
  const sameSample = source.sample === mix.sample && source.validBits === mix.validBits;
  const done = [
    rate !== null ? `resampled from ${source.rate} to ${mix.rate} Hz` : '',
    sameSample ? '' : float ? `converted to ${mix.validBits}-bit float` : `converted to ${mix.validBits}-bit${isIntegerKind(source.sample) && source.validBits <= mix.validBits ? '' : ' with dither'}`,
  ].filter(Boolean).join(' and ');
  return {
    rate,
    bits: float ? null : mix.validBits,
    floatBits: float ? (mix.validBits === 64 ? 64 : 32) : null,
    reason: `shared mode: ${name} takes only its system mixer's format (${formatToString(mix)}), so the source is ${done}; exclusive mode plays it bit-perfect`,
  };
}

/** How DSD sources travel. `auto`: native DSD, else DoP, else PCM; the others force one transport. */
export const DSD_SETTINGS = ['auto', 'native', 'dop', 'pcm'] as const;
export type DsdSetting = (typeof DSD_SETTINGS)[number];

// DSD: three transports, best first: native DSD (ALSA DSD_U32_BE ... DSD_U8, the bytes verbatim),
// DoP (DSD over PCM v1.1: 16 DSD bits per 24-bit PCM word with alternating 0x05/0xFA markers, at
// the DSD rate / 16), or DSD->PCM through the 'dsd2pcm' filter. Native DSD and DoP are bit-perfect
// transports: the DSD bits reach the DAC untouched, so neither can carry software volume or EQ.
// With `dsd: 'auto'`, software volume or an EQ makes the engine convert to PCM and say so; a
// transport asked for explicitly with volume or EQ set is refused (E_FORMAT_REFUSED) rather than
// silently dropping either. Native DSD takes hardware volume (the device's own mixer); DoP takes
// no volume at all: a DAC that does not recognise the markers would play the carrier as noise.

/** The transport chosen for one DSD source on one device. */
export type DsdPlan =
  | { readonly transport: 'native'; readonly container: NativeDsdFormat }
  | { readonly transport: 'dop'; readonly carrier: AudioFormat }
  /** `chosen`: the user asked for PCM (enhanced); otherwise forced (degraded), `reason` says why. */
  | { readonly transport: 'pcm'; readonly chosen: boolean; readonly reason: string };

/** The native DSD container the device takes for `source`, or null (file and null outputs take PCM only). */
function nativeContainerFor(source: AudioFormat, caps: OutputCapabilities): NativeDsdFormat | null {
  return caps.formats === 'any' ? null : nativeDsdContainers(source, caps.formats)[0] ?? null;
}

/**
 * Plans a DSD source: `setting` from the engine settings, `processing` names the software stages
 * set by the user that a bit-perfect transport cannot carry ('' when none), `volumeDb` the volume
 * (DoP takes none, not even on the device's mixer). Throws E_FORMAT_REFUSED when an explicitly
 * requested transport is impossible.
 */
export function planDsd(source: AudioFormat, caps: OutputCapabilities, setting: DsdSetting, processing: string, volumeDb: number): DsdPlan {
  const native = nativeContainerFor(source, caps);
  const carrier = source.rate % 16 === 0 ? pcmFormat(dopCarrierRate(source.rate), source.channels, 24) : null;
  const dopOk = carrier !== null && accepts(caps, carrier);
  const what = formatToString(source);
  const refuse = (why: string): never => { throw new AurisError('E_FORMAT_REFUSED', `${caps.name}: ${why}`, { setting }); };
  const dopVolume = volumeDb !== 0 ? `volume ${volumeDb} dB` : '';
  switch (setting) {
    case 'pcm':
      return { transport: 'pcm', chosen: true, reason: 'DSD to PCM chosen in the settings' };
    case 'native':
      if (processing) refuse(`native DSD cannot carry ${processing}; set dsd to 'pcm' or 'auto' to convert`);
      if (!native) refuse(`no native DSD container for ${what}`);
      return { transport: 'native', container: native! };
    case 'dop':
      if (processing || dopVolume) refuse(`DoP cannot carry ${processing || dopVolume}; set dsd to 'pcm' or 'auto' to convert`);
      if (!dopOk) refuse(`no 24-bit PCM container at ${carrier?.rate ?? '?'} Hz for DoP of ${what}`);
      return { transport: 'dop', carrier: carrier! };
    case 'auto': {
      if (processing) return { transport: 'pcm', chosen: true, reason: `converted to PCM because ${processing} cannot ride on a bit-perfect DSD stream` };
      if (native) return { transport: 'native', container: native };
      if (dopOk && !dopVolume) return { transport: 'dop', carrier: carrier! };
      if (dopOk) return { transport: 'pcm', chosen: true, reason: `converted to PCM because DoP cannot carry ${dopVolume}` };
      return { transport: 'pcm', chosen: false, reason: `the device takes neither native DSD nor DoP (24-bit PCM at ${carrier?.rate ?? '?'} Hz) for ${what}; converted to PCM` };
    }
  }
}


/** DSD->PCM converts to this rate when the device has it (DSD64 / 16, the dsd2pcm default). */
export const DSD_PCM_RATE = 176400;

/** The player settings the plan looks at. */
export interface PlanSettings {
  /** An EQ preset is on. */
  readonly eq: boolean;
  readonly crossfeed: boolean;
  readonly volumeDb: number;
  readonly missingRate: 'resample' | 'skip';
  readonly dsd: DsdSetting;
  /** This track's own gain (ReplayGain), first of the processing after a downmix; null or absent: none. */
  readonly trackGain?: { readonly db: number; readonly label: string } | null;
  /** More channels than a stereo-only device takes: refused, or mixed down to stereo (ITU-R BS.775). */
  readonly downmix: DownmixSetting;
}

/** What to do with more channels than a stereo-only device takes. */
export const DOWNMIX_SETTINGS = ['refuse', 'stereo'] as const;
export type DownmixSetting = (typeof DOWNMIX_SETTINGS)[number];

/** How a user allows the downmix, for refusals. */
const DOWNMIX_HOW = "setting output.downmix to 'stereo', or auris play --downmix stereo";

/** One DSP step of the chain, in order; the engine prepares each (the EQ from its preset file). */
export type PlanStep =
  | { readonly kind: 'eq' }
  | { readonly kind: 'crossfeed'; readonly settings: { readonly preset: 'default' } }
  | { readonly kind: 'volume'; readonly settings: { readonly db: number; readonly label?: string } }
  | { readonly kind: 'resample'; readonly settings: { readonly rate: number } }
  | { readonly kind: 'dsd2pcm'; readonly settings: { readonly rate: number } }
  | { readonly kind: 'downmix'; readonly settings: Record<string, never> };

/** What happens to one track on its way to one device, and why. */
export interface TrackPlan {
  readonly steps: readonly PlanStep[];
  /** Integer depth the chain must deliver for the device (null: what the chain gives, or float below). */
  readonly outputBits: number | null;
  /** Float depth the chain must deliver (a float mix format: WASAPI shared mode); null otherwise. */
  readonly outputFloatBits: 32 | 64 | null;
  /**
   * Depth to deliver instead when the steps turn out to change samples (a flat EQ does not): a
   * processed 16-bit source keeps its processing's resolution at 24 bits when the device takes it.
   */
  readonly processedBits: number | null;
  /** Device channels per source channel: 2 sends a mono source to both channels of a stereo-only device. */
  readonly upmix: number;
  /** How a DSD source travels (null for PCM). */
  readonly dsd: DsdPlan | null;
  /** What the device forced (a rate or depth it lacks), in words; '' when nothing. */
  readonly forcedReason: string;
}

/**
 * Plans `source` on a device with `caps` under the settings `s`. Throws E_FORMAT_REFUSED when the
 * device takes no form of it (or the missing-rate policy says skip, or an explicit DSD transport is
 * impossible), with the accepted set in the message and details.
 */
export function planTrack(source: AudioFormat, s: PlanSettings, caps: OutputCapabilities): TrackPlan {
  const softVolume = s.volumeDb !== 0 && !caps.hardwareVolume;
  const channels = source.sample === 'dsd' ? { upmix: 1, downmix: false } : channelPlan(source, s.downmix, caps);
  const crossfeed = s.crossfeed && (channels.downmix ? 2 : source.channels) === 2;
  const gain = s.trackGain && s.trackGain.db !== 0 ? s.trackGain : null;
  const processing: PlanStep[] = [
    ...(channels.downmix ? [{ kind: 'downmix', settings: {} } as const] : []),
    ...(gain ? [{ kind: 'volume', settings: { db: gain.db, label: gain.label } } as const] : []),
    ...(s.eq ? [{ kind: 'eq' } as const] : []),
    ...(crossfeed ? [{ kind: 'crossfeed', settings: { preset: 'default' } } as const] : []),
    ...(softVolume ? [{ kind: 'volume', settings: { db: s.volumeDb } } as const] : []),
  ];
  if (source.sample === 'dsd') {
    const names = [gain ? gain.label : '', s.eq ? 'EQ' : '', crossfeed ? 'crossfeed' : '', softVolume ? `software volume ${s.volumeDb} dB` : ''].filter(Boolean).join(' and ');
    const dsd = planDsd(source, caps, s.dsd, names, s.volumeDb);
    if (dsd.transport !== 'pcm') return { steps: [], outputBits: null, outputFloatBits: null, processedBits: null, upmix: 1, dsd, forcedReason: '' };
    const target = planForDevice(pcmFormat(DSD_PCM_RATE, source.channels, 24), caps);
    return {
      steps: [{ kind: 'dsd2pcm', settings: { rate: target.rate ?? DSD_PCM_RATE } }, ...processing],
      outputBits: target.floatBits !== null ? null : target.bits ?? 24,
      outputFloatBits: target.floatBits,
      processedBits: null,
      upmix: 1,
      dsd,
      forcedReason: dsd.chosen ? '' : [dsd.reason, target.reason].filter(Boolean).join('; '),
    };
  }
  const { upmix } = channels;
  // What the chain delivers: the source's channels, or stereo after a downmix; the device gets it upmixed.
  const chainChannels = channels.downmix ? 2 : source.channels;
  const deviceChannels = chainChannels * upmix;
  const device = planForDevice({ ...source, channels: deviceChannels }, caps);
  // The missing-rate policy is about a device lacking a rate; a shared mixer resamples everything anyway.
  if (device.rate !== null && s.missingRate === 'skip' && !caps.mixFormat) {
    const accepted = caps.formats === 'any' ? 'any format' : describeCaps(caps.formats);
    throw new AurisError('E_FORMAT_REFUSED', `skipped by the missing-rate policy: ${caps.name} does not accept ${formatToString(source)}; it accepts ${accepted}`, {
      accepted: caps.formats, policy: 'missing-rate',
    });
  }
  let processedBits: number | null = null;
  if (isIntegerKind(source.sample) && device.bits === null && device.floatBits === null && source.validBits < 24 && accepts(caps, pcmFormat(device.rate ?? source.rate, deviceChannels, 24))) {
    processedBits = 24;
  }
  const downmixed = channels.downmix ? `${caps.name} takes stereo only, so the ${source.channels}-channel source is mixed down to stereo (ITU-R BS.775; output.downmix is 'stereo')` : '';
  return {
    steps: [...processing, ...(device.rate !== null ? [{ kind: 'resample', settings: { rate: device.rate } } as const] : [])],
    outputBits: device.bits,
    outputFloatBits: device.floatBits,
    processedBits,
    upmix,
    dsd: null,
    forcedReason: [downmixed, device.reason].filter(Boolean).join('; '),
  };
}

/** Whether the device (any rate, any depth) has a mode with `channels` channels. */
function takesChannels(caps: OutputCapabilities, channels: number): boolean {
  if (caps.formats === 'any') return true;
  if (caps.mixFormat) return caps.mixFormat.channels === channels;
  return caps.formats.some((f) => f.channelsMin <= channels && channels <= f.channelsMax);
}

/**
 * How a PCM source's channels reach the device, decided apart from its rate and depth (which the
 * device plan converts afterwards, whatever is chosen here):
 *  - as they are, when the device has a mode with that many channels;
 *  - a mono source on a device without a mono mode: each sample to both channels (exact);
 *  - more than two channels on a stereo-only device: mixed down to stereo when `downmix` allows it,
 *    else refused (E_FORMAT_REFUSED) with the way to allow it.
 */
function channelPlan(source: AudioFormat, downmix: DownmixSetting, caps: OutputCapabilities): { upmix: number; downmix: boolean } {
  if (accepts(caps, source)) return { upmix: 1, downmix: false };
  // A stereo mode in the source's very format beats a mono one that needs a conversion: both channels are exact.
  if (source.channels === 1 && !caps.mixFormat && accepts(caps, { ...source, channels: 2 })) return { upmix: 2, downmix: false };
  if (takesChannels(caps, source.channels)) return { upmix: 1, downmix: false };
  if (source.channels === 1 && takesChannels(caps, 2)) return { upmix: 2, downmix: false };
  if (source.channels > 2 && takesChannels(caps, 2)) {
    if (downmix === 'stereo') return { upmix: 1, downmix: true };
    if (caps.mixFormat) return { upmix: 1, downmix: false }; // the mix plan refuses it, naming exclusive mode and the downmix
    const accepted = caps.formats === 'any' ? 'any format' : describeCaps(caps.formats);
    throw new AurisError('E_FORMAT_REFUSED', `${caps.name} takes stereo only and does not accept ${formatToString(source)} (it accepts ${accepted}); to play it mixed down to stereo (not bit-perfect), allow a stereo downmix by ${DOWNMIX_HOW}`, {
      accepted: caps.formats, setting: 'output.downmix',
    });
  }
  return { upmix: 1, downmix: false }; // the device plan refuses it with the formats it accepts
}

/**
 * Why floating-point samples are quantised to `bits` for an integer-only device, for the path: the
 * source's own float samples, or those DSD->PCM made from a DSD source. Required of any player.
 */
export function quantisationCause(source: AudioFormat, bits: number): string {
  const from = source.sample === 'dsd'
    ? 'the DSD->PCM conversion produces floating-point samples'
    : `the source is ${source.validBits}-bit floating point`;
  return `${from}, which must be quantised to ${bits}-bit (with dither) for a device that takes integers only`;
}

/** What the chain must deliver for `plan`, as buildChain takes it (undefined: the chain's own output). */
export function chainOutput(plan: TrackPlan, processed = false): ChainOptions['output'] {
  if (plan.outputFloatBits !== null) return { kind: 'float', bits: plan.outputFloatBits };
  const bits = processed && plan.processedBits !== null ? plan.processedBits : plan.outputBits;
  return bits !== null ? { kind: 'int', bits } : undefined;
}
