// Checking one file's integrity by decoding it completely in strict mode: FLAC frame CRCs and the
// STREAMINFO MD5, truncation against the stored length, garbage the decoders refuse. Runs as a job
// of the job service (jobs.ts); never throws (every failure becomes a result).

import { openFile } from '../decoders/registry.ts';
import { asAurisError, type ErrorCode } from '../util/errors.ts';
import type { IntegrityReport } from '../decoders/interface.ts';

/** The outcome for one file. `ok` is false when anything failed. */
export interface VerifyResult {
  readonly path: string;
  readonly ok: boolean;
  readonly codec: string | null;
  readonly frames: number;
  readonly md5: IntegrityReport['md5'] | null;
  readonly crcErrors: number;
  readonly warnings: readonly string[];
  readonly error: { readonly code: ErrorCode; readonly message: string } | null;
}

const READ_FRAMES = 65536;

/** Decodes `path` to its end and reports what was found. */
export async function verifyFile(path: string): Promise<VerifyResult> {
  let codec: string | null = null;
  let frames = 0;
  let integrity: IntegrityReport | null = null;
  try {
    const file = await openFile(path, { integrity: 'strict' });
    try {
      codec = file.decoder.info.codec;
      for (let b = await file.decoder.read(READ_FRAMES); b; b = await file.decoder.read(READ_FRAMES)) frames += b.frames;
      integrity = file.decoder.integrity();
      const total = file.decoder.info.totalFrames;
      if (total !== null && frames < total) {
        return result(path, codec, frames, integrity, { code: 'E_TRUNCATED', message: `${path}: ${frames} of ${total} frames decoded` });
      }
      if (integrity.md5 === 'mismatch') {
        return result(path, codec, frames, integrity, { code: 'E_MD5_MISMATCH', message: `${path}: decoded audio does not match the stored MD5` });
      }
      if (integrity.crcErrors > 0) {
        return result(path, codec, frames, integrity, { code: 'E_CORRUPT', message: `${path}: ${integrity.crcErrors} frames failed their checksum` });
      }
      return result(path, codec, frames, integrity, null);
    } finally {
      await file.close();
    }
  } catch (e) {
    const err = asAurisError(e);
    return result(path, codec, frames, integrity, { code: err.code, message: err.message });
  }
}

/** The result for a file whose check could not run to its end (`error` says why). */
export function failedVerify(path: string, error: { readonly code: ErrorCode; readonly message: string }): VerifyResult {
  return result(path, null, 0, null, { code: error.code, message: error.message });
}

function result(path: string, codec: string | null, frames: number, integrity: IntegrityReport | null, error: VerifyResult['error']): VerifyResult {
  return {
    path, ok: error === null, codec, frames,
    md5: integrity?.md5 ?? null, crcErrors: integrity?.crcErrors ?? 0, warnings: integrity?.warnings ?? [], error,
  };
}
