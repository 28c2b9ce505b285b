// Errors as they cross the worker boundary (EngineEvent's WireError): code, message and details,
// the details made structured-clone safe through JSON.

import { asAurisError } from '../util/errors.ts';
import type { WireError } from './protocol.ts';

export function wire(e: unknown): WireError {
  const err = asAurisError(e);
  // Details travel too (a refused format keeps its list of accepted formats); structured-clone safe by JSON.
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(JSON.stringify(err.details)) as Record<string, unknown>;
  } catch {
    details = {};
  }
  return { code: err.code, message: err.message, details };
}
