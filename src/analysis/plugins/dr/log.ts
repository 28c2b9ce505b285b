// The foo_dr.txt log, laid out character for character as foobar2000's DR Meter writes it
// (shared/specs/analysis.md §1.4). Classic variant (units "dB") by default, 1.0.8 ("dBFS") on request.

import { albumDr } from './meter.ts';

/** One row of the log: what the meter measured plus what the file says about itself. */
export interface DrLogTrack {
  /** Unrounded track DR (float32 value from DrMeter). */
  readonly dr: number;
  readonly drRounded: number;
  readonly peakDb: number;
  readonly rmsDb: number;
  readonly frames: number;
  readonly rate: number;
  readonly channels: number;
  /** Bits per sample as the file states it (16, 24, 32 for float...). */
  readonly bits: number;
  /** Average bitrate in bits per second. */
  readonly bitrate: number;
  /** Codec label, e.g. "PCM", "FLAC", "PCM (floating-point)". */
  readonly codec: string;
  /**
   * The track number as tagged: a number (7), or the tag's text when it is not one (a vinyl side
   * "A1"); null when the file has none.
   */
  readonly trackNumber: number | string | null;
  /** Title from the tags, else the file name without extension. */
  readonly title: string;
  /** Per-channel DR (unrounded) and RMS (dB), for the 1.0.8 per-channel columns; optional. */
  readonly channelStats?: readonly { readonly dr: number; readonly rmsDb: number }[];
}

/** One album block of the log (from the first dashed line to the "=" line). */
export interface DrLogAlbum {
  readonly artist: string | null;
  readonly album: string | null;
  readonly tracks: readonly DrLogTrack[];
}

export interface DrLogOptions {
  /** First header line; default "Auris <version> / DR Meter (foobar2000 DR Meter 1.0.8 compatible)". */
  readonly host: string;
  /** Local time of the log; rendered YYYY-MM-DD HH:MM:SS. */
  readonly date: Date;
  readonly variant?: 'classic' | '1.0.8';
  /** 1.0.8 only: per-channel DR and RMS columns (always on when a track has more than 2 channels). */
  readonly perChannel?: boolean;
  /** Default CRLF: foo_dr.txt as foobar2000 writes it (on Windows). A terminal gets '\n'. */
  readonly lineEnding?: '\n' | '\r\n';
}

const CHANNEL_LABELS = ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR', 'FCL', 'FCR', 'BC', 'SL', 'SR', 'TC', 'TFL', 'TFC', 'TFR', 'TBL', 'TBC', 'TBR'];

/** foobar's label of channel `index` of a `channels`-channel track (mono is FC; past 18: "Ch n"). */
export function drChannelLabel(index: number, channels: number): string {
  if (channels === 1) return 'FC';
  return CHANNEL_LABELS[index] ?? `Ch ${index}`;
}

const DASHES = '-'.repeat(80);
const EQUALS = '='.repeat(80);

/** A dB value as the log prints it: "-inf", never "-0.00", two decimals. */
export function formatDrDb(v: number): string {
  if (v === -Infinity) return '-inf';
  if (v > -0.01 && v < 0.01) return '0.00';
  return v.toFixed(2);
}

/** Duration as foobar prints it: llround(seconds) as m:ss, h:mm:ss, Nd h:mm:ss or Nwk Nd h:mm:ss. */
export function formatDrDuration(frames: number, rate: number): string {
  const total = Math.floor(frames / rate + 0.5);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600) % 24;
  const d = Math.floor(total / 86400) % 7;
  const wk = Math.floor(total / 604800);
  const ss = String(s).padStart(2, '0');
  if (total < 3600) return `${Math.floor(total / 60)}:${ss}`;
  const hms = `${h}:${String(m).padStart(2, '0')}:${ss}`;
  if (total < 86400) return hms;
  if (wk === 0) return `${d}d ${hms}`;
  return `${wk}wk ${d}d ${hms}`;
}

/** The 1.0.8 layout's longest track label before it is cut. */
const TRACK_LABEL_MAX = 32;

/**
 * The Track column: foobar's `%tracknumber%-%title%`. The number is the tag as written, padded on the
 * left with zeroes to two characters ("7" -> "07", a vinyl side "A" -> "0A", "A1" stays), "?" when
 * missing. In the 1.0.8 layout a label longer than 32 characters is cut to its first 32 + "(...)".
 */
