// Argument parsers with MPD's own error messages (src/protocol/ArgParser.cxx): clients and their
// users see the same words as from MPD. Numbers follow C's strtol: optional sign, decimal digits,
// nothing after them.

import { ACK, MpdError } from './ack.ts';

const INT_MAX = 2 ** 31 - 1;
const UINT_MAX = 2 ** 32 - 1;

function argError(what: string, value: string): MpdError {
  return new MpdError(ACK.ARG, `${what}: ${value}`);
}

/** The leading integer of `s` as strtol reads it (after optional whitespace), and the rest; null when no digit. */
function strtol(s: string): { value: number; rest: string } | null {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  if (!m) return null;
  return { value: Number(m[1]), rest: s.slice(m[0].length) };
}

export function parseUnsigned(s: string, max = UINT_MAX): number {
  const r = strtol(s);
  if (!r || r.rest !== '') throw argError('Integer expected', s);
  // strtoul wraps negative numbers around; MPD then reports them as too large.
  if (r.value < 0 || r.value > max) throw argError('Number too large', s);
  return r.value;
}

export function parseInt32(s: string, min = -INT_MAX - 1, max = INT_MAX): number {
  const r = strtol(s);
  if (!r || r.rest !== '') throw argError('Integer expected', s);
  if (r.value < min || r.value > max) throw argError('Number too large', s);
  return r.value;
}

export function parseBool(s: string): boolean {
  const r = strtol(s);
  if (!r || r.rest !== '' || (r.value !== 0 && r.value !== 1)) throw argError('Boolean (0/1) expected', s);
  return r.value === 1;
}

export function parseFloatArg(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/.exec(s);
  if (!m) throw argError('Float expected', s);
  const v = Number(m[1]);
  if (!Number.isFinite(v)) throw argError('Float expected', s);
  return v;
}

/** A time in seconds, not negative. */
export function parseSongTime(s: string): number {
  const v = parseFloatArg(s);
  if (v < 0) throw argError('Negative value not allowed', s);
  return v;
}

/** The leading decimal float of `s` as strtof reads it (after optional whitespace), and the rest; null when none. */
function strtof(s: string): { value: number; rest: string } | null {
  const m = /^[\t\n\v\f\r ]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(s);
  if (!m) return null;
  return { value: Math.fround(Number(m[1])), rest: s.slice(m[0].length) };
}

/** A part of a song in whole ms of its file; `endMs` null: to its end. */
export interface TimeRange {
  readonly startMs: number;
  readonly endMs: number | null;
}

/**
 * rangeid's `START:END` in seconds (MPD's parse_time_range): either side may be empty (the start
 * is then 0, the end open), `:` alone is the whole song, an end of 0 is open too, and an end must
 * follow its start. The times are kept in whole ms as MPD keeps them (the float seconds times 1000
 * in float, truncated). MPD's "Bad range" otherwise.
 */
export function parseTimeRange(s: string): TimeRange {
  const bad = (): MpdError => new MpdError(ACK.ARG, 'Bad range');
  const toMs = (seconds: number): number => Math.trunc(Math.fround(seconds * 1000));
  const colon = s.indexOf(':');
  if (colon < 0) throw bad();
  const side = (text: string): number => {
    if (text === '') return 0;
    const r = strtof(text);
    if (!r || r.rest !== '' || r.value < 0 || toMs(r.value) > UINT_MAX) throw bad();
    return toMs(r.value);
  };
  const startMs = side(s.slice(0, colon));
  const end = side(s.slice(colon + 1));
  if (end !== 0 && end <= startMs) throw bad();
  return { startMs, endMs: end === 0 ? null : end };
}

/** A range START:END (END excluded, open when omitted), a single position N (N:N+1), or -1 for all. */
export interface Range {
  readonly start: number;
  /** Exclusive; Infinity when open-ended. */
  readonly end: number;
}

export function parseRange(s: string): Range {
  const r = strtol(s);
  if (!r || (r.rest !== '' && !r.rest.startsWith(':'))) throw argError('Integer or range expected', s);
  if (r.value === -1 && r.rest === '') return { start: 0, end: Infinity };
  if (r.value < 0) throw argError('Number is negative', s);
  if (r.value > INT_MAX) throw argError('Number too large', s);
  if (r.rest === '') return { start: r.value, end: r.value + 1 };
  const tail = r.rest.slice(1);
  if (tail === '') return { start: r.value, end: Infinity };
  const e = strtol(tail);
  if (!e || e.rest !== '') throw argError('Integer or range expected', s);
  if (e.value < 0) throw argError('Number is negative', s);
  if (e.value > INT_MAX) throw argError('Number too large', s);
  if (e.value < r.value) throw argError('Malformed range', s);
  return { start: r.value, end: e.value };
}

/** An insert position, absolute or relative to the current entry (`+N` after it, `-N` before it): MPD 0.23's ParseInsertPosition. */
export function parseInsertPosition(s: string, currentPos: number, length: number): number {
  if (s.startsWith('+')) return requireCurrent(currentPos) + 1 + parseUnsigned(s.slice(1), length - currentPos - 1);
  if (s.startsWith('-')) return requireCurrent(currentPos) - parseUnsigned(s.slice(1), currentPos);
  return parseUnsigned(s, length);
}

/** Where `move` puts a range of `count` entries [start, end): MPD 0.23's ParseMoveDestination. */
export function parseMoveDestination(s: string, range: Range, currentPos: number, length: number): number {
  const count = range.end - range.start;
  if (s.startsWith('+') || s.startsWith('-')) {
    let current = requireCurrent(currentPos);
    if (current >= range.start && current < range.end) throw new MpdError(ACK.ARG, 'Cannot move current song relative to itself');
    if (current >= range.end) current -= count;
    const offset = parseUnsigned(s.slice(1), length - current - count);
    return s[0] === '+' ? current + 1 + offset : current - offset;
  }
  return parseUnsigned(s, length - count);
}

function requireCurrent(currentPos: number): number {
  if (currentPos < 0) throw new MpdError(ACK.PLAYER_SYNC, 'No current song');
  return currentPos;
}
