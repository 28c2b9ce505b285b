// MPD's song filters, both syntaxes of 0.23 (src/song/Filter.cxx): expressions in parentheses
// (`(artist == 'x')`, `!=`, `contains`, `!contains`, `=~`, `!~`, `(!E)`, `(E1 AND E2 ...)`,
// `base`, `modified-since`, `file`, `AudioFormat`, `any`) and the old TYPE VALUE pairs. 0.23 has no
// `starts_with` and no `OR`; both are refused here with MPD's own messages. A parsed filter is
// turned into the library's filter (`toLibraryFilter`) or matched against a queue entry (`matchEntry`).

import { ACK, MpdError } from './ack.ts';
import { LIBRARY_TAG_OF, parseTagName, type MpdTag, type TagValues } from './tags.ts';
import type { LibraryFilter } from './database.ts';

export type StringOp = 'eq' | 'ne' | 'contains' | 'notContains' | 'regex' | 'notRegex';

/** A parsed MPD filter. `foldCase`: compare ignoring case (search commands). */
export type MpdFilter =
  | { readonly kind: 'tag'; readonly tag: MpdTag | 'any'; readonly op: StringOp; readonly value: string; readonly foldCase: boolean }
  | { readonly kind: 'file'; readonly op: StringOp; readonly value: string; readonly foldCase: boolean }
  | { readonly kind: 'base'; readonly uri: string }
  | { readonly kind: 'modifiedSince'; readonly ms: number }
  | { readonly kind: 'audioFormat'; readonly rate: number | null; readonly bits: number | 'f' | 'dsd' | null; readonly channels: number | null }
  | { readonly kind: 'and'; readonly items: readonly MpdFilter[] }
  | { readonly kind: 'not'; readonly inner: MpdFilter };

/** MPD rejects a quoted value of 4096 bytes or more. */
const MAX_QUOTED = 4095;

type FilterType = MpdTag | 'any' | 'file' | 'base' | 'modified-since' | 'AudioFormat';

function parseFilterType(name: string): FilterType | null {
  const lower = name.toLowerCase();
  if (lower === 'file' || lower === 'filename') return 'file';
  if (lower === 'any') return 'any';
  if (name === 'base') return 'base';
  if (name === 'modified-since') return 'modified-since';
  if (lower === 'audioformat') return 'AudioFormat';
  return parseTagName(name);
}

const fail = (message: string): never => {
  throw new MpdError(ACK.ARG, message);
};

/** Parses one expression string, which starts with '('. */
export function parseExpression(text: string, foldCase: boolean): MpdFilter {
  let i = 0;
  const n = text.length;
  const isSpace = (c: number): boolean => c <= 0x20 && c !== 0;
  const skip = (): void => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  const word = (): string => {
    const start = i;
    while (i < n && /[A-Za-z_-]/.test(text[i]!)) i++;
    if (i === start) fail('Word expected');
    const w = text.slice(start, i);
    skip();
    return w;
  };
  const quoted = (): string => {
    const q = text[i];
    if (q !== '"' && q !== '\'') fail('Quoted string expected');
    i++;
    let out = '';
    while (text[i] !== q) {
      if (text[i] === '\\') i++;
      if (i >= n) fail('Closing quote not found');
      out += text[i];
      i++;
      if (out.length >= MAX_QUOTED) fail('Quoted value is too long');
    }
    i++;
    skip();
    return out;
  };
  const closing = (): void => {
    if (text[i] !== ')') fail('\')\' expected');
    i++;
    skip();
  };

  const expression = (depth: number): MpdFilter => {
    if (depth > 64) fail('Expression nested too deeply');
    // Here text[i] === '('.
    i++;
    skip();
    if (text[i] === '(') {
      const first = expression(depth + 1);
      if (text[i] === ')') {
        i++;
        return first;
      }
      if (word() !== 'AND') fail('\'AND\' expected');
      const items = [first];
      for (;;) {
        if (text[i] !== '(') fail('\'(\' expected');
        items.push(expression(depth + 1));
        if (text[i] === ')') {
          i++;
          return { kind: 'and', items };
        }
        if (word() !== 'AND') fail('\'AND\' expected');
      }
    }
    if (text[i] === '!') {
      i++;
      skip();
      if (text[i] !== '(') fail('\'(\' expected');
      const inner = expression(depth + 1);
      closing();
      return { kind: 'not', inner };
    }
    const typeName = word();
    const type = parseFilterType(typeName);
    if (type === null) return fail(`Unknown filter type: ${typeName}`);
    if (type === 'modified-since') {
      const v = quoted();
      closing();
      return { kind: 'modifiedSince', ms: parseTimeStamp(v) };
    }
    if (type === 'base') {
      const v = quoted();
      closing();
      return { kind: 'base', uri: v };
    }
    if (type === 'AudioFormat') {
      const two = text.slice(i, i + 2);
      if (two !== '==' && two !== '=~') fail('\'==\' or \'=~\' expected');
      i += 2;
      skip();
      const f = parseAudioFormat(quoted(), two === '=~');
      closing();
      return f;
    }
    const { op, value } = stringFilter();
    closing();
    if (type === 'file') return { kind: 'file', op, value, foldCase };
    return { kind: 'tag', tag: type, op, value, foldCase };
  };

  const stringFilter = (): { op: StringOp; value: string } => {
    const rest = text.slice(i, i + 10).toLowerCase();
    if (rest.startsWith('contains ')) {
      i += 9;
      skip();
      return { op: 'contains', value: quoted() };
    }
    if (rest.startsWith('!contains ')) {
      i += 10;
      skip();
      return { op: 'notContains', value: quoted() };
    }
    const two = text.slice(i, i + 2);
    if (two === '=~' || two === '!~') {
      i += 2;
      skip();
      const value = quoted();
      try {
        new RegExp(value, 'u');
      } catch (e) {
        fail(`Bad regular expression: ${(e as Error).message}`);
      }
      return { op: two === '=~' ? 'regex' : 'notRegex', value };
    }
    if (two !== '==' && two !== '!=') fail('\'==\' or \'!=\' expected');
    i += 2;
    skip();
    return { op: two === '==' ? 'eq' : 'ne', value: quoted() };
  };

  if (text[0] !== '(') fail('\'(\' expected');
  const f = expression(0);
  if (i !== n) fail('Unparsed garbage after expression');
  return f;
}

