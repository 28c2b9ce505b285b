// Request validation with the zod schemas of src/protocol: a body or query that does not fit is an
// E_INVALID_ARGUMENT naming each field and what was wrong with it.

import type { z } from 'zod';
import { AurisError } from '../util/errors.ts';

/** `value` parsed by `schema`; an absent body counts as `{}` (a command with no arguments). */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0]!;
  throw new AurisError('E_INVALID_ARGUMENT', `${what}: ${first.path ? `${first.path}: ` : ''}${first.message}`, { issues });
}

/** A positive integer id from a URL parameter (a library or queue id), else E_INVALID_ARGUMENT. */
export function parseId(raw: string, what: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new AurisError('E_INVALID_ARGUMENT', `${what} must be a positive integer, not ${JSON.stringify(raw)}`, { value: raw });
  return Number(raw);
}
