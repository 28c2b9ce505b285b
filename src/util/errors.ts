// One catalog of error codes for the whole project. Every error Auris raises on purpose is an
// AurisError with one of these codes, so callers (CLI, server, engine) branch on `code`, never on text.

export const ERROR_CODES = {
  E_INVALID_ARGUMENT: 'an argument or option has a value Auris cannot use',
  E_NOT_FOUND: 'a file, device or item does not exist',
  E_IO: 'reading or writing failed at the operating-system level',
  E_PERMISSION: 'the operating system refused access to a file or folder',
  E_NOT_A_FILE: 'the path is not a regular file (a FIFO, socket or device)',
  E_OUTPUT_IS_INPUT: 'the output file is one of the inputs (by any name): writing it would destroy what is read',
  E_UNSUPPORTED_FORMAT: 'the file is not in a format any decoder handles',
  E_UNSUPPORTED_FEATURE: 'the file uses a feature of its format that this decoder refuses',
  E_CORRUPT: 'the data breaks its format (bad header, bad CRC, impossible value)',
  E_TRUNCATED: 'the data ends before its format says it should',
  E_MD5_MISMATCH: 'the decoded samples do not match the MD5 stored in the file',
  E_TOOL_MISSING: 'an external program Auris needs for this is not installed',
  E_TOOL_FAILED: 'an external program Auris ran exited with an error',
  E_FORMAT_REFUSED: 'the device or stage does not accept this sample format, rate or channel count',
  E_DEVICE_BUSY: 'the device is held by another program',
  E_DEVICE_LOST: 'the device went away while in use',
  E_DEVICE: 'the audio device reported an error',
  E_STATE: 'the call does not fit the current state (closed, not open, already running)',
  E_UNAUTHORIZED: 'the request lacks the token this server requires',
  E_FORBIDDEN: 'the request came from a host name or a page this server does not answer',
  E_INTERNAL: 'a bug in Auris: please report it',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error class Auris throws on purpose; `details` carries structured context for UIs and logs. */
export class AurisError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AurisError';
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isAurisError(e: unknown, code?: ErrorCode): e is AurisError {
  return e instanceof AurisError && (code === undefined || e.code === code);
}

/** Wraps anything thrown into an AurisError, keeping AurisErrors as they are. */
export function asAurisError(e: unknown, fallback: ErrorCode = 'E_INTERNAL'): AurisError {
  if (e instanceof AurisError) return e;
  if (e instanceof Error) {
    const sys = (e as NodeJS.ErrnoException).code;
    if (sys === 'ENOENT') return new AurisError('E_NOT_FOUND', e.message, { syscall: sys }, { cause: e });
    if (sys === 'EACCES' || sys === 'EPERM') return new AurisError('E_PERMISSION', e.message, { syscall: sys }, { cause: e });
    if (typeof sys === 'string' && sys.startsWith('E')) return new AurisError('E_IO', e.message, { syscall: sys }, { cause: e });
    return new AurisError(fallback, e.message, {}, { cause: e });
  }
  return new AurisError(fallback, String(e));
}
