// ReplayGain through the MPD frontend: replay_gain_mode off|track|album|auto is a saved setting of
// the core, replay_gain_status and status answer as the real mpd 0.23 does, and a track plays at
// its tagged gain (MPD's rules: fallback between track and album gain, preamp, cap, clipping
// prevention by the peak), shown in the signal path; with `off` the samples reach the output as
// they are in the file.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { effectiveReplayGainMode, replayGainFor } from '../../src/core/replay-gain.ts';
import type { CoreEvent } from '../../src/protocol/events.ts';
import { ReplayGainSettingsSchema } from '../../src/protocol/settings.ts';
import { flacAt } from '../library/tree.ts';
import { tempDir } from '../helpers/tmp.ts';
import { hasTool, needTools, toolsRequired } from '../helpers/tools.ts';
import { LineClient, TREE_TOOLS, answersOf, field, flacSamples, makeTree, readWav, startStack, until, type LibraryTree } from './harness.ts';
import { startRealMpd } from './real-mpd.ts';

const DEFAULTS = ReplayGainSettingsSchema.parse({});
const TAGS = { trackGainDb: -6.2, trackPeak: 0.5, albumGainDb: -3, albumPeak: 0.9 };

test('the gain MPD would apply: track or album with fallback, preamp, cap, clipping prevention, missing preamp', () => {
  assert.equal(replayGainFor(TAGS, 'off', DEFAULTS), null);
  assert.deepEqual(replayGainFor(TAGS, 'track', DEFAULTS), { db: -6.2, label: 'ReplayGain track -6.20 dB' });
  assert.deepEqual(replayGainFor(TAGS, 'album', DEFAULTS), { db: -3, label: 'ReplayGain album -3.00 dB' });
  // Each mode falls back on the other gain.
  assert.deepEqual(replayGainFor({ ...TAGS, albumGainDb: null }, 'album', DEFAULTS)?.label, 'ReplayGain track -6.20 dB');
  assert.deepEqual(replayGainFor({ ...TAGS, trackGainDb: null }, 'track', DEFAULTS)?.label, 'ReplayGain album -3.00 dB');
  // The preamp adds; a gain that would push the peak over full scale stops at 1/peak (limit on).
  assert.equal(replayGainFor(TAGS, 'track', { ...DEFAULTS, preampDb: 2 })?.db, -4.2);
  const loud = replayGainFor({ ...TAGS, trackGainDb: 9 }, 'track', DEFAULTS)!;
  assert.ok(Math.abs(loud.db - 20 * Math.log10(2)) < 1e-12, `limited to 1/peak: ${loud.db}`);
  assert.match(loud.label, /^ReplayGain track \+9\.00 dB, limited to \+6\.02 dB by its peak 0\.5$/);
  assert.equal(replayGainFor({ ...TAGS, trackGainDb: 9 }, 'track', { ...DEFAULTS, limit: false })?.db, 9);
  // MPD caps the factor at 15 even without a peak.
  assert.ok(Math.abs(replayGainFor({ ...TAGS, trackGainDb: 30, trackPeak: null }, 'track', DEFAULTS)!.db - 20 * Math.log10(15)) < 1e-12);
  // No tags: the missing preamp (0 dB by default: nothing at all).
  assert.equal(replayGainFor(null, 'track', DEFAULTS), null);
  assert.deepEqual(replayGainFor(null, 'album', { ...DEFAULTS, missingPreampDb: -3 }), { db: -3, label: 'ReplayGain album: no tags, -3.00 dB' });
  // auto: track gain in random mode, album gain in order (MPD's Partition rule).
  assert.equal(effectiveReplayGainMode('auto', true), 'track');
  assert.equal(effectiveReplayGainMode('auto', false), 'album');
  assert.equal(effectiveReplayGainMode('track', false), 'track');
});

const GAIN_URI = 'Gain/Loud.flac';
const GAIN_DB = -6.2;

/** The generated library plus one 2 s track tagged with ReplayGain. */
function treeWithGain(): LibraryTree {
  const tree = makeTree();
  flacAt(tree.root, GAIN_URI, {
    seconds: 2, freq: 1000,
    tags: { TITLE: 'Loud', ARTIST: 'Gain', ALBUM: 'Gain', REPLAYGAIN_TRACK_GAIN: `${GAIN_DB.toFixed(2)} dB`, REPLAYGAIN_TRACK_PEAK: '0.500000', REPLAYGAIN_ALBUM_GAIN: '-3.00 dB', REPLAYGAIN_ALBUM_PEAK: '0.600000' },
  });
  return tree;
}

