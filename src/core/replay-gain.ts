// ReplayGain: the gain a track gets from its tags under the ReplayGain settings, worked out as MPD
// does (src/tag/ReplayGainInfo.cxx, ReplayGainTuple::CalculateScale, and Partition's `auto` rule):
//   - `track` takes the track gain, else the album gain; `album` the album gain, else the track's;
//     `auto` is `track` in random mode and `album` otherwise;
//   - the preamp is added; the gain is capped at a linear factor of 15 (+23.5 dB);
//   - with `limit`, a gain that would push the tagged peak over full scale is lowered to 1/peak;
//   - a file without either gain gets the missing-preamp.
// The core hands the result to the engine with each track (EngineTrack.gain), which applies it as
// a software volume stage named by the label.

import type { ReplayGain } from '../decoders/tags.ts';
import type { TrackGain } from '../engine/protocol.ts';
import type { ReplayGainMode, ReplayGainSettings } from '../protocol/settings.ts';

/** MPD's cap on the linear ReplayGain factor (15, about +23.5 dB). */
const MAX_SCALE_DB = 20 * Math.log10(15);

/** `auto` as MPD resolves it: the track gain when playing in random order, the album gain otherwise. */
export function effectiveReplayGainMode(mode: ReplayGainMode, random: boolean): 'off' | 'track' | 'album' {
  if (mode === 'auto') return random ? 'track' : 'album';
  return mode;
}

function signedDb(db: number): string {
  return `${db > 0 ? '+' : ''}${db.toFixed(2)}`;
}

/**
 * The gain for a track with ReplayGain tags `tags` (null: none) in `mode`, or null when nothing
 * changes (mode off, or exactly 0 dB). The label names the gain that was used and what it came from.
 */
export function replayGainFor(tags: ReplayGain | null, mode: 'off' | 'track' | 'album', settings: ReplayGainSettings): TrackGain | null {
  if (mode === 'off') return null;
  const track = tags?.trackGainDb != null ? { kind: 'track', gain: tags.trackGainDb, peak: tags.trackPeak } : null;
  const album = tags?.albumGainDb != null ? { kind: 'album', gain: tags.albumGainDb, peak: tags.albumPeak } : null;
  const used = mode === 'album' ? album ?? track : track ?? album;
  if (!used) {
    const db = settings.missingPreampDb;
    return db === 0 ? null : { db, label: `ReplayGain ${mode}: no tags, ${signedDb(db)} dB` };
  }
  let db = Math.min(used.gain + settings.preampDb, MAX_SCALE_DB);
  let limited = false;
  if (settings.limit && used.peak !== null && used.peak > 0 && db > -20 * Math.log10(used.peak)) {
    db = -20 * Math.log10(used.peak);
    limited = true;
  }
  if (db === 0) return null;
  const tagged = signedDb(used.gain + settings.preampDb);
  const label = limited ? `ReplayGain ${used.kind} ${tagged} dB, limited to ${signedDb(db)} dB by its peak ${used.peak}` : `ReplayGain ${used.kind} ${signedDb(db)} dB`;
  return { db, label };
}
