// One rule for damaged input in `auris decode` (issue 17, classes 7 and 9): decode what can be
// decoded into a valid output file, then fail (non-zero exit) with an error that names the file
// and the damage. Files cut short are made from real encodes (ffmpeg: libopus, libvorbis,
// libmp3lame, pcm) and the output is compared with what ffmpeg reads back from it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { decodeToFile } from '../../src/cli/commands/decode.ts';
import { isAurisError } from '../../src/util/errors.ts';

const SOURCE = 'aevalsrc=0.4*sin(2*PI*440*t)|0.3*sin(2*PI*660*t):s=48000:d=3';

for (const c of [
  { file: 'a.opus', args: ['-c:a', 'libopus', '-page_duration', '100000'] },
  { file: 'a.ogg', args: ['-c:a', 'libvorbis', '-page_duration', '100000'] },
  { file: 'a.mp3', args: ['-c:a', 'libmp3lame'] },
  { file: 'a.wav', args: ['-c:a', 'pcm_s16le'] },
]) {
  test(`decode ${c.file} cut to 60%: the whole frames before the cut land in a valid WAV, then E_TRUNCATED naming the file`, async (t) => {
    if (!needTools(t, 'ffmpeg')) return;
    const dir = tempDir();
    const whole = path.join(dir, c.file);
    run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', SOURCE, ...c.args, whole]);
    const bytes = readFileSync(whole);
    const cut = path.join(dir, `cut-${c.file}`);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const out = path.join(dir, 'out.wav');
    let error: unknown = null;
    try {
      await decodeToFile(cut, out, 0, null);
    } catch (e) {
      error = e;
    }
    assert.ok(isAurisError(error, 'E_TRUNCATED'), `E_TRUNCATED, got ${String(error)}`);
    assert.ok(error.message.includes(cut), error.message);
    const written = error.details.framesWritten as number;
    // Up to 60% of 3 s at 48 kHz (less by the share of the headers: Vorbis's are a few KiB).
    assert.ok(written > 0.4 * 144000 && written <= 0.6 * 144000, `${written} frames`);
    // ffmpeg reads the output as a complete WAV of exactly that length.
    const probe = JSON.parse(run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', out]).toString()) as { streams: { duration_ts: number }[] };
    assert.equal(probe.streams[0]!.duration_ts, written);
  });
}