test('replay_gain_mode track: the tagged gain reaches a file: output, and the signal path says so; off: the file as it is', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const tree = treeWithGain();
  const out = path.join(tempDir('auris-rg-out-'), 'out.wav');
  const stack = await startStack(tree, { output: `file:${out}` });
  const events: CoreEvent[] = [];
  stack.core.on((e) => events.push(e));
  const source = flacSamples(path.join(tree.root, GAIN_URI));
  /** Plays the queue's one entry to its end; the signal path and proof it ended with. */
  const playToEnd = async (c: LineClient) => {
    events.length = 0;
    await c.ok('play 0');
    await until(() => events.some((e) => e.type === 'queue-end'), 20000, 'the end of the queue');
    const end = events.find((e) => e.type === 'track-end');
    assert.ok(end && end.type === 'track-end' && end.completed, 'the track played to its end');
    return end;
  };
  try {
    const c = await LineClient.open(stack.port);
    await c.ok(`add "${GAIN_URI}"`);
    await c.ok('replay_gain_mode track');
    assert.equal(stack.core.settings.get().replayGain.mode, 'track', 'a setting of the core');
    const end = await playToEnd(c);
    const wav = readWav(out);
    assert.equal(wav.channels, 2);
    assert.equal(wav.samples.length, source.length, 'every sample of the file');
    // A 16-bit source with gain goes out at 24 bits when the output takes them (the plan's rule), with TPDF dither:
    // each sample is the source x 10^(g/20) within 2 LSB of the output (0.5 rounding + at most 1 of dither, and margin).
    const scale = 10 ** (GAIN_DB / 20) * 2 ** (wav.bits - 16);
    let worst = 0;
    for (let i = 0; i < source.length; i++) worst = Math.max(worst, Math.abs(wav.samples[i]! - source[i]! * scale));
    assert.ok(worst <= 2, `worst error ${worst} LSB at ${wav.bits} bits`);
    assert.equal(end.signalPath.verdict, 'enhanced');
    assert.ok(end.signalPath.reasons.includes('not bit-perfect: ReplayGain track -6.20 dB'), end.signalPath.reasons.join('; '));
    const stage = end.signalPath.stages.find((s) => s.name === 'ReplayGain track -6.20 dB');
    assert.ok(stage && stage.changesSamples && stage.chosenByUser, 'a stage that changes samples, chosen by the user');
    assert.equal(end.proof.verified, false);

    // album mode takes the album gain; the same file added by path (not through the library) reads its own tags.
    await c.ok('clear');
    await stack.core.queue.add([path.join(tree.root, GAIN_URI)]);
    await c.ok('replay_gain_mode album');
    const album = await playToEnd(c);
    assert.ok(album.signalPath.reasons.includes('not bit-perfect: ReplayGain album -3.00 dB'), album.signalPath.reasons.join('; '));

    await c.ok('replay_gain_mode off');
    // A stream of another format goes to a new file (out-2.wav...): name one for this play.
    const offOut = path.join(path.dirname(out), 'off.wav');
    await stack.core.outputs.select(`file:${offOut}`, 'exclusive');
    const off = await playToEnd(c);
    const plain = readWav(offOut);
    assert.equal(plain.bits, 16);
    assert.deepEqual(plain.samples, source, 'with ReplayGain off the output holds the file\'s samples');
    assert.equal(off.signalPath.verdict, 'bit-perfect');
    assert.equal(off.proof.verified, true, off.proof.reason);
    c.close();
  } finally {
    await stack.close();
  }
});

const MODE_COMMANDS = [
  'replay_gain_status', 'status', 'replay_gain_mode track', 'replay_gain_status', 'status', 'replay_gain_mode album', 'replay_gain_status', 'status',
  'replay_gain_mode auto', 'replay_gain_status', 'status', 'replay_gain_mode loud', 'replay_gain_mode', 'replay_gain_status x',
  'replay_gain_mode off', 'replay_gain_status', 'status',
];

test('replay_gain_mode and replay_gain_status answer as the real mpd 0.23 does, and wake idle options', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const tree = treeWithGain();
  const stack = await startStack(tree);
  let ours: string[][];
  try {
    const idler = await LineClient.open(stack.port);
    idler.send('idle options\n');
    ours = await answersOf(stack.port, MODE_COMMANDS);
    assert.deepEqual((await idler.reply()).lines, ['changed: options']);
    idler.close();
    // Saved with the settings: a new core on the same data folder starts in the mode last set.
    await LineClient.open(stack.port).then(async (c) => { await c.ok('replay_gain_mode album'); c.close(); });
    assert.equal(JSON.parse(readFileSync(path.join(stack.core.dataFolder, 'settings.json'), 'utf8')).replayGain.mode, 'album');
    assert.equal(field(ours[MODE_COMMANDS.indexOf('replay_gain_mode track') + 1]!, 'replay_gain_mode'), 'track');
  } finally {
    await stack.close();
  }
  if (!hasTool('mpd')) {
    if (toolsRequired) throw new Error('AURIS_REQUIRE_TOOLS=1 and mpd is missing');
    t.diagnostic('mpd is not installed: the comparison with the real mpd is skipped');
    return;
  }
  const real = await startRealMpd(tree.root);
  try {
    const theirs = await answersOf(real.port, MODE_COMMANDS);
    MODE_COMMANDS.forEach((cmd, i) => assert.deepEqual(ours[i], theirs[i], cmd));
  } finally {
    await real.close();
  }
});
