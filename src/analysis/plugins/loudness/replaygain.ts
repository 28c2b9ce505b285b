// ReplayGain 2.0 values and tag text (shared/specs/analysis.md §2.6): gain = −18 LUFS − integrated
// loudness, peak = linear full-scale ratio, tag text as rsgain writes it.
import { lround } from '../dr/meter.ts';

/** ReplayGain 2.0 reference loudness. */
export const REPLAYGAIN_REFERENCE_LUFS = -18;

/** Gain in dB bringing `integratedLufs` to −18 LUFS; 0 for a silent (fully gated) stream, as rsgain. */
export function replayGainDb(integratedLufs: number): number {
  return Number.isFinite(integratedLufs) ? REPLAYGAIN_REFERENCE_LUFS - integratedLufs : 0;
}

/** Opus R128_*_GAIN: lround((−23 − I)·256) as Q7.8, clamped to int16; 0 for silence. */
export function r128GainQ78(integratedLufs: number): number {
  if (!Number.isFinite(integratedLufs)) return 0;
  return Math.max(-32768, Math.min(32767, lround((-23 - integratedLufs) * 256)));
}

/** The REPLAYGAIN_* tags: gains as "-6.54 dB" (no '+'), peaks with six decimals. */
export function replayGainTags(track: { gainDb: number; peak: number }, album?: { gainDb: number; peak: number }): Record<string, string> {
  const tags: Record<string, string> = {
    REPLAYGAIN_TRACK_GAIN: `${track.gainDb.toFixed(2)} dB`,
    REPLAYGAIN_TRACK_PEAK: track.peak.toFixed(6),
  };
  if (album) {
    tags.REPLAYGAIN_ALBUM_GAIN = `${album.gainDb.toFixed(2)} dB`;
    tags.REPLAYGAIN_ALBUM_PEAK = album.peak.toFixed(6);
  }
  return tags;
}
