// The protocol layer on its own: tokenizer and argument parsers (MPD's messages, checked against
// the real mpd 0.23.12), filter expressions of 0.23, ACK lines, idle flags, volume mapping and the
// response writer's backpressure.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACK, MpdError, ackLine, toMpdError } from '../../src/mpd/ack.ts';
import { parseBool, parseInsertPosition, parseInt32, parseRange, parseUnsigned } from '../../src/mpd/args.ts';
import { COMMANDS } from '../../src/mpd/commands/index.ts';
import { matchEntry, parseExpression, parseFilterArgs, toLibraryFilter } from '../../src/mpd/filter.ts';
import { ALL_IDLE, bitsOfFlags, changedLines, idleBit } from '../../src/mpd/idle.ts';
import { Response } from '../../src/mpd/response.ts';
import { MAX_ARGS, quoteArg, tokenize } from '../../src/mpd/tokenizer.ts';
import { dbToPercent, percentToDb } from '../../src/mpd/volume.ts';
import { AurisError } from '../../src/util/errors.ts';

const failsWith = (f: () => unknown, ack: number, message: string): void => {
  assert.throws(f, (e: unknown) => e instanceof MpdError && e.ack === ack && e.message === message);
};

test('tokenizer: words, unquoted and quoted arguments, escapes', () => {
  assert.deepEqual(tokenize('status'), { name: 'status', args: [] });
  assert.deepEqual(tokenize('add_id\tfoo  "b a r"'), { name: 'add_id', args: ['foo', 'b a r'] });
  assert.deepEqual(tokenize('find "(Artist == \\"foo\\\\\'bar\\\\\\"\\")"'), { name: 'find', args: ['(Artist == "foo\\\'bar\\"")'] });
  assert.deepEqual(tokenize('a ""'), { name: 'a', args: [''] });
  assert.deepEqual(tokenize('a é/ü.flac'), { name: 'a', args: ['é/ü.flac'] });
  // Messages as the real mpd prints them.
  failsWith(() => tokenize('play "abc'), ACK.UNKNOWN, 'Missing closing \'"\'');
  failsWith(() => tokenize('play "1"x'), ACK.UNKNOWN, 'Space expected after closing \'"\'');
  failsWith(() => tokenize('st@tus'), ACK.UNKNOWN, 'Invalid word character');
  failsWith(() => tokenize('play a\'b'), ACK.UNKNOWN, 'Invalid unquoted character');
  failsWith(() => tokenize('play "ab\\'), ACK.UNKNOWN, 'Missing closing \'"\'');
  // MPD stops at 64 arguments (2 + 2 x 31 tag types).
  assert.equal(tokenize(`x ${'a '.repeat(MAX_ARGS - 1)}`).args.length, MAX_ARGS - 1);
  failsWith(() => tokenize(`x ${'a '.repeat(MAX_ARGS)}`), ACK.ARG, 'Too many arguments');
});

test('quoteArg round-trips through the tokenizer', () => {
  for (const s of ['plain', 'with space', 'q"uote', 'back\\slash', '\'single\'', '']) {
    assert.deepEqual(tokenize(`cmd ${quoteArg(s)}`).args, [s]);
  }
});

