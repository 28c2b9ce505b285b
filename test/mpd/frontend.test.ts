// The MPD frontend over a real TCP socket, on a real core playing a generated library: command
// lists, ACKs, idle/noidle woken by the core itself (as the web app or CLI would change it),
// binary album art compared byte for byte, stickers and playlists, and malformed input that must
// end in an ACK or a closed connection while other clients keep being served.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { PROTOCOL_VERSION } from '../../src/mpd/index.ts';
import { hasTool, needTools } from '../helpers/tools.ts';
import { LineClient, TREE, TREE_TOOLS, field, makeTree, pairs, sleep, startStack, until, type LibraryTree, type Stack } from './harness.ts';

let tree: LibraryTree;
let stack: Stack;
let ready = false;

before(async () => {
  if (!TREE_TOOLS.every(hasTool)) return;
  tree = makeTree();
  stack = await startStack(tree);
  ready = true;
});
after(async () => {
  if (ready) await stack.close();
});

/** A fresh client on an empty, stopped queue. */
async function client(): Promise<LineClient> {
  const c = await LineClient.open(stack.port);
  return c;
}

async function reset(c: LineClient): Promise<void> {
  await c.ok('stop');
  await c.ok('clear');
}

test('greeting announces the protocol version of Debian\'s MPD 0.23.12', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const c = await client();
  assert.equal(c.greeting, `OK MPD ${PROTOCOL_VERSION}`);
  assert.equal(PROTOCOL_VERSION, '0.23.5');
  c.close();
});

test('command lists: list_OK per command, the failing one numbered, nothing after it runs', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const c = await client();
  await reset(c);
  c.send('command_list_ok_begin\nping\nadd "Alpha Band"\nstatus\ncommand_list_end\n');
  const ok = await c.reply();
  assert.equal(ok.end, 'OK');
  assert.equal(ok.lines.filter((l) => l === 'list_OK').length, 3);
  assert.equal(field(ok.lines, 'playlistlength'), '2');
  c.send('command_list_begin\nping\nplay 10240\nclear\ncommand_list_end\n');
  const bad = await c.reply();
  assert.equal(bad.end, 'ACK [2@1] {play} Bad song index');
  assert.equal(field(await c.ok('status'), 'playlistlength'), '2', 'clear after the failing command did not run');
  c.send('command_list_begin\nping\nnosuch\ncommand_list_end\n');
  assert.equal((await c.reply()).end, 'ACK [5@1] {} unknown command "nosuch"');
  await reset(c);
  c.close();
});

test('ACKs: unknown command, argument counts, numbers, permission, refused mixing', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const c = await client();
  const ack = async (line: string): Promise<string> => (await c.cmd(line)).end;
  assert.equal(await ack('foo'), 'ACK [5@0] {} unknown command "foo"');
  assert.equal(await ack('status 1'), 'ACK [2@0] {status} wrong number of arguments for "status"');
  assert.equal(await ack('prio 1'), 'ACK [2@0] {prio} too few arguments for "prio"');
  assert.equal(await ack('add a b c'), 'ACK [2@0] {add} too many arguments for "add"');
  assert.equal(await ack('play abc'), 'ACK [2@0] {play} Integer expected: abc');
  assert.equal(await ack('play 99999999999999999999'), 'ACK [2@0] {play} Number too large: 99999999999999999999');
  assert.equal(await ack('setvol 101'), 'ACK [2@0] {setvol} Number too large: 101');
  assert.equal(await ack('play "abc'), 'ACK [5@0] {} Missing closing \'"\'');
  assert.equal(await ack('config'), 'ACK [4@0] {config} Command only permitted to local clients');
  assert.match(await ack('crossfade 5'), /^ACK \[2@0\] \{crossfade\} crossfade breaks bit-perfect playback/);
  assert.match(await ack('mixrampdb -17'), /^ACK \[2@0\] \{mixrampdb\} mixrampdb breaks bit-perfect playback/);
  assert.equal(await ack('crossfade 0'), 'OK', 'turning crossfade off is what it is');
  assert.equal(await ack('getfingerprint x'), 'ACK [5@0] {} unknown command "getfingerprint"');
  assert.equal(await ack('find "(artist starts_with \\"x\\")"'), 'ACK [2@0] {find} \'==\' or \'!=\' expected');
  assert.equal(await ack('idle nosuch'), 'ACK [2@0] {idle} Unrecognized idle event: nosuch');
  assert.equal(await ack('binarylimit 10'), 'ACK [2@0] {binarylimit} Value too small');
  assert.deepEqual(await c.ok('replay_gain_status'), ['replay_gain_mode: off']);
  c.close();
});

