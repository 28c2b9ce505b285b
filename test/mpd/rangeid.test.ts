// rangeid (MPD 0.19+, as 0.23 has it): the part of a queued song to play, in seconds of its file.
// The argument parser against the answers the real mpd 0.23 gave; the core's seconds-to-frames
// rule; python-mpd2 setting a range and the played range reaching a `file:` output sample for
// sample (compared with `flac -d --skip --until` of the same file); `playlistinfo` compared line
// for line with the real mpd on the same library where mpd is installed.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { rangeInFrames } from '../../src/core/core.ts';
import { ACK, MpdError } from '../../src/mpd/ack.ts';
import { parseTimeRange } from '../../src/mpd/args.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { tempDir } from '../helpers/tmp.ts';
import { DEBIAN_PYTHON, hasTool, needPythonModule, needTools, toolsRequired } from '../helpers/tools.ts';
import { LineClient, TREE, TREE_TOOLS, answersOf, field, flacSamples, makeTree, readWav, sleep, startStack, until } from './harness.ts';
import { startRealMpd } from './real-mpd.ts';

const exec = promisify(execFile);
const RATE = 44100;

const badRange = (s: string): void => {
  assert.throws(() => parseTimeRange(s), (e: unknown) => e instanceof MpdError && e.ack === ACK.ARG && e.message === 'Bad range', s);
};

test('rangeid START:END: seconds as floats, either side empty, ":" for the whole song (as mpd 0.23 parses it)', () => {
  assert.deepEqual(parseTimeRange('1.5:3.25'), { startMs: 1500, endMs: 3250 });
  assert.deepEqual(parseTimeRange('2.3:'), { startMs: 2300, endMs: null });
  assert.deepEqual(parseTimeRange(':4'), { startMs: 0, endMs: 4000 });
  assert.deepEqual(parseTimeRange(':'), { startMs: 0, endMs: null });
  assert.deepEqual(parseTimeRange('0.001:0.002'), { startMs: 1, endMs: 2 });
  // An end of 0 is "no end" to mpd; leading blanks and exponents are strtof's.
  assert.deepEqual(parseTimeRange('1:0'), { startMs: 1000, endMs: null });
  assert.deepEqual(parseTimeRange(' 1:2'), { startMs: 1000, endMs: 2000 });
  assert.deepEqual(parseTimeRange('1e0:2'), { startMs: 1000, endMs: 2000 });
  for (const s of ['2:1', '1:1', 'x', '1', '-1:', '1:-2', '1:2x', 'a:2', '']) badRange(s);
});

test('the core turns ms into source frames rounding down, refuses a start past the end, opens an end past it', () => {
  const file = { framesPerSecond: RATE, totalFrames: 8 * RATE };
  assert.deepEqual(rangeInFrames({ startMs: 1500, endMs: 3250 }, file), { startFrame: 66150, endFrame: 143325, durationMs: 1750, framesPerSecond: RATE });
  // 1 ms is 44.1 frames: 44 (floor, as MPD's SongTime::ToScale).
  assert.equal(rangeInFrames({ startMs: 1, endMs: null }, file).startFrame, 44);
  assert.deepEqual(rangeInFrames({ startMs: 1000, endMs: 8500 }, file), { startFrame: 44100, endFrame: null, durationMs: 7000, framesPerSecond: RATE });
  assert.deepEqual(rangeInFrames(null, file), { startFrame: 0, endFrame: null, durationMs: 8000, framesPerSecond: RATE });
  assert.throws(() => rangeInFrames({ startMs: 9000, endMs: null }, file), (e: unknown) => isAurisError(e, 'E_INVALID_ARGUMENT') && e.details.totalFrames === 8 * RATE);
  assert.throws(() => rangeInFrames({ startMs: 2000, endMs: 1000 }, file), (e: unknown) => isAurisError(e, 'E_INVALID_ARGUMENT'));
});

// python-mpd2: set the range, read it back, play the entry and wait until the player stops.
const RANGE_SCRIPT = `
import json, sys, time
from mpd import MPDClient
c = MPDClient()
c.connect('127.0.0.1', int(sys.argv[1]))
c.clear()
sid = c.addid(sys.argv[2])
c.rangeid(sid, sys.argv[3])
info = c.playlistid(sid)[0]
c.playid(sid)
deadline = time.time() + 20
while c.status()['state'] != 'stop' and time.time() < deadline:
    time.sleep(0.05)
print(json.dumps({'id': sid, 'range': info.get('range'), 'duration': info.get('duration'), 'time': info.get('time')}))
`;