test('argument parsers: MPD\'s messages and limits', () => {
  assert.equal(parseUnsigned('42'), 42);
  failsWith(() => parseInt32('abc'), ACK.ARG, 'Integer expected: abc');
  failsWith(() => parseInt32('99999999999999999999'), ACK.ARG, 'Number too large: 99999999999999999999');
  failsWith(() => parseUnsigned('101', 100), ACK.ARG, 'Number too large: 101');
  failsWith(() => parseUnsigned('1x'), ACK.ARG, 'Integer expected: 1x');
  assert.equal(parseBool('1'), true);
  failsWith(() => parseBool('2'), ACK.ARG, 'Boolean (0/1) expected: 2');
  assert.deepEqual(parseRange('3'), { start: 3, end: 4 });
  assert.deepEqual(parseRange('3:7'), { start: 3, end: 7 });
  assert.deepEqual(parseRange('3:'), { start: 3, end: Infinity });
  assert.deepEqual(parseRange('-1'), { start: 0, end: Infinity });
  failsWith(() => parseRange('7:3'), ACK.ARG, 'Malformed range: 7:3');
  failsWith(() => parseRange('-2'), ACK.ARG, 'Number is negative: -2');
  failsWith(() => parseRange('x'), ACK.ARG, 'Integer or range expected: x');
  // Insert positions relative to the current entry (current at 2 in a queue of 5).
  assert.equal(parseInsertPosition('+0', 2, 5), 3);
  assert.equal(parseInsertPosition('-0', 2, 5), 2);
  assert.equal(parseInsertPosition('-2', 2, 5), 0);
  failsWith(() => parseInsertPosition('+0', -1, 5), ACK.PLAYER_SYNC, 'No current song');
  failsWith(() => parseInsertPosition('6', 2, 5), ACK.ARG, 'Number too large: 6');
});

test('filter expressions: 0.23 syntax into the library filter', () => {
  assert.deepEqual(toLibraryFilter(parseExpression('(Artist == "A\'b")', false)), { tag: 'artist', op: 'eq', value: 'A\'b', ignoreCase: false });
  assert.deepEqual(toLibraryFilter(parseExpression("(title contains 'x')", true)), { tag: 'title', op: 'contains', value: 'x', ignoreCase: true });
  assert.deepEqual(toLibraryFilter(parseExpression("(genre != 'Rock')", false)), { tag: 'genre', op: 'ne', value: 'Rock', ignoreCase: false });
  assert.deepEqual(toLibraryFilter(parseExpression("(!(album =~ '^Fi'))", false)), { not: { tag: 'album', op: 'regex', value: '^Fi', ignoreCase: false } });
  assert.deepEqual(toLibraryFilter(parseExpression("((artist == 'a') AND (album == 'b') AND (base 'x/y'))", false)), {
    and: [{ tag: 'artist', op: 'eq', value: 'a', ignoreCase: false }, { tag: 'album', op: 'eq', value: 'b', ignoreCase: false }, { base: 'x/y' }],
  });
  assert.deepEqual(toLibraryFilter(parseExpression("(file == 'a/b.flac')", false)), { tag: 'uri', op: 'eq', value: 'a/b.flac', ignoreCase: false });
  assert.deepEqual(toLibraryFilter(parseExpression("(modified-since '2020-01-02T03:04:05Z')", false)), { modifiedSince: Date.UTC(2020, 0, 2, 3, 4, 5) });
  assert.deepEqual(toLibraryFilter(parseExpression("(modified-since '1600000000')", false)), { modifiedSince: 1_600_000_000_000 });
  assert.deepEqual(toLibraryFilter(parseExpression("(AudioFormat =~ '44100:*:2')", false)), { and: [{ tag: 'rate', op: 'eq', value: 44100 }, { tag: 'channels', op: 'eq', value: 2 }] });
  // Tags Auris does not store: == '' matches every track, anything else none.
  assert.deepEqual(toLibraryFilter(parseExpression("(Performer == '')", false)), { and: [] });
  assert.deepEqual(toLibraryFilter(parseExpression("(Performer == 'x')", false)), { not: { and: [] } });
  // Old style: find is exact, search is a case-insensitive substring (MPD keeps this for 0.20 clients).
  assert.deepEqual(toLibraryFilter(parseFilterArgs(['artist', 'Foo'], false)), { tag: 'artist', op: 'eq', value: 'Foo', ignoreCase: false });
  assert.deepEqual(toLibraryFilter(parseFilterArgs(['any', 'foo'], true)), { any: 'foo', op: 'contains', ignoreCase: true });
  assert.deepEqual(toLibraryFilter(parseFilterArgs(['album', 'X', "(date == '1999')"], false)), {
    and: [{ tag: 'album', op: 'eq', value: 'X', ignoreCase: false }, { tag: 'date', op: 'eq', value: '1999', ignoreCase: false }],
  });
});