export function drTrackLabel(t: Pick<DrLogTrack, 'trackNumber' | 'title'>, variant: 'classic' | '1.0.8' = 'classic'): string {
  const number = t.trackNumber === null || String(t.trackNumber).trim() === '' ? '?' : String(t.trackNumber).trim().padStart(2, '0');
  const label = `${number}-${t.title}`;
  if (variant === 'classic') return label;
  const chars = [...label]; // code points: a cut never splits a surrogate pair
  return chars.length > TRACK_LABEL_MAX ? chars.slice(0, TRACK_LABEL_MAX).join('') + '(...)' : label;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function formatLocalDate(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Distinct values in first-seen order joined with ", " (numbers sorted ascending). */
function distinct(values: readonly (string | number)[]): string {
  const uniq = [...new Set(values)];
  if (uniq.every((v) => typeof v === 'number')) (uniq as number[]).sort((a, b) => a - b);
  return uniq.join(', ');
}

/** The lines of one album block, "-----" line through "=====" line. */
export function renderDrAlbumLines(album: DrLogAlbum, variant: 'classic' | '1.0.8' = 'classic', perChannel = false): string[] {
  const unit = variant === 'classic' ? 'dB' : 'dBFS';
  const labels: string[] = [];
  if (variant === '1.0.8' && (perChannel || album.tracks.some((t) => t.channels > 2))) {
    for (const t of album.tracks) {
      for (let c = 0; c < t.channels; c++) {
        const l = drChannelLabel(c, t.channels);
        if (!labels.includes(l)) labels.push(l);
      }
    }
  }
  const columns = (t: DrLogTrack | null): string => {
    if (labels.length === 0) return '';
    const cell = (label: string, f: (s: { dr: number; rmsDb: number }) => string) => {
      const i = t ? Array.from({ length: t.channels }, (_, c) => drChannelLabel(c, t.channels)).indexOf(label) : -1;
      const s = t && i >= 0 ? t.channelStats?.[i] : undefined;
      return (s ? f(s) : '').padStart(13);
    };
    if (!t) return labels.map((l) => `DR (${l})`.padStart(13)).join('') + labels.map((l) => `RMS (${l})`.padStart(13)).join('');
    return labels.map((l) => cell(l, (s) => `${formatDrDb(Math.fround(s.dr))} dB`)).join('') +
      labels.map((l) => cell(l, (s) => `${formatDrDb(s.rmsDb)} dBFS`)).join('');
  };
  const name = (track: string) => (labels.length ? track.padEnd(35) : track);
  const lines: string[] = [];
  lines.push(DASHES, `Analyzed: ${album.artist ?? '?'} / ${album.album ?? '?'}`, DASHES, '');
  lines.push((variant === 'classic' ? 'DR         Peak         RMS     Duration ' : 'DR         Peak           RMS       Duration ') + name('Track') + columns(null));
  lines.push(DASHES);
  for (const t of album.tracks) {
    lines.push(
      'DR' + String(t.drRounded).padEnd(4) +
      formatDrDb(t.peakDb).padStart(9) + ' ' + unit +
      formatDrDb(t.rmsDb).padStart(9) + ' ' + unit +
      formatDrDuration(t.frames, t.rate).padStart(10) + ' ' + name(drTrackLabel(t, variant)) + columns(t),
    );
  }
  lines.push(DASHES, '');
  const official = albumDr(album.tracks.map((t) => t.dr));
  lines.push(`Number of tracks:  ${album.tracks.length}`, `Official DR value: DR${official.drRounded}`, '');
  let bitSeconds = 0;
  let seconds = 0;
  for (const t of album.tracks) {
    const dur = t.frames / t.rate;
    bitSeconds += t.bitrate * dur;
    seconds += dur;
  }
  const kbps = seconds > 0 ? Math.round(bitSeconds / seconds / 1000) : 0;
  lines.push(
    `Samplerate:        ${distinct(album.tracks.map((t) => t.rate))} Hz`,
    `Channels:          ${distinct(album.tracks.map((t) => t.channels))}`,
    `Bits per sample:   ${distinct(album.tracks.map((t) => t.bits))}`,
    `Bitrate:           ${kbps} kbps`,
    `Codec:             ${distinct(album.tracks.map((t) => t.codec))}`,
    EQUALS,
  );
  return lines;
}

/** A whole foo_dr.txt: the two header lines once, then one block per album, separated by a blank line. */
export function renderDrLog(albums: readonly DrLogAlbum[], options: DrLogOptions): string {
  const eol = options.lineEnding ?? '\r\n';
  const lines = [options.host, `log date: ${formatLocalDate(options.date)}`, ''];
  albums.forEach((a, i) => {
    if (i > 0) lines.push('', '');
    lines.push(...renderDrAlbumLines(a, options.variant ?? 'classic', options.perChannel ?? false));
  });
  return lines.join(eol) + eol;
}
