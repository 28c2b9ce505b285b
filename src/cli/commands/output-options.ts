// Option parsing shared by the commands that open an output (play, debug output).

import type { OutputMode } from '../../core/devices.ts';
import { AurisError } from '../../util/errors.ts';

export interface ModeFlags {
  exclusive?: boolean;
  shared?: boolean;
}

/** --exclusive (the default) or --shared, never both. */
export function modeFrom(flags: ModeFlags): OutputMode {
  if (flags.exclusive && flags.shared) throw new AurisError('E_INVALID_ARGUMENT', 'choose --exclusive or --shared, not both');
  return flags.shared ? 'shared' : 'exclusive';
}

/** A positive integer option value. */
export function intOption(name: string, value: string | undefined, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new AurisError('E_INVALID_ARGUMENT', `--${name} must be an integer in ${min}..${max}, not ${value}`);
  return n;
}