test('filter expressions: what 0.23 refuses, with its messages', () => {
  failsWith(() => parseExpression("(artist starts_with 'x')", false), ACK.ARG, "'==' or '!=' expected");
  failsWith(() => parseExpression("((artist == 'x') OR (album == 'y'))", false), ACK.ARG, "'AND' expected");
  failsWith(() => parseExpression("(artist == 'x') extra", false), ACK.ARG, 'Unparsed garbage after expression');
  failsWith(() => parseExpression("(nosuchtag == 'x')", false), ACK.ARG, 'Unknown filter type: nosuchtag');
  failsWith(() => parseExpression("(artist == 'x", false), ACK.ARG, 'Closing quote not found');
  failsWith(() => parseExpression('(artist == x)', false), ACK.ARG, 'Quoted string expected');
  failsWith(() => parseExpression(`(artist == '${'x'.repeat(5000)}')`, false), ACK.ARG, 'Quoted value is too long');
  failsWith(() => parseExpression(`${'(!'.repeat(200)}(artist == 'x')${')'.repeat(200)}`, false), ACK.ARG, 'Expression nested too deeply');
  failsWith(() => parseFilterArgs(['artist'], false), ACK.ARG, 'Incorrect number of filter arguments');
  failsWith(() => parseFilterArgs(["(artist =~ '(')"], false), ACK.ARG, 'Bad regular expression: Invalid regular expression: /(/u: Unterminated group');
});

test('filter on queue entries: AlbumArtist falls back to Artist, absent tags, negation', () => {
  const entry = { uri: 'A/b.flac', tags: { Artist: 'Gamma', Title: 'Tune' } };
  assert.equal(matchEntry(parseExpression("(AlbumArtist == 'Gamma')", false), entry), true);
  assert.equal(matchEntry(parseExpression("(Album == '')", false), entry), true);
  assert.equal(matchEntry(parseExpression("(Album != '')", false), entry), false);
  assert.equal(matchEntry(parseExpression("(title == 'tune')", true), entry), true);
  assert.equal(matchEntry(parseExpression("(title == 'tune')", false), entry), false);
  assert.equal(matchEntry(parseExpression("(base 'A')", false), entry), true);
  assert.equal(matchEntry(parseExpression("(base 'AB')", false), entry), false);
  assert.equal(matchEntry(parseFilterArgs(['any', 'amm'], true), entry), true);
});

test('ACK lines and error mapping', () => {
  assert.equal(ackLine(ACK.NO_EXIST, 1, 'play', 'song doesn\'t exist: "10240"'), 'ACK [50@1] {play} song doesn\'t exist: "10240"\n');
  assert.equal(ackLine(ACK.ARG, 0, 'x', 'two\nlines'), 'ACK [2@0] {x} two lines\n');
  assert.equal(toMpdError(new AurisError('E_NOT_FOUND', 'gone')).ack, ACK.NO_EXIST);
  assert.equal(toMpdError(new AurisError('E_INVALID_ARGUMENT', 'bad')).ack, ACK.ARG);
  assert.equal(toMpdError(new AurisError('E_STATE', 'not playing')).ack, ACK.PLAYER_SYNC);
  assert.equal(toMpdError(new Error('boom')).ack, ACK.UNKNOWN);
});

