// Damage reaches the track's path and proof as the decoder recorded it (integrity().damage), the
// same for every decoder: a dropped Ogg page is named with the frames it cost, never as a made-up
// truncation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { needTools, run } from '../helpers/tools.ts';
import { oggPages } from '../helpers/containers.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ofType, playAll } from '../helpers/core.ts';

const dir = tempDir('auris-damage-');

test('a damaged Ogg page is named on the track as the decoder found it, with no truncation invented', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const good = path.join(dir, 'good.ogg');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'aevalsrc=0.4*sin(2*PI*440*t)|0.3*sin(2*PI*660*t):s=44100:d=4', '-c:a', 'libvorbis', '-page_duration', '500000', good]);
  const bytes = readFileSync(good);
  const pages = oggPages(bytes);
  bytes[pages[Math.floor(pages.length / 2)]! + 100] ^= 0x01; // the page's CRC fails: it is dropped
  const damaged = path.join(dir, 'page.ogg');
  writeFileSync(damaged, bytes);
  const events = await playAll({ output: 'null:unpaced' }, [damaged]);
  assert.deepEqual(ofType(events, 'track-error'), [], 'a damaged file still plays');
  const end = ofType(events, 'track-end')[0]!;
  assert.equal(end.proof.verified, false);
  const named = /the file is damaged: Vorbis stream damaged at byte \d+: bytes \d+\.\.\d+ are no valid Ogg page \(bad CRC or damaged header\); \d+ frames lost$/;
  assert.match(end.proof.reason, named);
  assert.doesNotMatch(end.proof.reason, /truncated/, 'a dropped page is not a truncation');
  const decoderStage = end.signalPath.stages[0]!.detail;
  assert.match(decoderStage, /damaged: Vorbis stream damaged at byte \d+: .*frames lost$/);
  assert.doesNotMatch(decoderStage, /truncated/);
});
