// Every file of the FLAC decoder testbench behaves as its MANIFEST.tsv row says, in strict and in
// lenient mode: decoded MD5 equal, or a clean typed refusal where the row allows one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isAurisError, type ErrorCode } from '../../../src/util/errors.ts';
import { toolsRequired } from '../../helpers/tools.ts';
import { decodeAll, testbenchDir, type DecodeResult } from './flac-helpers.ts';

const REFUSALS: readonly ErrorCode[] = ['E_CORRUPT', 'E_TRUNCATED', 'E_UNSUPPORTED_FEATURE', 'E_MD5_MISMATCH'];

/** What the testbench README says the mid-stream changes of uncommon/01-04 are. */
const CHANGES: Record<string, { key: 'rate' | 'channels' | 'validBits'; values: number[] }> = {
  'uncommon/01 - changing samplerate.flac': { key: 'rate', values: [32000, 24000, 16000, 48000] },
  'uncommon/02 - increasing number of channels.flac': { key: 'channels', values: [1, 2, 6] },
  'uncommon/03 - decreasing number of channels.flac': { key: 'channels', values: [4, 2, 1] },
  'uncommon/04 - changing bitdepth.flac': { key: 'validBits', values: [16, 8, 24] },
};

interface Row {
  readonly file: string;
  readonly expect: 'decode' | 'decode-or-refuse' | 'libflac-decodes' | 'refuse-or-recover';
  readonly md5: string | null;
}

function manifest(): Row[] {
  const text = readFileSync(path.join(testbenchDir, 'MANIFEST.tsv'), 'utf8');
  return text.trim().split('\n').slice(1).map((line) => {
    const [file, expect, md5] = line.split('\t');
    return { file: file!, expect: expect as Row['expect'], md5: md5 && md5 !== '-' ? md5 : null };
  });
}

async function attempt(file: string, integrity: 'strict' | 'lenient'): Promise<DecodeResult | ErrorCode> {
  try {
    return await decodeAll(file, { integrity });
  } catch (e) {
    if (isAurisError(e)) return e.code;
    throw e;
  }
}

test('FLAC testbench: every manifest row', { timeout: 120_000 }, async (t) => {
  if (!existsSync(path.join(testbenchDir, 'MANIFEST.tsv'))) {
    // CI places shared/ beside the clone; there its absence is a failure, not a skip.
    if (toolsRequired) assert.fail(`no FLAC testbench at ${testbenchDir}`);
    t.skip(`no FLAC testbench at ${testbenchDir}`);
    return;
  }
  const rows = manifest();
  assert.ok(rows.length >= 70, `manifest has ${rows.length} rows`);
  for (const row of rows) {
    await t.test(row.file, async () => {
      const file = path.join(testbenchDir, row.file);
      // Lenient mode (the player's) must give the same answers; it is what recovers damaged files.
      const modes = row.expect === 'decode' ? (['strict'] as const) : (['strict', 'lenient'] as const);
      for (const mode of modes) {
        const r = await attempt(file, mode);
        const where = `${row.file} (${mode})`;
        if (row.expect === 'decode') {
          assert.ok(typeof r === 'object', `${where} must decode, got ${String(r)}`);
          assert.equal(r.md5, row.md5, `${where}: decoded MD5`);
          assert.equal(r.integrity.crcErrors, 0, `${where}: CRC errors`);
          assert.ok(r.integrity.md5 === 'match' || r.integrity.md5 === 'absent', `${where}: STREAMINFO MD5 ${r.integrity.md5}`);
        } else if (row.expect === 'libflac-decodes') {
          if (typeof r === 'string') assert.ok(REFUSALS.includes(r), `${where}: refusal code ${r}`);
          else assert.equal(r.md5, row.md5, `${where}: decoded MD5 differs from libFLAC's`);
        } else if (typeof r === 'string') {
          assert.ok(REFUSALS.includes(r), `${where}: refusal code ${r}`);
        } else {
          assert.ok(r.frames > 0, `${where}: recovered nothing`);
          const change = CHANGES[row.file];
          if (change) assert.deepEqual(r.formats.map((f) => f[change.key]), change.values, `${where}: format changes`);
        }
      }
    });
  }
});