/** ISO 8601 (date, or date and time, UTC unless an offset is given) or a UNIX time in seconds. */
function parseTimeStamp(s: string): number {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
    const withZone = /T/.test(s) && !/(Z|[+-]\d{2}:?\d{2})$/.test(s) ? `${s}Z` : s;
    const ms = Date.parse(withZone);
    if (Number.isFinite(ms)) return ms;
  }
  return fail(`Failed to parse time stamp: ${s}`);
}

function parseAudioFormat(s: string, mask: boolean): MpdFilter {
  const parts = s.split(':');
  if (parts.length !== 3) fail(parts.length < 3 ? 'Channel count missing' : `Extra data after channel count: ${s}`);
  const [r, b, c] = parts as [string, string, string];
  const num = (v: string, what: string): number | null => {
    if (mask && v === '*') return null;
    if (!/^\d+$/.test(v) || Number(v) === 0) fail(`Invalid ${what}: ${v}`);
    return Number(v);
  };
  let bits: number | 'f' | 'dsd' | null;
  if (mask && b === '*') bits = null;
  else if (b === 'f' || b === 'dsd') bits = b;
  else if (b === '8' || b === '16' || b === '24' || b === '32') bits = Number(b);
  else return fail(`Invalid sample format: ${b}`);
  return { kind: 'audioFormat', rate: num(r, 'sample rate'), bits, channels: num(c, 'channel count') };
}

/**
 * The filter arguments of find/search/count/list...: expressions and TYPE VALUE pairs, all of them
 * ANDed. Old-style pairs with `foldCase` also match substrings, as MPD keeps for 0.20 clients.
 */
