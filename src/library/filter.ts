// Filters, sort keys and tag names to SQL over the `tracks` table (alias t). Values always travel
// as bound parameters; column names only ever come from the COLUMNS table below.

import { AurisError } from '../util/errors.ts';
import type { Filter, SortKey, TagName } from './types.ts';

interface Column {
  readonly sql: string;
  readonly numeric: boolean;
}

const text = (sql: string): Column => ({ sql, numeric: false });
const num = (sql: string): Column => ({ sql, numeric: true });

export const COLUMNS: Readonly<Record<TagName, Column>> = {
  title: text('t.title'),
  artist: text('t.artist'),
  albumArtist: text('t.album_artist'),
  album: text('t.album'),
  genre: text('t.genre'),
  composer: text('t.composer'),
  date: text('t.date'),
  year: num('t.year'),
  track: num('t.track_no'),
  disc: num('t.disc_no'),
  uri: text('t.uri'),
  codec: text('t.codec'),
  rate: num('t.rate'),
  bits: num('t.bits'),
  channels: num('t.channels'),
  duration: num('t.duration'),
  lossless: num('t.lossless'),
  mbTrackId: text('t.mb_track_id'),
  mbAlbumId: text('t.mb_album_id'),
  mbArtistId: text('t.mb_artist_id'),
  mbAlbumArtistId: text('t.mb_album_artist_id'),
  dr: num('t.dr'),
  loudness: num('t.loudness_lufs'),
  truePeak: num('t.true_peak_dbtp'),
  trueBits: num('t.true_bits'),
  verdict: text('t.verdict'),
  playCount: num('t.play_count'),
  lastPlayed: num('t.last_played'),
  added: num('t.added_at'),
  modified: num('t.mtime'),
};

/** The text tags `{ any }` compares. */
const ANY_TAGS: readonly TagName[] = ['title', 'artist', 'albumArtist', 'album', 'genre', 'composer', 'date', 'uri'];

export function columnOf(tag: string): Column {
  const c = (COLUMNS as Record<string, Column | undefined>)[tag];
  if (!c) throw new AurisError('E_INVALID_ARGUMENT', `unknown tag "${tag}"`, { tag, known: Object.keys(COLUMNS) });
  return c;
}

/** Resolves a folder uri (as listFolder names it) to a root and the path within it; null = no root has it. */
export type BaseResolver = (uri: string) => { rootId: number; rel: string } | null;

export interface Sql {
  readonly where: string;
  readonly params: unknown[];
}

/**
 * The WHERE clause of a filter. Case-insensitive comparisons use casefold() (registered on the
 * connection: full Unicode lower-casing, where SQLite's lower() folds ASCII only); regex uses the
 * registered regexp(). Throws E_INVALID_ARGUMENT for an unknown tag, op or a bad regex.
 */
export function filterSql(filter: Filter | null | undefined, resolveBase: BaseResolver): Sql {
  const params: unknown[] = [];
  const build = (f: Filter): string => {
    if ('and' in f) return f.and.length === 0 ? '1' : `(${f.and.map(build).join(' AND ')})`;
    if ('not' in f) return `NOT (${build(f.not)})`;
    if ('base' in f) {
      const base = f.base.replace(/^\/+|\/+$/g, '');
      const r = resolveBase(base);
      if (!r) return '0';
      params.push(r.rootId);
      if (r.rel === '') return '(t.root_id = ?)';
      params.push(r.rel, `${r.rel}/`, `${r.rel}0`);
      // '0' is the character after '/': the range is "every uri under rel/".
      return '(t.root_id = ? AND (t.uri = ? OR (t.uri >= ? AND t.uri < ?)))';
    }
    if ('modifiedSince' in f) {
      params.push(f.modifiedSince);
      return '(t.mtime >= ?)';
    }
    if ('any' in f) {
      const op = f.op ?? 'eq';
      const parts = ANY_TAGS.map((tag) => compare(columnOf(tag), op, f.any, f.ignoreCase ?? false, params));
      return op === 'ne' ? `(${parts.join(' AND ')})` : `(${parts.join(' OR ')})`;
    }
    if ('tag' in f) return compare(columnOf(f.tag), f.op, f.value, f.ignoreCase ?? false, params);
    throw new AurisError('E_INVALID_ARGUMENT', `not a filter: ${JSON.stringify(f)}`);
  };
  const where = filter ? build(filter) : '1';
  return { where, params };
}