test('playback through the core: play, pause, seek, volume, status and currentsong', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const c = await client();
  await reset(c);
  await c.ok('add "Beta Singer/Quiet Record"');
  await c.ok('play 1');
  await until(() => stack.core.player.state().status === 'playing' && stack.core.player.state().source !== null, 5000, 'playing');
  let st = await c.ok('status');
  assert.equal(field(st, 'state'), 'play');
  assert.equal(field(st, 'song'), '1');
  assert.equal(field(st, 'audio'), '44100:16:2');
  const cur = await c.ok('currentsong');
  assert.equal(field(cur, 'file'), TREE[3]!.uri);
  assert.equal(field(cur, 'Title'), 'Whisper "Low"');
  await c.ok('seekcur 5');
  await until(() => stack.core.player.state().positionMs >= 4900, 5000, 'seek');
  await c.ok('pause 1');
  await until(() => stack.core.player.state().status === 'paused', 5000, 'paused');
  st = await c.ok('status');
  assert.equal(field(st, 'state'), 'pause');
  assert.ok(Number(field(st, 'elapsed')) >= 4.9, `elapsed ${field(st, 'elapsed')}`);
  await c.ok('setvol 50');
  assert.equal(stack.core.volume.get(), -30);
  assert.deepEqual(await c.ok('getvol'), ['volume: 50']);
  await c.ok('volume -10');
  assert.deepEqual(await c.ok('getvol'), ['volume: 40']);
  await c.ok('setvol 100');
  assert.equal(stack.core.volume.get(), 0, '100 % is no volume stage at all');
  await c.ok('pause');
  await until(() => stack.core.player.state().status === 'playing', 5000, 'resumed');
  await c.ok('stop');
  assert.equal(field(await c.ok('status'), 'state'), 'stop');
  await reset(c);
  c.close();
});

test('queue commands: addid at a position, move, swap, prio, delete ranges, plchanges', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const c = await client();
  await reset(c);
  await c.ok('add ""');
  const v0 = Number(field(await c.ok('status'), 'playlist'));
  const id = field(await c.ok(`addid "${TREE[0]!.uri}" 0`), 'Id');
  const info = await c.ok('playlistinfo 0');
  assert.equal(field(info, 'Id'), id);
  await c.ok('move 0 6');
  assert.equal(field(await c.ok('playlistinfo 6'), 'Id'), id);
  await c.ok('swap 0 6');
  assert.equal(field(await c.ok('playlistinfo 0'), 'Id'), id);
  await c.ok(`prioid 200 ${id}`);
  assert.equal(field(await c.ok('playlistinfo 0'), 'Prio'), '200');
  const changes = pairs(await c.ok(`plchangesposid ${v0}`));
  assert.ok(changes.some(([k, v]) => k === 'Id' && v === id), 'plchanges lists the added entry');
  await c.ok('delete 1:3');
  assert.equal(field(await c.ok('status'), 'playlistlength'), '5');
  assert.equal((await c.cmd('delete 9')).end, 'ACK [2@0] {delete} Bad song index');
  assert.equal((await c.cmd('deleteid 99999')).end, 'ACK [50@0] {deleteid} No such song');
  const found = await c.ok('playlistsearch title tune');
  assert.deepEqual(pairs(found).filter(([k]) => k === 'Title').map(([, v]) => v), ['Gamma Tune', 'Delta Tune']);
  await reset(c);
  c.close();
});

