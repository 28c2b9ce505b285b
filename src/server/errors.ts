// The one table from error code to HTTP status, and the error answer of every route. A code not in
// the table does not compile (Record over ErrorCode), and test/server/errors.test.ts checks that
// every code answers with its status through a real route.

import { AurisError, ERROR_CODES, asAurisError, type ErrorCode } from '../util/errors.ts';
import type { HttpErrorBody } from '../protocol/http.ts';

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  E_INVALID_ARGUMENT: 400,
  E_NOT_FOUND: 404,
  E_IO: 500,
  E_PERMISSION: 403,
  E_NOT_A_FILE: 422,
  E_OUTPUT_IS_INPUT: 409,
  E_UNSUPPORTED_FORMAT: 422,
  E_UNSUPPORTED_FEATURE: 422,
  E_CORRUPT: 422,
  E_TRUNCATED: 422,
  E_MD5_MISMATCH: 422,
  E_TOOL_MISSING: 503,
  E_TOOL_FAILED: 502,
  E_FORMAT_REFUSED: 409,
  E_DEVICE_BUSY: 409,
  E_DEVICE_LOST: 503,
  E_DEVICE: 502,
  E_STATE: 409,
  E_UNAUTHORIZED: 401,
  E_FORBIDDEN: 403,
  E_INTERNAL: 500,
};

/** Status of a code; a code outside the catalog (from a newer core) is a server error. */
export function statusOf(code: string): number {
  return Object.hasOwn(ERROR_CODES, code) ? HTTP_STATUS[code as ErrorCode] : 500;
}

/**
 * What fastify reports about a request it could not take (bad JSON, unsupported media type, body too
 * large, unknown route) becomes an AurisError: 404 is E_NOT_FOUND, any other 4xx E_INVALID_ARGUMENT.
 */
export function toAurisError(e: unknown): AurisError {
  if (e instanceof AurisError) return e;
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const fastifyCode = (e as { code?: unknown }).code;
    const details = typeof fastifyCode === 'string' ? { reason: fastifyCode, status } : { status };
    return new AurisError(status === 404 ? 'E_NOT_FOUND' : 'E_INVALID_ARGUMENT', (e as Error).message, details);
  }
  return asAurisError(e);
}

/** The body and status of a failed request. */
export function errorReply(e: unknown): { status: number; body: HttpErrorBody } {
  const err = toAurisError(e);
  // A 4xx from fastify keeps its own status (413 body too large, 415 not JSON); ours come from the table.
  const fastifyStatus = err.details.status;
  const status = typeof fastifyStatus === 'number' && !(e instanceof AurisError) ? fastifyStatus : statusOf(err.code);
  return { status, body: { error: { code: err.code, message: err.message, details: { ...err.details } } } };
}