function compare(col: Column, op: string, value: string | number, ignoreCase: boolean, params: unknown[]): string {
  if (col.numeric && (op === 'eq' || op === 'ne')) {
    const n = typeof value === 'number' ? value : Number.parseFloat(value);
    if (!Number.isFinite(n)) return op === 'eq' ? '0' : '1';
    params.push(n);
    return op === 'eq' ? `(${col.sql} = ?)` : `(${col.sql} IS NULL OR ${col.sql} <> ?)`;
  }
  const v = String(value);
  const expr = col.numeric ? `CAST(${col.sql} AS TEXT)` : col.sql;
  const lhs = ignoreCase ? `casefold(${expr})` : expr;
  const rhs = ignoreCase ? v.toLowerCase() : v;
  switch (op) {
    case 'eq':
      // MPD: `find artist ""` matches tracks without an artist.
      if (v === '') return `(${expr} IS NULL OR ${expr} = '')`;
      params.push(rhs);
      return `(${lhs} = ?)`;
    case 'ne':
      if (v === '') return `(${expr} IS NOT NULL AND ${expr} <> '')`;
      params.push(rhs);
      return `(${expr} IS NULL OR ${lhs} <> ?)`;
    case 'contains':
      params.push(rhs);
      return `(instr(${lhs}, ?) > 0)`;
    case 'starts_with':
      params.push(rhs.length, rhs);
      return `(substr(${lhs}, 1, ?) = ?)`;
    case 'regex':
      try {
        new RegExp(v, ignoreCase ? 'iu' : 'u');
      } catch (e) {
        throw new AurisError('E_INVALID_ARGUMENT', `bad regular expression "${v}": ${(e as Error).message}`, { value: v });
      }
      params.push(v, ignoreCase ? 'iu' : 'u');
      return `(regexp(?, ${expr}, ?) = 1)`;
    default:
      throw new AurisError('E_INVALID_ARGUMENT', `unknown filter operator "${op}"`, { op });
  }
}

/** Default order: as an album plays, albums by artist then title. */
export const DEFAULT_SORT: readonly SortKey[] = ['albumArtist', 'album', 'disc', 'track', 'uri'];

/** One term of an ORDER BY: an expression and its direction. */
export interface OrderTerm {
  readonly expr: string;
  readonly desc: boolean;
  /** The expression is never NULL (a NOT NULL column, or an IS NULL test). */
  readonly notNull: boolean;
}

/** Columns declared NOT NULL in the tracks table: they need no "nulls last" term. */
const NOT_NULL = new Set(['t.uri', 't.codec', 't.lossless', 't.play_count', 't.added_at', 't.mtime']);

/** The ORDER BY terms of sort keys: text case-insensitive, nulls last, the id last to break ties. */
export function orderTerms(sort: SortKey | readonly SortKey[] | undefined): OrderTerm[] {
  const keys = sort === undefined ? DEFAULT_SORT : typeof sort === 'string' ? [sort] : sort;
  const terms: OrderTerm[] = [];
  for (const k of keys) {
    const desc = k.startsWith('-');
    const col = columnOf(desc ? k.slice(1) : k);
    const notNull = NOT_NULL.has(col.sql);
    if (!notNull) terms.push({ expr: `${col.sql} IS NULL`, desc: false, notNull: true });
    terms.push({ expr: `${col.sql}${col.numeric ? '' : ' COLLATE NOCASE'}`, desc, notNull });
  }
  terms.push({ expr: 't.id', desc: false, notNull: true });
  return terms;
}

/** ORDER BY for sort keys (orderTerms). */
export function orderSql(sort: SortKey | readonly SortKey[] | undefined): string {
  return orderTerms(sort).map((t) => `${t.expr} ${t.desc ? 'DESC' : 'ASC'}`).join(', ');
}

/**
 * The rows strictly after `keys` (the values of `terms` on the last row of a page) in the order of
 * `terms`: keyset paging, which skips what came before through the WHERE clause instead of sorting
 * it again to throw it away as OFFSET does. When every term is ascending and never NULL (a sort by
 * uri) it is one row-value comparison, which an index range can serve; else the expanded form, with
 * IS for the equalities so that NULL values compare as the ORDER BY's "nulls last" groups them.
 */
export function keysetSql(terms: readonly OrderTerm[], keys: readonly unknown[]): Sql {
  if (keys.length !== terms.length) throw new AurisError('E_INVALID_ARGUMENT', 'a paging cursor from another sort order', { expected: terms.length, got: keys.length });
  if (terms.every((t) => !t.desc && t.notNull)) {
    return { where: `(${terms.map((t) => `(${t.expr})`).join(', ')}) > (${terms.map(() => '?').join(', ')})`, params: [...keys] };
  }
  const ors: string[] = [];
  const params: unknown[] = [];
  for (let i = 0; i < terms.length; i++) {
    const ands: string[] = [];
    for (let j = 0; j < i; j++) {
      ands.push(`(${terms[j]!.expr}) IS ?`); // parenthesised: "x IS NULL > ?" would parse as "x IS (NULL > ?)"
      params.push(keys[j]);
    }
    ands.push(`(${terms[i]!.expr}) ${terms[i]!.desc ? '<' : '>'} ?`);
    params.push(keys[i]);
    ors.push(`(${ands.join(' AND ')})`);
  }
  return { where: `(${ors.join(' OR ')})`, params };
}
