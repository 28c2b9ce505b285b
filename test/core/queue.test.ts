// The queue on its own: ids, versions and changes, edits, modes and what plays next.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue, type NewEntry } from '../../src/core/queue.ts';
import { isAurisError } from '../../src/util/errors.ts';

const entry = (name: string): NewEntry => ({
  playable: { path: `/music/${name}.flac`, trackId: null, uri: null, startFrame: 0, endFrame: null },
  tags: { title: name, artist: null, album: null, albumArtist: null, trackNumber: null, discNumber: null, date: null, genre: null },
  durationMs: 1000,
});

/** A seeded generator, so random orders are the same on every run. */
function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const titles = (q: Queue) => q.snapshot().items.map((i) => i.tags.title);
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isAurisError(e) ? { code: e.code, details: e.details } : { code: 'not an AurisError', details: {} };
  }
  return { code: 'no error', details: {} };
};

test('ids stay with their entries across moves, swaps and removals; positions follow', () => {
  const q = new Queue();
  const [a, b, c, d] = q.add(['a', 'b', 'c', 'd'].map(entry));
  assert.deepEqual([a, b, c, d], [1, 2, 3, 4]);
  q.move(a!, 3);
  assert.deepEqual(titles(q), ['b', 'c', 'd', 'a']);
  assert.equal(q.get(a!).tags.title, 'a');
  q.swap(b!, d!);
  assert.deepEqual(titles(q), ['d', 'c', 'b', 'a']);
  q.remove([c!]);
  assert.deepEqual(q.snapshot().items.map((i) => i.id), [d, b, a]);
  const [e] = q.add([entry('e')], 1);
  assert.equal(e, 5, 'ids are never reused');
  assert.deepEqual(titles(q), ['d', 'e', 'b', 'a']);
  assert.equal(q.idAt(1), e);
});

test('every edit bumps the version; changesSince lists exactly the entries added or moved since', () => {
  const q = new Queue();
  const v0 = q.version;
  const [a, b, c] = q.add(['a', 'b', 'c'].map(entry));
  const v1 = q.version;
  assert.ok(v1 > v0);
  assert.deepEqual(q.changesSince(v0).changed.map((x) => x.item.id), [a, b, c]);
  assert.deepEqual(q.changesSince(v1).changed, [], 'nothing changed since v1');
  q.move(c!, 0); // c to the front: every entry moves
  const afterMove = q.changesSince(v1);
  assert.deepEqual(afterMove.changed.map((x) => [x.pos, x.item.id]), [[0, c], [1, a], [2, b]]);
  const v2 = q.version;
  q.remove([b!]); // the last one goes: no other entry moves
  const afterRemove = q.changesSince(v2);
  assert.deepEqual(afterRemove.changed, []);
  assert.equal(afterRemove.length, 2, 'the new length tells the client to truncate');
  q.setPriority([a!], 10);
  assert.deepEqual(q.changesSince(q.version - 1).changed.map((x) => x.item.id), [a], 'a priority change counts as a change');
  assert.equal(q.changesSince(-1).changed.length, 2, 'an unknown (negative) version gets everything');
});

test('bad ids and positions are typed errors with details, and change nothing', () => {
  const q = new Queue();
  const [a] = q.add([entry('a'), entry('b')]);
  const v = q.version;
  assert.deepEqual(code(() => q.remove([a!, 99])), { code: 'E_NOT_FOUND', details: { id: 99 } });
  assert.equal(q.length, 2, 'nothing removed when one id is unknown');
  assert.equal(q.version, v);
  assert.equal(code(() => q.move(a!, 5)).code, 'E_INVALID_ARGUMENT');
  assert.equal(code(() => q.add([entry('x')], 7)).code, 'E_INVALID_ARGUMENT');
  assert.deepEqual(code(() => q.idAt(2)), { code: 'E_NOT_FOUND', details: { pos: 2, length: 2 } });
  assert.equal(code(() => q.setPriority([a!], 256)).code, 'E_INVALID_ARGUMENT');
});

test('what plays next: in order, repeat wraps, single stops (or repeats with repeat), explicit next ignores single', () => {
  const q = new Queue();
  const [a, b, c] = q.add(['a', 'b', 'c'].map(entry));
  assert.equal(q.following(a!, true), b);
  assert.equal(q.following(c!, true), null, 'the end');
  assert.equal(q.preceding(a!), null);
  q.setModes({ repeat: true });
  assert.equal(q.following(c!, true), a, 'repeat wraps');
  assert.equal(q.preceding(a!), c);
  q.setModes({ single: 'on' });
  assert.equal(q.following(b!, true), b, 'single + repeat: the same track again');
  q.setModes({ repeat: false });
  assert.equal(q.following(b!, true), null, 'single: stop after the track');
  assert.equal(q.following(b!, false), c, 'the user asking for next is not stopped by single');
  q.setModes({ single: 'oneshot' });
  assert.equal(q.endOneshot(), true);
  assert.equal(q.modes().single, 'off', 'oneshot goes back to off once used');
});

test('random mode plays every entry once in a shuffled order; priorities come first; shuffle keeps the current entry first', () => {
  const q = new Queue(seeded(7));
  const ids = q.add('abcdefghij'.split('').map(entry));
  q.setModes({ random: true }, ids[0]!);
  const order: number[] = [ids[0]!];
  for (let id = q.following(ids[0]!, true); id !== null; id = q.following(id, true)) order.push(id);
  assert.equal(order.length, ids.length, 'every entry once, then the end');
  assert.deepEqual([...order].sort((x, y) => x - y), ids);
  assert.notDeepEqual(order, ids, 'not the queue order');
  const last = order.at(-1)!;
  q.setPriority([last], 200);
  assert.equal(q.following(ids[0]!, true), last, 'the prioritised entry plays next');
  assert.equal(q.get(last).priority, 0, 'its priority is spent once it is chosen');
  q.setModes({ random: false });
  const current = ids[4]!;
  q.shuffle(0, q.length, current);
  assert.equal(q.idAt(0), current, 'the playing entry leads the shuffled queue');
  assert.deepEqual(q.snapshot().items.map((i) => i.id).sort((x, y) => x - y), ids);
});