test('python-mpd2 sets a range; exactly those frames of the file reach a file: output', async (t) => {
  if (!needTools(t, ...TREE_TOOLS) || !needPythonModule(t, 'mpd', 'python3-mpd')) return;
  const tree = makeTree();
  const out = path.join(tempDir('auris-range-out-'), 'out.wav');
  const stack = await startStack(tree, { output: `file:${out}` });
  try {
    const uri = TREE[2]!.uri;
    const { stdout } = await exec(DEBIAN_PYTHON, ['-c', RANGE_SCRIPT, String(stack.port), uri, '1.5:3.25'], { timeout: 60000 });
    const res = JSON.parse(stdout) as { id: string; range: string; duration: string; time: string };
    assert.equal(res.range, '1.500-3.250');
    assert.equal(res.duration, '1.750');
    assert.equal(res.time, '2');
    const item = stack.core.queue.snapshot().items[0]!;
    assert.deepEqual([item.startFrame, item.endFrame], [66150, 143325]);
    const played = readWav(out);
    assert.deepEqual([played.bits, played.channels], [16, 2], 'the file\'s own format: nothing changed the samples');
    assert.equal(played.samples.length, (143325 - 66150) * 2, 'the range is 77175 frames');
    assert.deepEqual(played.samples, flacSamples(path.join(tree.root, uri), 66150, 143325), 'the captured samples are frames 66150..143325 of the file');
  } finally {
    await stack.close();
  }
});

test('rangeid is refused for the song being heard (playing or paused), with mpd\'s ACKs for the rest', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const tree = makeTree();
  const stack = await startStack(tree, { output: 'null' });
  try {
    const c = await LineClient.open(stack.port);
    const id = field(await c.ok(`addid "${TREE[0]!.uri}"`), 'Id')!;
    await c.ok(`addid "${TREE[1]!.uri}"`);
    await c.ok(`playid ${id}`);
    await until(async () => field(await c.ok('status'), 'state') === 'play', 5000, 'playing');
    assert.equal((await c.cmd(`rangeid ${id} 1:2`)).end, 'ACK [4@0] {rangeid} Cannot edit the current song');
    await c.ok('pause 1');
    assert.equal((await c.cmd(`rangeid ${id} 1:2`)).end, 'ACK [4@0] {rangeid} Cannot edit the current song');
    // Another entry may change while this one plays; it counts as changed for plchanges.
    const version = field(await c.ok('status'), 'playlist')!;
    const other = Number(id) + 1;
    await c.ok(`rangeid ${other} 2:`);
    assert.deepEqual((await c.ok(`plchangesposid ${version}`)), ['cpos: 1', `Id: ${other}`]);
    await c.ok('stop');
    await c.ok(`rangeid ${id} 1:2`);
    assert.equal(field(await c.ok(`playlistid ${id}`), 'Range'), '1.000-2.000');
    assert.equal((await c.cmd(`rangeid ${id} 9:`)).end, 'ACK [2@0] {rangeid} Invalid start offset');
    assert.equal((await c.cmd(`rangeid ${id} 2:1`)).end, 'ACK [2@0] {rangeid} Bad range');
    assert.equal((await c.cmd('rangeid 999 1:2')).end, 'ACK [50@0] {rangeid} No such song');
    assert.equal((await c.cmd('rangeid x 1:2')).end, 'ACK [2@0] {rangeid} Integer expected: x');
    await c.ok(`rangeid ${id} :`);
    assert.equal(field(await c.ok(`playlistid ${id}`), 'Range'), undefined, '":" plays the whole file again');
    c.close();
  } finally {
    await stack.close();
  }
});

test('playlistinfo after rangeid is what the real mpd 0.23 prints, line for line', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  if (!hasTool('mpd')) {
    if (toolsRequired) throw new Error('AURIS_REQUIRE_TOOLS=1 and mpd is missing');
    t.skip('needs Debian\'s mpd for the differential half');
    return;
  }
  const tree = makeTree();
  const commands = [
    'clear', `addid "${TREE[0]!.uri}"`, `addid "${TREE[3]!.uri}"`, `addid "${TREE[4]!.uri}"`,
    'rangeid 1 1.5:3.25', 'rangeid 2 2.3:', 'rangeid 3 0.001:0.002', 'playlistinfo',
    'rangeid 1 1:8.5', 'rangeid 2 1:0', 'rangeid 3 :', 'playlistinfo', 'playlistid 1',
    'rangeid 1 9:', 'rangeid 1 2:1', 'rangeid 7 1:2', 'rangeid 1 -1:', 'playlistinfo 0:1',
  ];
  const stack = await startStack(tree, { output: 'null' });
  let ours: string[][];
  try {
    ours = await answersOf(stack.port, commands);
  } finally {
    await stack.close();
  }
  const real = await startRealMpd(tree.root);
  try {
    await sleep(100);
    const theirs = await answersOf(real.port, commands);
    commands.forEach((cmd, i) => assert.deepEqual(ours[i], theirs[i], cmd));
  } finally {
    await real.close();
  }
});
