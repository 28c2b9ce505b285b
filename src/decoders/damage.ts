// Damage as the decoders record it and as every command reports it (the rule is on `Damage` in
// interface.ts). Decoders keep a DamageLog behind integrity(); `decode`, `verify`, `info --verify`
// and the player turn a finished decode's report into one error with damageError(), so a damaged
// file is named the same way, with the same code, whichever command read it.

import { AurisError, type ErrorCode } from '../util/errors.ts';
import type { Damage, IntegrityReport } from './interface.ts';

/** Entries kept per list: a file damaged all through is still described by its first 100 places. */
const MAX_ENTRIES = 100;

/** The warnings and damage of one decoder, for its integrity(). */
export class DamageLog {
  readonly warnings: string[] = [];
  readonly damage: Damage[] = [];

  constructor(warnings: readonly string[] = []) {
    for (const w of warnings) this.warn(w);
  }

  /** An oddity that loses no audio (said once). */
  warn(message: string): void {
    if (this.warnings.length < MAX_ENTRIES && !this.warnings.includes(message)) this.warnings.push(message);
  }

  /** Audio lost or replaced at one place: a damage entry, and its message among the warnings. */
  damaged(code: Damage['code'], message: string, offset: number | null = null, frames: number | null = null): void {
    // The same place met again (a second pass after a backward seek) is one place.
    if (this.damage.some((d) => d.message === message)) return;
    if (this.damage.length < MAX_ENTRIES) this.damage.push({ code, message, offset, frames });
    this.warn(message);
  }

  /**
   * `frames` fewer than stated came out of a stream that met damage of unknown cost: they are
   * that damage's loss (its entry gets the count, or with several such entries, a warning says the
   * total). False when no entry can explain them (then they are a truncation).
   */
  attributeLoss(frames: number): boolean {
    const open = this.damage.filter((d) => d.code === 'E_CORRUPT' && d.frames === null);
    if (open.length === 0) return false;
    if (open.length === 1) {
      const i = this.damage.indexOf(open[0]!);
      const d = open[0]!;
      const message = `${d.message}; ${framesText(frames)} lost`;
      this.damage[i] = { ...d, message, frames };
      const w = this.warnings.indexOf(d.message);
      if (w >= 0) this.warnings[w] = message;
    } else {
      this.warn(`${framesText(frames)} lost in all at the ${open.length} damaged places`);
    }
    return true;
  }

  report(md5: IntegrityReport['md5'], crcErrors: number): IntegrityReport {
    return { md5, crcErrors, warnings: [...this.warnings], damage: [...this.damage] };
  }
}

/** "4608 frames" / "1 frame". */
export function framesText(n: number): string {
  return `${n} frame${n === 1 ? '' : 's'}`;
}

/**
 * The damage of a file decoded from its start to its end: the decoder's entries, or, when it
 * recorded none, `decoded` frames short of the `stated` length as one truncation.
 */
export function damageFound(report: IntegrityReport, decoded: number, stated: number | null): Damage[] {
  if (report.damage.length > 0 || stated === null || decoded >= stated) return [...report.damage];
  return [{ code: 'E_TRUNCATED', message: `${decoded} of ${stated} frames decoded (truncated)`, offset: null, frames: stated - decoded }];
}

/**
 * The error that says what was damaged in a file decoded from its start to its end (`decoded`
 * frames, `stated` by its header or null), or null for an undamaged file. The code is E_CORRUPT
 * when any data was bad, E_TRUNCATED when the file only ends early, E_MD5_MISMATCH when the
 * samples differ from the stored MD5 with no other damage found (see damageFound).
 */
export function damageError(path: string, report: IntegrityReport, decoded: number, stated: number | null): AurisError | null {
  const damage = damageFound(report, decoded, stated);
  const length = `${framesText(decoded)} decoded${stated !== null && stated !== decoded ? ` of the ${stated} the file states` : ''}`;
  if (damage.length === 0) {
    if (report.md5 !== 'mismatch') return null;
    return new AurisError('E_MD5_MISMATCH', `${path}: decoded audio does not match the stored MD5 (${length})`, { path, frames: decoded });
  }
  const code: ErrorCode = damage.some((d) => d.code === 'E_CORRUPT') ? 'E_CORRUPT' : 'E_TRUNCATED';
  const affected = damage.every((d) => d.frames !== null) ? `, ${framesText(damage.reduce((n, d) => n + d.frames!, 0))} affected` : '';
  const shown = damage.slice(0, 3).map((d) => d.message).join('; ');
  const more = damage.length > 3 ? `; and ${damage.length - 3} more` : '';
  const places = damage.length === 1 ? 'damaged' : `damaged in ${damage.length} places`;
  return new AurisError(code, `${path}: ${places}${affected}: ${shown}${more} (${length})`, {
    path, frames: decoded, statedFrames: stated, damage: damage.map((d) => ({ ...d })),
  });
}
