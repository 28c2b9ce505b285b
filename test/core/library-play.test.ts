// The library through the core: tracks queued by library id play from their files, CUE tracks
// play as sample-exact ranges of one file (gapless back to back), and plays reach the history.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isEnd, nextEvent, ofType } from '../helpers/core.ts';
import { needTools, run } from '../helpers/tools.ts';
import { noise } from '../helpers/signals.ts';
import { tempDir } from '../helpers/tmp.ts';
import { startCore } from '../../src/core/index.ts';
import type { CoreEvent } from '../../src/protocol/events.ts';
import { packInt, packMd5Layout } from '../../src/audio/pack.ts';
import { wavHeaderSize } from '../../src/audio/wav.ts';
import { pcmFormat } from '../../src/audio/format.ts';

const RATE = 44100;

test('CUE tracks queued from the library play as exact ranges of their file, gapless, each proven against its decoded samples', async (t) => {
  if (!needTools(t, 'flac')) return;
  const dir = tempDir('auris-core-lib-');
  const music = path.join(dir, 'music');
  mkdirSync(path.join(music, 'Live'), { recursive: true });
  // 4 s of 24-bit stereo, cut by the sheet at 1.2 s and 2.72 s (CD frames: 75 per second).
  const whole = noise(RATE * 4, 2, 24, 11);
  const raw = path.join(dir, 'live.raw');
  writeFileSync(raw, packMd5Layout(whole, 24));
  run('flac', ['-s', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', '--bps=24', `--sample-rate=${RATE}`, '-o', path.join(music, 'Live', 'live.flac'), raw]);
  writeFileSync(path.join(music, 'Live', 'live.cue'), [
    'PERFORMER "The Band"', 'TITLE "Live"', 'FILE "live.flac" WAVE',
    '  TRACK 01 AUDIO', '    TITLE "One"', '    INDEX 01 00:00:00',
    '  TRACK 02 AUDIO', '    TITLE "Two"', '    INDEX 01 00:01:15',
    '  TRACK 03 AUDIO', '    TITLE "Three"', '    INDEX 01 00:02:54', '',
  ].join('\r\n'));
  const cuts = [0, Math.round(1.2 * RATE), Math.round((2 + 54 / 75) * RATE), whole.length / 2];

  const data = path.join(dir, 'data');
  const out = path.join(dir, 'out.wav');
  const core = await startCore({ dataDir: data, engine: 'in-process', library: true, settings: { output: { name: `file:${out}`, mode: 'exclusive' } } });
  const events: CoreEvent[] = [];
  core.on((e) => events.push(e));
  try {
    const lib = core.library!;
    await lib.addRoot(music);
    await lib.scan();
    const tracks = lib.library.listFolder('Live/live.cue').tracks;
    assert.deepEqual(tracks.map((x) => x.title), ['One', 'Two', 'Three']);
    assert.deepEqual(tracks.map((x) => [x.startFrame ?? 0, x.endFrame ?? whole.length / 2]), [[cuts[0], cuts[1]], [cuts[1], cuts[2]], [cuts[2], cuts[3]]]);
    const ids = await core.queue.add(tracks.map((x) => ({ trackId: x.id })));
    const item = core.queue.snapshot().items[1]!;
    assert.deepEqual([item.tags.title, item.startFrame, item.endFrame, item.trackId], ['Two', cuts[1], cuts[2], tracks[1]!.id]);
    const ended = nextEvent(core, events, isEnd);
    await core.player.play(ids[0]);
    await ended;
    const captured = readFileSync(out).subarray(wavHeaderSize(pcmFormat(RATE, 2, 24)));
    assert.ok(Buffer.from(packInt(whole, 24, 'S24_3LE')).equals(captured), 'the three ranges back to back are the whole file, byte for byte');
    assert.equal(ofType(events, 'output-open').length, 1, 'one stream: the ranges join gaplessly');
    const ends = ofType(events, 'track-end');
    assert.equal(ends.length, 3);
    for (const e of ends) {
      assert.equal(e.completed, true);
      assert.equal(e.proof.verified, true, e.proof.reason);
      assert.equal(e.proof.reference, 'decoded', 'a range is compared with its own decoded samples, not the whole-file MD5');
    }
    assert.deepEqual(lib.library.history().map((h) => h.trackId).sort((a, b) => a - b), tracks.map((x) => x.id).sort((a, b) => a - b), 'each play is in the history');
  } finally {
    await core.close();
  }
});