export function parseFilterArgs(args: readonly string[], foldCase: boolean): MpdFilter {
  if (args.length === 0) fail('Incorrect number of filter arguments');
  const items: MpdFilter[] = [];
  let k = 0;
  while (k < args.length) {
    const a = args[k]!;
    if (a.startsWith('(')) {
      items.push(parseExpression(a, foldCase));
      k++;
      continue;
    }
    if (args.length - k < 2) fail('Incorrect number of filter arguments');
    const type = parseFilterType(a);
    const value = args[k + 1]!;
    k += 2;
    if (type === null) fail('Unknown filter type');
    else if (type === 'base') items.push({ kind: 'base', uri: value });
    else if (type === 'modified-since') items.push({ kind: 'modifiedSince', ms: parseTimeStamp(value) });
    else if (type === 'AudioFormat') fail('Unknown filter type');
    else {
      const op: StringOp = foldCase ? 'contains' : 'eq';
      items.push(type === 'file' ? { kind: 'file', op, value, foldCase } : { kind: 'tag', tag: type, op, value, foldCase });
    }
  }
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

const TRUE: LibraryFilter = { and: [] };
const FALSE: LibraryFilter = { not: TRUE };
const or = (items: LibraryFilter[]): LibraryFilter => ({ not: { and: items.map((f) => ({ not: f })) } });

/** The library filter that selects the same tracks. */
export function toLibraryFilter(f: MpdFilter): LibraryFilter {
  switch (f.kind) {
    case 'and':
      return { and: f.items.map(toLibraryFilter) };
    case 'not':
      return { not: toLibraryFilter(f.inner) };
    case 'base':
      return { base: f.uri };
    case 'modifiedSince':
      return { modifiedSince: f.ms };
    case 'audioFormat': {
      const items: LibraryFilter[] = [];
      if (f.rate !== null) items.push({ tag: 'rate', op: 'eq', value: f.rate });
      // Auris keeps no float flag on a track; DSD files carry their codec name.
      if (f.bits === 'f') return FALSE;
      if (f.bits === 'dsd') items.push({ tag: 'codec', op: 'contains', value: 'dsd', ignoreCase: true });
      else if (f.bits !== null) items.push({ tag: 'bits', op: 'eq', value: f.bits });
      if (f.channels !== null) items.push({ tag: 'channels', op: 'eq', value: f.channels });
      return { and: items };
    }
    case 'file':
      return stringTest('uri', f.op, f.value, f.foldCase);
    case 'tag': {
      if (f.tag === 'any') {
        const { op, negated } = positive(f.op);
        const any: LibraryFilter = { any: f.value, op, ignoreCase: f.foldCase };
        return negated ? { not: any } : any;
      }
      const column = LIBRARY_TAG_OF[f.tag];
      if (column === null) return absentTag(f.op, f.value);
      const test = stringTest(column, f.op, f.value, f.foldCase);
      // MPD: AlbumArtist falls back to Artist on songs without one.
      if (column === 'albumArtist') {
        const { op, negated } = positive(f.op);
        const hit = or([
          { tag: 'albumArtist', op, value: f.value, ignoreCase: f.foldCase },
          { and: [{ tag: 'albumArtist', op: 'eq', value: '' }, { tag: 'artist', op, value: f.value, ignoreCase: f.foldCase }] },
        ]);
        if (f.value === '' && (f.op === 'eq' || f.op === 'ne')) return test;
        return negated ? { not: hit } : hit;
      }
      return test;
    }
  }
}

function positive(op: StringOp): { op: 'eq' | 'contains' | 'regex'; negated: boolean } {
  switch (op) {
    case 'eq': return { op: 'eq', negated: false };
    case 'ne': return { op: 'eq', negated: true };
    case 'contains': return { op: 'contains', negated: false };
    case 'notContains': return { op: 'contains', negated: true };
    case 'regex': return { op: 'regex', negated: false };
    case 'notRegex': return { op: 'regex', negated: true };
  }
}

function stringTest(tag: string, op: StringOp, value: string, foldCase: boolean): LibraryFilter {
  const p = positive(op);
  const test = { tag, op: p.op, value, ignoreCase: foldCase } as LibraryFilter;
  return p.negated ? (p.op === 'eq' ? ({ tag, op: 'ne', value, ignoreCase: foldCase } as LibraryFilter) : { not: test }) : test;
}

/** A tag no track has: `== ''` matches every track, any other test none (negations the reverse). */
function absentTag(op: StringOp, value: string): LibraryFilter {
  const { op: p, negated } = positive(op);
  const matchesAbsent = p === 'eq' ? value === '' : false;
  return matchesAbsent !== negated ? TRUE : FALSE;
}

/** Whether a queue entry (its uri and tags) passes the filter (playlistfind / playlistsearch). */
export function matchEntry(f: MpdFilter, entry: { readonly uri: string; readonly tags: TagValues; readonly modifiedMs?: number | null }): boolean {
  switch (f.kind) {
    case 'and':
      return f.items.every((x) => matchEntry(x, entry));
    case 'not':
      return !matchEntry(f.inner, entry);
    case 'base':
      return entry.uri === f.uri || entry.uri.startsWith(`${f.uri.replace(/\/+$/, '')}/`);
    case 'modifiedSince':
      return entry.modifiedMs != null && entry.modifiedMs >= f.ms;
    case 'audioFormat':
      return false;
    case 'file':
      return testString(f.op, f.value, f.foldCase, [entry.uri]);
    case 'tag': {
      if (f.tag === 'any') return testString(f.op, f.value, f.foldCase, Object.values(entry.tags).filter((v): v is string => v !== undefined));
      let v = entry.tags[f.tag];
      if (v === undefined && f.tag === 'AlbumArtist') v = entry.tags.Artist;
      if (v === undefined) return absentTag(f.op, f.value) === TRUE;
      return testString(f.op, f.value, f.foldCase, [v]);
    }
  }
}

function testString(op: StringOp, value: string, foldCase: boolean, values: readonly string[]): boolean {
  const { op: p, negated } = positive(op);
  const want = foldCase ? value.toLowerCase() : value;
  const re = p === 'regex' ? new RegExp(value, foldCase ? 'iu' : 'u') : null;
  const hit = values.some((raw) => {
    const v = foldCase ? raw.toLowerCase() : raw;
    if (re) return re.test(raw);
    return p === 'eq' ? v === want : v.includes(want);
  });
  return hit !== negated;
}