test('the command table: sorted, unique, with permissions and argument counts', () => {
  const names = COMMANDS.map((c) => c.name);
  assert.deepEqual(names, [...names].sort());
  assert.equal(new Set(names).size, names.length);
  const spec = (n: string) => COMMANDS.find((c) => c.name === n)!;
  // As in MPD's AllCommands.cxx.
  assert.deepEqual([spec('seek').min, spec('seek').max], [2, 2]);
  assert.deepEqual([spec('prio').min, spec('prio').max], [2, -1]);
  assert.equal(spec('sticker').permission, 8);
  assert.equal(spec('ping').permission, 0);
  for (const n of ['status', 'stats', 'currentsong', 'play', 'playid', 'pause', 'stop', 'next', 'previous', 'seek', 'seekid', 'seekcur', 'setvol', 'getvol', 'volume', 'random', 'repeat', 'single', 'consume', 'crossfade', 'mixrampdb', 'replay_gain_mode', 'replay_gain_status',
    'add', 'addid', 'delete', 'deleteid', 'move', 'moveid', 'clear', 'shuffle', 'swap', 'swapid', 'playlistinfo', 'playlistid', 'playlistfind', 'playlistsearch', 'plchanges', 'plchangesposid', 'prio', 'prioid',
    'lsinfo', 'listall', 'listallinfo', 'listfiles', 'find', 'search', 'findadd', 'searchadd', 'searchaddpl', 'list', 'count', 'update', 'rescan', 'albumart', 'readpicture',
    'listplaylists', 'listplaylist', 'listplaylistinfo', 'load', 'save', 'rm', 'rename', 'playlistadd', 'playlistdelete', 'playlistmove', 'playlistclear',
    'outputs', 'enableoutput', 'disableoutput', 'toggleoutput', 'outputset', 'sticker', 'password', 'ping', 'close', 'commands', 'notcommands', 'tagtypes', 'urlhandlers', 'decoders', 'config', 'binarylimit', 'idle']) {
    assert.ok(names.includes(n), n);
  }
  // Without chromaprint MPD has no getfingerprint at all: it is an unknown command, as here.
  assert.ok(!names.includes('getfingerprint'));
});

test('idle subsystems: names, bits and the order of changed: lines', () => {
  assert.equal(idleBit('PLAYER'), idleBit('player'));
  assert.equal(idleBit('nosuch'), 0);
  assert.equal(changedLines(bitsOfFlags(['queue', 'player', 'mixer', 'database'])), 'changed: database\nchanged: playlist\nchanged: player\nchanged: mixer\n');
  assert.equal(bitsOfFlags(['settings', 'proof']), 0);
  assert.equal(changedLines(ALL_IDLE).split('\n').length - 1, 14);
});

test('volume: percent <-> dB round-trips every step', () => {
  for (let p = 0; p <= 100; p++) assert.equal(dbToPercent(percentToDb(p)), p);
  assert.equal(percentToDb(100), 0);
  assert.equal(percentToDb(50), -30);
  assert.equal(percentToDb(0), -120);
  assert.equal(dbToPercent(-6), 90);
});

test('response writer: chunks, binary framing and waiting for a full socket', async () => {
  const chunks: Buffer[] = [];
  let full = false;
  let drains = 0;
  const r = new Response({
    write: (c) => {
      chunks.push(Buffer.from(c));
      return !full;
    },
    drained: async () => {
      drains++;
    },
    closed: false,
  });
  r.kv('a', 1);
  assert.equal(chunks.length, 0, 'small output waits in the buffer');
  r.binary(Uint8Array.of(0, 10, 255));
  r.text('OK\n');
  r.send();
  assert.deepEqual(Buffer.concat(chunks), Buffer.concat([Buffer.from('a: 1\nbinary: 3\n'), Buffer.from([0, 10, 255]), Buffer.from('\nOK\n')]));
  chunks.length = 0;
  full = true;
  for (let i = 0; i < 5000; i++) r.kv('file', `some/long/path/number/${i}.flac`);
  assert.ok(chunks.length > 0, 'a large response goes out in chunks while it is made');
  await r.flushIfFull();
  assert.equal(drains, 1, 'a full socket is awaited');
  assert.ok(chunks.every((c) => c.length <= 40 * 1024), 'no chunk is much larger than the buffer');
});