test('database: filters of both syntaxes, list with group, count, window, sort', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const c = await client();
  const files = (lines: string[]): string[] => pairs(lines).filter(([k]) => k === 'file').map(([, v]) => v);
  assert.deepEqual(files(await c.ok('find artist "Beta Singer"')), [TREE[2]!.uri, TREE[3]!.uri]);
  assert.deepEqual(files(await c.ok('find artist "beta singer"')), [], 'find is case-sensitive');
  assert.deepEqual(files(await c.ok('search artist "beta"')), [TREE[2]!.uri, TREE[3]!.uri], 'old-style search: substring, any case');
  assert.deepEqual(files(await c.ok('search "(artist == \\"beta singer\\")"')), [TREE[2]!.uri, TREE[3]!.uri]);
  assert.deepEqual(files(await c.ok('find "((genre == \\"Pop\\") AND (!(title contains \\"Delta\\")))"')), [TREE[4]!.uri]);
  assert.deepEqual(files(await c.ok('find "(AlbumArtist == \\"Alpha Band\\")"')), [TREE[0]!.uri, TREE[1]!.uri], 'AlbumArtist falls back to Artist');
  assert.deepEqual(files(await c.ok('find "(Artist == \\"Delta\'s\\")"')), [TREE[5]!.uri]);
  assert.deepEqual(files(await c.ok('find "(base \\"Compilations\\")" sort -Title window 0:1')), [TREE[4]!.uri]);
  assert.deepEqual(files(await c.ok('find "(file == \\"Alpha Band/First Album/02 - Second Song.flac\\")"')), [TREE[1]!.uri]);
  assert.deepEqual(files(await c.ok('find "(AudioFormat == \\"44100:16:2\\")" window 0:2')), [TREE[0]!.uri, TREE[1]!.uri]);
  assert.deepEqual(await c.ok('list album group albumartist'), ['AlbumArtist: Alpha Band', 'Album: First Album', 'AlbumArtist: Beta Singer', 'Album: Quiet Record', 'AlbumArtist: Various Artists', 'Album: Mix']);
  assert.deepEqual(await c.ok('list date "(genre == \\"Jazz\\")"'), ['Date: 1999']);
  assert.deepEqual(await c.ok('count genre Rock'), ['songs: 2', 'playtime: 16']);
  assert.deepEqual(await c.ok('count group genre'), ['Genre: Jazz', 'songs: 2', 'playtime: 16', 'Genre: Pop', 'songs: 2', 'playtime: 16', 'Genre: Rock', 'songs: 2', 'playtime: 16']);
  const all = await c.ok('listallinfo');
  assert.equal(files(all).length, TREE.length);
  assert.deepEqual(await c.ok('lsinfo'), ['directory: Alpha Band', 'directory: Beta Singer', 'directory: Compilations']);
  c.close();
});

test('albumart and readpicture: binary chunks within binarylimit, bytes equal to the cover file', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const c = await client();
  const cover = readFileSync(tree.cover);
  await c.ok('binarylimit 1000');
  const got: Buffer[] = [];
  for (let offset = 0; ; ) {
    const r = await c.cmd(`albumart "${TREE[0]!.uri}" ${offset}`);
    assert.equal(r.end, 'OK');
    assert.equal(Number(field(r.lines, 'size')), cover.length);
    const chunk = r.binary[0]!;
    assert.ok(chunk.length <= 1000);
    got.push(chunk);
    offset += chunk.length;
    if (offset >= cover.length || chunk.length === 0) break;
  }
  assert.ok(Buffer.concat(got).equals(cover));
  // readpicture reads the picture embedded in the file, as MPD does.
  const embedded = readFileSync(tree.embedded);
  await c.ok('binarylimit 8192');
  const pic = await c.cmd(`readpicture "${TREE[4]!.uri}" 0`);
  assert.equal(field(pic.lines, 'type'), 'image/png');
  assert.equal(Number(field(pic.lines, 'size')), embedded.length);
  assert.ok(pic.binary[0]!.equals(embedded.subarray(0, 8192)));
  assert.deepEqual((await c.cmd(`readpicture "${TREE[0]!.uri}" 0`)).lines, [], 'no embedded picture: an empty success');
  assert.equal((await c.cmd(`albumart "${TREE[2]!.uri}" 0`)).end, 'ACK [50@0] {albumart} No file exists');
  assert.equal((await c.cmd(`albumart "${TREE[0]!.uri}" 99999999`)).end, 'ACK [2@0] {albumart} Offset too large');
  c.close();
});

