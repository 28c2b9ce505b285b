// Checking one file's integrity by decoding it completely: FLAC frame CRCs and the STREAMINFO MD5,
// Ogg page CRCs, truncation against the stored length, garbage. Damaged input follows the rule of
// every command (Damage in src/decoders/interface.ts): the decode goes on past the damage (lenient
// mode) so that every damaged place is named and `frames` is what `decode` writes. Runs as a job of
// the job service (jobs.ts); never throws (every failure becomes a result).

import { openFile } from '../decoders/registry.ts';
import { damageError } from '../decoders/damage.ts';
import { asAurisError, type ErrorCode } from '../util/errors.ts';
import type { Damage, IntegrityReport } from '../decoders/interface.ts';

/** The outcome for one file. `ok` is false when anything failed. */
export interface VerifyResult {
  readonly path: string;
  readonly ok: boolean;
  readonly codec: string | null;
  readonly frames: number;
  readonly md5: IntegrityReport['md5'] | null;
  readonly crcErrors: number;
  readonly warnings: readonly string[];
  /** The damaged places found (integrity().damage); the error sums them up. */
  readonly damage: readonly Damage[];
  readonly error: { readonly code: ErrorCode; readonly message: string } | null;
}

const READ_FRAMES = 65536;

/** Decodes `path` to its end and reports what was found. */
export async function verifyFile(path: string): Promise<VerifyResult> {
  let codec: string | null = null;
  let frames = 0;
  let integrity: IntegrityReport | null = null;
  try {
    const file = await openFile(path, { integrity: 'lenient' });
    try {
      codec = file.decoder.info.codec;
      for (let b = await file.decoder.read(READ_FRAMES); b; b = await file.decoder.read(READ_FRAMES)) frames += b.frames;
      integrity = file.decoder.integrity();
      const damaged = damageError(path, integrity, frames, file.decoder.info.totalFrames);
      return result(path, codec, frames, integrity, damaged && { code: damaged.code, message: damaged.message });
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
    md5: integrity?.md5 ?? null, crcErrors: integrity?.crcErrors ?? 0, warnings: integrity?.warnings ?? [], damage: integrity?.damage ?? [], error,
  };
}
