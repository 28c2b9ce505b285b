// Debian's python3-mpd (python-mpd2, installed for /usr/bin/python3) against Auris: command
// lists, idle and noidle, album art bytes, stickers, filter expressions, tag types, queue by id.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { DEBIAN_PYTHON, needPythonModule, needTools } from '../helpers/tools.ts';
import { TREE, TREE_TOOLS, makeTree, startStack } from './harness.ts';

const exec = promisify(execFile);

test('python-mpd2 drives Auris: lists, idle, art bytes, stickers, filters, tag types', async (t) => {
  if (!needTools(t, ...TREE_TOOLS) || !needPythonModule(t, 'mpd', 'python3-mpd')) return;
  const tree = makeTree();
  const stack = await startStack(tree);
  try {
    const script = fileURLToPath(new URL('./python_mpd_client.py', import.meta.url));
    const { stdout } = await exec(DEBIAN_PYTHON, [script, String(stack.port), TREE[0]!.uri, TREE[4]!.uri], { timeout: 60000 });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    const cover = readFileSync(tree.cover);
    const md5 = createHash('md5').update(cover).digest('hex');
    assert.equal(out.version, '0.23.5');
    assert.equal(out.list_status_length, '3');
    assert.deepEqual(out.list_files, [TREE[0]!.uri, TREE[1]!.uri, TREE[4]!.uri]);
    assert.equal(out.list_error, '[2@1] {play} Bad song index');
    assert.deepEqual(out.idle, ['mixer']);
    assert.equal(out.noidle, null, 'noidle: a bare OK (python-mpd2 reads it as the end of a response)');
    assert.equal(out.after_noidle, null);
    assert.deepEqual(out.getvol, { volume: '70' });
    assert.equal(out.albumart_len, cover.length);
    assert.equal(out.albumart_md5, md5);
    assert.equal(out.readpicture_type, 'image/png');
    assert.equal(out.readpicture_md5, createHash('md5').update(readFileSync(tree.embedded)).digest('hex'));
    assert.deepEqual(out.readpicture_none, {});
    assert.equal(out.albumart_missing, '[50@0] {albumart} No file exists');
    assert.equal(out.sticker_get, '4');
    assert.deepEqual(out.sticker_list, { playcount: '12', rating: '4' });
    assert.deepEqual(out.sticker_find, [{ file: TREE[4]!.uri, sticker: 'rating=4' }]);
    assert.equal(out.sticker_deleted, '[50@0] {sticker} no such sticker');
    assert.deepEqual(out.find_expr, [TREE[2]!.uri, TREE[3]!.uri]);
    assert.deepEqual(out.search_expr, ['Gamma Tune', 'Delta Tune'].sort((a, b) => (TREE.findIndex((x) => x.tags.TITLE === a) - TREE.findIndex((x) => x.tags.TITLE === b))));
    assert.deepEqual(out.find_not, [TREE[4]!.uri]);
    assert.deepEqual(out.find_regex, ['Opening', 'Hush']);
    assert.deepEqual(out.find_pairs, ['Opening']);
    assert.deepEqual(out.search_sorted, ['Whisper "Low"', 'Second Song', 'Opening']);
    assert.deepEqual(out.list_group, [
      { albumartist: 'Alpha Band', album: 'First Album' },
      { albumartist: 'Beta Singer', album: 'Quiet Record' },
      { albumartist: 'Various Artists', album: 'Mix' },
    ]);
    // python-mpd2 parses `count` as one object, so grouped counts come back as parallel lists.
    assert.deepEqual(out.count_group, { date: ['1999', '2001', '2010'], songs: ['2', '2', '2'], playtime: ['16', '16', '16'] });
    assert.equal(out.modified_since, TREE.length);
    assert.equal(out.starts_with, "[2@0] {find} '==' or '!=' expected");
    assert.deepEqual(out.tagtypes, ['Title']);
    assert.deepEqual(out.masked_record, ['duration', 'file', 'format', 'last-modified', 'time', 'title']);
    assert.equal(out.prio, '7');
    assert.equal(out.plchangesposid_has_new, true);
    assert.equal(out.moved_pos, '2');
    assert.equal(out.commands_has_albumart, true);
    assert.equal(out.decoders_has_flac, true);
  } finally {
    await stack.close();
  }
});