test('stickers and stored playlists live in the library database', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const c = await client();
  const uri = TREE[4]!.uri;
  await c.ok(`sticker set song "${uri}" rating 5`);
  assert.deepEqual(await c.ok(`sticker get song "${uri}" rating`), ['sticker: rating=5']);
  assert.equal(stack.service.library.getSticker(uri, 'rating'), '5');
  assert.deepEqual(await c.ok('sticker find song "" rating'), [`file: ${uri}`, 'sticker: rating=5']);
  assert.deepEqual(await c.ok('sticker find song "Compilations" rating = 5'), [`file: ${uri}`, 'sticker: rating=5']);
  await c.ok(`sticker delete song "${uri}" rating`);
  assert.equal((await c.cmd(`sticker get song "${uri}" rating`)).end, 'ACK [50@0] {sticker} no such sticker');
  assert.equal((await c.cmd('sticker get song "nope.flac" rating')).end, 'ACK [50@0] {sticker} No such song');
  await reset(c);
  await c.ok('add "Compilations"');
  await c.ok('save mix1');
  assert.equal((await c.cmd('save mix1')).end, 'ACK [56@0] {save} Playlist already exists');
  await c.ok(`playlistadd mix1 "${TREE[0]!.uri}"`);
  assert.deepEqual(await c.ok('listplaylist mix1'), [`file: ${TREE[4]!.uri}`, `file: ${TREE[5]!.uri}`, `file: ${TREE[0]!.uri}`]);
  await c.ok('playlistmove mix1 2 0');
  await c.ok('playlistdelete mix1 1');
  assert.deepEqual(await c.ok('listplaylist mix1'), [`file: ${TREE[0]!.uri}`, `file: ${TREE[5]!.uri}`]);
  await c.ok('rename mix1 mix2');
  assert.equal(field(await c.ok('listplaylists'), 'playlist'), 'mix2');
  await c.ok('clear');
  await c.ok('load mix2 1: 0');
  assert.equal(field(await c.ok('playlistinfo'), 'file'), TREE[5]!.uri);
  await c.ok('rm mix2');
  assert.equal((await c.cmd('listplaylist mix2')).end, 'ACK [50@0] {listplaylist} No such playlist');
  await reset(c);
  c.close();
});

test('idle: changes from the core itself wake it; noidle answers at once; flags accumulate', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const a = await client();
  await reset(a);
  const b = await client();
  b.send('idle playlist mixer\n');
  await sleep(50);
  // A change through the core (as the web app makes it), not through MPD.
  await stack.core.queue.add([{ path: `${tree.root}/${TREE[0]!.uri}` }]);
  assert.deepEqual((await b.reply()).lines, ['changed: playlist']);
  // Flags collected while not idle answer the next idle at once.
  await stack.core.volume.set(-6);
  await stack.core.queue.setModes({ repeat: true });
  b.send('idle\n');
  assert.deepEqual((await b.reply()).lines, ['changed: mixer', 'changed: options']);
  b.send('idle\n');
  await sleep(50);
  b.send('noidle\n');
  assert.deepEqual(await b.reply(), { lines: [], end: 'OK', binary: [] });
  a.send('idle stored_playlist sticker\n');
  await sleep(30);
  await b.ok(`sticker set song "${TREE[1]!.uri}" n 1`);
  assert.deepEqual((await a.reply()).lines, ['changed: sticker']);
  // Anything but noidle during idle ends the connection, as MPD does.
  b.send('idle database\nstatus\n');
  assert.equal(await b.rest(), '');
  await stack.core.queue.setModes({ repeat: false });
  await stack.core.volume.set(0);
  await reset(a);
  a.close();
});

test('update starts a library scan: updating_db, then idle update wakes', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const a = await client();
  const b = await client();
  b.send('idle update\n');
  await sleep(50);
  const job = Number(field(await a.ok('update'), 'updating_db'));
  assert.ok(job >= 1);
  assert.deepEqual((await b.reply()).lines, ['changed: update']);
  assert.equal((await a.cmd('update "../x"')).end, 'ACK [2@0] {update} Malformed URI');
  a.close();
  b.close();
});

