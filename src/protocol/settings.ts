// Settings: the one schema and the one set of defaults. The core validates every change against
// it, persists the result (src/core/settings-store.ts) and applies it; front ends show it.

import { z } from 'zod';
import { OutputModeSchema } from './formats.ts';

export const DSD_TRANSPORTS = ['auto', 'native', 'dop', 'pcm'] as const;
export const MISSING_RATE_POLICIES = ['resample', 'skip'] as const;
export const DOWNMIX_POLICIES = ['refuse', 'stereo'] as const;

export const OutputSettingsSchema = z.object({
  /**
   * Output name: `alsa:<pcm>`, `wasapi:<device>`, `file:<path>.wav`, `null`, `null:unpaced`; '' is
   * the system's default device (`alsa:default` on Linux, `wasapi:` on Windows).
   */
  name: z.string().default(''),
  /** The system default device is a mixer, so the default mode is shared; exclusive is one switch away. */
  mode: OutputModeSchema.default('shared'),
  /** Device buffer in ms. */
  bufferMs: z.number().int().min(20).max(10_000).default(500),
  /** ALSA mixer element that is the device's hardware volume; '' picks the usual one. */
  volumeControl: z.string().default(''),
  /** What to do when the device lacks a track's rate: resample to its best rate (and say so), or skip the track. */
  missingRate: z.enum(MISSING_RATE_POLICIES).default('resample'),
  /** How DSD reaches the device: native, else DoP, else PCM (`auto`), or one of them forced. */
  dsd: z.enum(DSD_TRANSPORTS).default('auto'),
  /**
   * More channels than a stereo-only device takes (5.1 on a stereo DAC): refuse the track, or mix it
   * down to stereo (ITU-R BS.775, reported degraded). Refuse by default: a downmix is never bit-perfect.
   */
  downmix: z.enum(DOWNMIX_POLICIES).default('refuse'),
  /** Release the device after this many ms of pause (0: hold it), and reopen on resume at the same sample. */
  releaseAfterPauseMs: z.number().int().min(0).max(3_600_000).default(5_000),
}).strict();

export const DspSettingsSchema = z.object({
  /** Equalizer APO / AutoEq preset file, or null for none. */
  eqPreset: z.string().min(1).nullable().default(null),
  /** EQ on/off without forgetting the preset. */
  eqEnabled: z.boolean().default(true),
  /** Lower the EQ's gain so its response never goes above 0 dB (on top of the preset's own preamp), so boosts do not clip. */
  eqAutoPreamp: z.boolean().default(true),
  /** Crossfeed (Bauer bs2b) on headphones. */
  crossfeed: z.boolean().default(false),
}).strict();

export const LibrarySettingsSchema = z.object({
  /** Music folders (absolute paths). */
  roots: z.array(z.string().min(1)).default([]),
  /** Watch the roots for changes while Auris runs. */
  watch: z.boolean().default(true),
}).strict();

export const ServerSettingsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(7700),
  /** Required from clients on any address but loopback; generated on first use. */
  token: z.string().default(''),
}).strict();

export const MpdSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(6600),
  /** Required on any address but loopback. */
  password: z.string().default(''),
}).strict();

export const REPLAY_GAIN_MODES = ['off', 'track', 'album', 'auto'] as const;
export type ReplayGainMode = (typeof REPLAY_GAIN_MODES)[number];

/**
 * ReplayGain from the files' tags, as MPD applies it (its defaults: preamp 0 dB, 0 dB for files
 * without tags, clipping prevention on). Off by default: any other mode changes samples, and the
 * signal path says so ("ReplayGain track -6.20 dB", verdict `enhanced`).
 */
export const ReplayGainSettingsSchema = z.object({
  /** `track` or `album` gain (each falls back on the other when missing); `auto`: track in random mode, else album (MPD's rule). */
  mode: z.enum(REPLAY_GAIN_MODES).default('off'),
  /** Added to the tagged gain (MPD's replaygain_preamp). */
  preampDb: z.number().min(-15).max(15).default(0),
  /** Gain of a file without ReplayGain tags (MPD's replaygain_missing_preamp). */
  missingPreampDb: z.number().min(-15).max(15).default(0),
  /** Never raise a track so far that its tagged peak would clip (MPD's replaygain_limit). */
  limit: z.boolean().default(true),
}).strict();
export type ReplayGainSettings = z.infer<typeof ReplayGainSettingsSchema>;

export const PlaybackModesSchema = z.object({
  repeat: z.boolean().default(false),
  random: z.boolean().default(false),
  /** 'oneshot': stop after the current track once, then back to off (MPD 0.21+). */
  single: z.enum(['off', 'on', 'oneshot']).default('off'),
  consume: z.boolean().default(false),
}).strict();
export type PlaybackModes = z.infer<typeof PlaybackModesSchema>;

export const SettingsSchema = z.object({
  output: OutputSettingsSchema.default(OutputSettingsSchema.parse({})),
  /** Volume in dB (<= 0). 0 means no volume stage at all (bit-perfect). Hardware volume when the device has it. */
  volumeDb: z.number().min(-120).max(0).default(0),
  dsp: DspSettingsSchema.default(DspSettingsSchema.parse({})),
  modes: PlaybackModesSchema.default(PlaybackModesSchema.parse({})),
  replayGain: ReplayGainSettingsSchema.default(ReplayGainSettingsSchema.parse({})),
  library: LibrarySettingsSchema.default(LibrarySettingsSchema.parse({})),
  server: ServerSettingsSchema.default(ServerSettingsSchema.parse({})),
  mpd: MpdSettingsSchema.default(MpdSettingsSchema.parse({})),
}).strict();

export type Settings = z.infer<typeof SettingsSchema>;

/**
 * A group's keys, each optional and without its default: zod's `.partial()` keeps the defaults, so
 * `{ output: { name } }` would come back with every other output key reset to its default.
 */
function patchOf<T extends z.ZodRawShape>(group: z.ZodObject<T>) {
  const keys = Object.entries(group.shape).map(([k, v]) => [k, (v instanceof z.ZodDefault ? v.unwrap() as z.ZodType : v as z.ZodType).optional()]);
  return z.object(Object.fromEntries(keys) as { [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer I> ? I : T[K]> }).strict();
}

/** A change to the settings: any subset of groups, each any subset of its keys (nothing it does not name changes). */
export const SettingsPatchSchema = z.object({
  output: patchOf(OutputSettingsSchema).optional(),
  volumeDb: SettingsSchema.shape.volumeDb.unwrap().optional(),
  dsp: patchOf(DspSettingsSchema).optional(),
  modes: patchOf(PlaybackModesSchema).optional(),
  replayGain: patchOf(ReplayGainSettingsSchema).optional(),
  library: patchOf(LibrarySettingsSchema).optional(),
  server: patchOf(ServerSettingsSchema).optional(),
  mpd: patchOf(MpdSettingsSchema).optional(),
}).strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

/** Applies a validated patch (group by group) to settings. */
export function mergeSettings(base: Settings, patch: SettingsPatch): Settings {
  const next = { ...base } as Record<string, unknown>;
  for (const [group, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = (base as Record<string, unknown>)[group];
    next[group] = typeof value === 'object' && value !== null && typeof current === 'object' ? { ...current, ...value } : value;
  }
  return SettingsSchema.parse(next);
}
