// CUE sheets: a single-file album (album.flac + album.cue) shows as one track per cue entry.
//
// Convention (the one foobar2000 and MPD follow): a track starts at its INDEX 01; a pregap (INDEX
// 00) belongs to the end of the previous track, so playing the tracks in order plays every sample
// of the file once, gapless, and a track played alone starts at its INDEX 01 without the pregap
// silence. The last track of a FILE ends at the end of that file. Times are MM:SS:FF with 75 CD
// frames per second; a track's first sample frame is FF-count x rate / 75 (exact at every CD and
// hi-res rate that is a multiple of 75 Hz: 44.1k, 48k, 88.2k, 96k, 176.4k, 192k...).

import { AurisError } from '../util/errors.ts';

export interface CueTrack {
  readonly number: number;
  readonly title: string | null;
  readonly performer: string | null;
  readonly songwriter: string | null;
  /** INDEX 01, in CD frames (1/75 s) from the start of its file. */
  readonly start: number;
}

export interface CueFile {
  /** The file name as the sheet writes it (relative to the sheet's folder). */
  readonly name: string;
  readonly tracks: readonly CueTrack[];
}

export interface CueSheet {
  readonly title: string | null;
  readonly performer: string | null;
  readonly songwriter: string | null;
  readonly date: string | null;
  readonly genre: string | null;
  readonly discNumber: number | null;
  readonly files: readonly CueFile[];
}

/** Cue sheets are UTF-8 (with or without BOM) or, from older rippers, Windows-1252. */
export function decodeCueText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  return text.replace(/^\uFEFF/, '');
}

/** MM:SS:FF to CD frames; null when it is not such a time. */
export function cueTime(s: string): number | null {
  const m = /^(\d{1,4}):(\d{1,2}):(\d{1,2})$/.exec(s);
  if (!m) return null;
  const [mm, ss, ff] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ss >= 60 || ff >= 75) return null;
  return (mm * 60 + ss) * 75 + ff;
}

/** The sample frame of a CD-frame time at `rate`. */
export function cueFrame(cdFrames: number, rate: number): number {
  return Math.round((cdFrames * rate) / 75);
}

/** Splits a line into words, a "quoted string" being one word. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] ?? m[2]!);
  return out;
}

/**
 * Parses a cue sheet. Unknown commands are ignored; a track without INDEX 01, an INDEX before any
 * TRACK, or a sheet without tracks is E_CORRUPT with the line number.
 */
export function parseCue(text: string, name = 'cue sheet'): CueSheet {
  const files: { name: string; tracks: CueTrack[] }[] = [];
  const album: { title: string | null; performer: string | null; songwriter: string | null; date: string | null; genre: string | null; disc: number | null } =
    { title: null, performer: null, songwriter: null, date: null, genre: null, disc: null };
  let track: { number: number; title: string | null; performer: string | null; songwriter: string | null; start: number | null; line: number } | null = null;
  const bad = (line: number, why: string): AurisError => new AurisError('E_CORRUPT', `${name}, line ${line}: ${why}`, { line });
  const closeTrack = (): void => {
    if (!track) return;
    if (track.start === null) throw bad(track.line, `track ${track.number} has no INDEX 01`);
    files.at(-1)!.tracks.push({ number: track.number, title: track.title, performer: track.performer, songwriter: track.songwriter, start: track.start });
    track = null;
  };
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const w = words(raw.trim());
    if (w.length === 0) return;
    const cmd = w[0]!.toUpperCase();
    const arg = w[1] ?? null;
    const line = i + 1;
    switch (cmd) {
      case 'FILE':
        closeTrack();
        if (!arg) throw bad(line, 'FILE without a name');
        files.push({ name: arg, tracks: [] });
        break;
      case 'TRACK': {
        closeTrack();
        if (files.length === 0) throw bad(line, 'TRACK before any FILE');
        const n = Number.parseInt(arg ?? '', 10);
        if (!Number.isFinite(n)) throw bad(line, `bad track number "${arg ?? ''}"`);
        track = { number: n, title: null, performer: null, songwriter: null, start: null, line };
        break;
      }
      case 'INDEX': {
        if (!track) throw bad(line, 'INDEX outside a TRACK');
        const t = cueTime(w[2] ?? '');
        if (t === null) throw bad(line, `bad time "${w[2] ?? ''}"`);
        if (Number.parseInt(arg ?? '', 10) === 1) track.start = t;
        break;
      }
      case 'TITLE':
      case 'PERFORMER':
      case 'SONGWRITER': {
        const key = cmd === 'TITLE' ? 'title' : cmd === 'PERFORMER' ? 'performer' : 'songwriter';
        if (track) track[key] = arg;
        else album[key] = arg;
        break;
      }
      case 'REM': {
        const what = (arg ?? '').toUpperCase();
        const value = w.slice(2).join(' ') || null;
        if (track) break;
        if (what === 'DATE') album.date = value;
        else if (what === 'GENRE') album.genre = value;
        else if (what === 'DISCNUMBER') album.disc = value ? Number.parseInt(value, 10) || null : null;
        break;
      }
      default:
        break;
    }
  });
  closeTrack();
  if (files.every((f) => f.tracks.length === 0)) throw new AurisError('E_CORRUPT', `${name}: no tracks`);
  return { title: album.title, performer: album.performer, songwriter: album.songwriter, date: album.date, genre: album.genre, discNumber: album.disc, files };
}

/** A track of a sheet as a frame range of its file: [startFrame, endFrame), endFrame null = to the end. */
export interface CueRange {
  readonly file: string;
  readonly track: CueTrack;
  readonly startFrame: number;
  readonly endFrame: number | null;
}

/** The frame ranges of every track at `rateOf(file)` (the file's sample rate). */
export function cueRanges(sheet: CueSheet, rateOf: (file: string) => number): CueRange[] {
  const out: CueRange[] = [];
  for (const f of sheet.files) {
    const rate = rateOf(f.name);
    f.tracks.forEach((t, i) => {
      const next = f.tracks[i + 1];
      out.push({ file: f.name, track: t, startFrame: cueFrame(t.start, rate), endFrame: next ? cueFrame(next.start, rate) : null });
    });
  }
  return out;
}