test('malformed input ends in an ACK or a closed connection, and other clients go on', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const watcher = await client();
  const closes = async (data: string | Uint8Array, expect: RegExp | string = ''): Promise<void> => {
    const c = await client();
    c.send(data);
    const rest = await c.rest();
    if (typeof expect === 'string') assert.equal(rest, expect);
    else assert.match(rest, expect);
  };
  await closes('Status\n');
  await closes('\n');
  await closes('GET / HTTP/1.1\r\n\r\n');
  await closes('st@tus\n', 'ACK [5@0] {} Invalid word character\n');
  await closes(`ping ${'x'.repeat(20000)}`);
  await closes(`ping ${'x'.repeat(20000)}\n`);
  await closes(`command_list_begin\n${`add ${'x'.repeat(1000)}\n`.repeat(2200)}`);
  // Random bytes: whatever they are, the server answers or closes, and stays up.
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 20; i++) {
    const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 3000) }, () => Math.floor(rnd() * 256)));
    const c = await client();
    c.send(bytes);
    c.send('\nping\n');
    await Promise.race([c.rest(), sleep(300)]);
    c.close();
  }
  // An unterminated command list waits for its end; other clients are served meanwhile.
  const open = await client();
  open.send('command_list_begin\nstatus\n');
  assert.equal((await watcher.cmd('ping')).end, 'OK');
  open.close();
  assert.equal((await watcher.cmd('ping')).end, 'OK');
  watcher.close();
});

test('200 idle connections at once, and a client that does not read stalls nobody', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const idle: LineClient[] = [];
  for (let i = 0; i < 200; i++) {
    const c = await client();
    c.send('idle\n');
    idle.push(c);
  }
  // A client that asks for a large response and never reads it.
  const slow = connect(stack.port, '127.0.0.1');
  slow.pause();
  await new Promise<void>((r) => slow.once('connect', () => r()));
  slow.write(`${'listallinfo\n'.repeat(3000)}`);
  const fast = await client();
  const t0 = Date.now();
  for (let i = 0; i < 20; i++) assert.equal((await fast.cmd('status')).end, 'OK');
  assert.ok(Date.now() - t0 < 5000, 'other clients are answered while one does not read');
  await stack.core.volume.set(-1);
  for (const c of idle) assert.deepEqual((await c.reply()).lines, ['changed: mixer']);
  await stack.core.volume.set(0);
  assert.ok(stack.frontend.connections >= 202);
  for (const c of idle) c.close();
  slow.destroy();
  fast.close();
  await until(() => stack.frontend.connections === 0, 5000, 'connections closed');
});

test('no file outside the library: absolute paths, .., urls and unknown uris are refused', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const c = await client();
  assert.equal((await c.cmd('add /etc/passwd')).end, 'ACK [4@0] {add} Access denied');
  assert.equal((await c.cmd('add "../../etc/passwd"')).end, 'ACK [2@0] {add} Malformed URI');
  assert.equal((await c.cmd('add file:///etc/passwd')).end, 'ACK [50@0] {add} Unsupported URI scheme');
  assert.equal((await c.cmd('albumart /etc/passwd 0')).end, 'ACK [4@0] {albumart} Access denied');
  assert.equal((await c.cmd('lsinfo "../"')).end, 'ACK [2@0] {lsinfo} Malformed URI');
  assert.equal((await c.cmd('lsinfo "Alpha Band/../../"')).end, 'ACK [2@0] {lsinfo} Malformed URI');
  assert.equal((await c.cmd('readpicture "nope/x.flac" 0')).end, 'ACK [50@0] {readpicture} No such song');
  assert.equal((await c.cmd('listfiles /')).end, 'OK');
  assert.equal((await c.cmd('add "Alpha Band/cover.jpg"')).end, 'ACK [50@0] {add} No such directory');
  assert.equal(field(await c.ok('status'), 'playlistlength'), '0');
  c.close();
});

test('a password guards every command but the connection ones', async (t) => {
  if (!needTools(t, ...TREE_TOOLS)) return;
  const guarded = await startStack(tree, { password: 's3cret' });
  try {
    const c = await LineClient.open(guarded.port);
    assert.equal((await c.cmd('status')).end, 'ACK [4@0] {status} you don\'t have permission for "status"');
    assert.equal((await c.cmd('password nope')).end, 'ACK [3@0] {password} incorrect password');
    assert.ok((await c.ok('notcommands')).includes('command: status'));
    await c.ok('password s3cret');
    assert.equal((await c.cmd('status')).end, 'OK');
    assert.deepEqual(await c.ok('notcommands'), []);
    c.close();
  } finally {
    await guarded.close();
  }
});
