// AAC in MP4 with encoder priming (issue 17, class 1): every iTunes file. ffmpeg encodes the AAC;
// the test then gives the file Apple's layout: a movie timescale of 600, an edit list rounded to
// it, and the iTunSMPB tag in moov/udta/meta/ilst/'----', as iTunes writes them. ffprobe then
// counts the priming in the length, and decode/verify/dr failed with "N of M frames decoded".
// The reference is ffmpeg's own decode of the untouched file, whose exact edit list it honours.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { concat, ascii, uint } from '../helpers/containers.ts';
import { decodeFile } from '../helpers/decode-file.ts';
import { verifyFile } from '../../src/core/verify-file.ts';

const RATE = 44100;
const FRAMES = 88237; // not a whole number of 1/600 s: the edit list cannot say it exactly

interface Box { type: string; start: number; end: number; header: number }

function children(b: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  for (let at = from; at + 8 <= to;) {
    const size = v.getUint32(at);
    out.push({ type: String.fromCharCode(...b.subarray(at + 4, at + 8)), start: at, end: at + size, header: 8 });
    at += size;
  }
  return out;
}

const find = (b: Uint8Array, box: Box, type: string, skip = 0) => children(b, box.start + box.header + skip, box.end).find((c) => c.type === type)!;
const box = (type: string, ...body: Uint8Array[]) => { const inner = concat(...body); return concat(uint(inner.length + 8, 4, true), ascii(type), inner); };

/** The AAC file `src` rewritten as iTunes lays it out; `priming` and `padding` as iTunSMPB states them. */
function appleStyle(src: Uint8Array, priming: number, padding: number, withTag: boolean): Uint8Array {
  const top = children(src, 0, src.length);
  const moov = top.find((t) => t.type === 'moov')!;
  assert.equal(moov.end, src.length, 'moov last, so no chunk offset moves');
  const b = Uint8Array.from(src);
  const v = new DataView(b.buffer);
  // mvhd (version 0): timescale at +20 from the box start, duration at +24.
  const mvhd = find(b, moov, 'mvhd');
  const inMovieUnits = Math.ceil((FRAMES * 600) / RATE);
  v.setUint32(mvhd.start + 20, 600);
  v.setUint32(mvhd.start + 24, inMovieUnits);
  const trak = find(b, moov, 'trak');
  const tkhd = find(b, trak, 'tkhd');
  v.setUint32(tkhd.start + 28, inMovieUnits); // tkhd v0 duration
  const elst = find(b, find(b, trak, 'edts'), 'elst');
  v.setUint32(elst.start + 16, inMovieUnits); // segment duration (movie timescale)
  v.setInt32(elst.start + 20, priming); // media time
  const kept = children(b, moov.start + 8, moov.end).filter((c) => c.type !== 'udta').map((c) => b.subarray(c.start, c.end));
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  const smpb = ` 00000000 ${hex(priming, 8)} ${hex(padding, 8)} ${hex(FRAMES, 16)} 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000`;
  const item = box('----', box('mean', uint(0, 4), ascii('com.apple.iTunes')), box('name', uint(0, 4), ascii('iTunSMPB')), box('data', uint(1, 4, true), uint(0, 4), ascii(smpb)));
  const udta = box('udta', box('meta', uint(0, 4), box('hdlr', uint(0, 8), ascii('mdir'), ascii('appl'), new Uint8Array(9)), box('ilst', ...(withTag ? [item] : []))));
  return concat(b.subarray(0, moov.start), box('moov', ...kept, udta));
}

test('aac: an iTunes-style file decodes gapless from its iTunSMPB tag, equal to ffmpeg on the exact file; verify passes', async (t) => {
  if (!needTools(t, 'ffmpeg', 'ffprobe')) return;
  const dir = tempDir();
  const exact = path.join(dir, 'exact.m4a');
  run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `aevalsrc=0.4*sin(2*PI*440*t)|0.3*sin(2*PI*660*t):s=${RATE}`, '-af', `atrim=end_sample=${FRAMES}`, '-c:a', 'aac', exact]);
  const reference = await decodeFile(exact); // ffmpeg honours the exact edit list ffmpeg wrote
  assert.equal(reference.frames, FRAMES);
  const bytes = readFileSync(exact);
  const decodedPackets = Math.ceil((FRAMES + 1024) / 1024) * 1024;
  for (const withTag of [true, false]) {
    const apple = path.join(dir, `apple-${withTag}.m4a`);
    writeFileSync(apple, appleStyle(bytes, 1024, decodedPackets - 1024 - FRAMES, withTag));
    const probe = JSON.parse(run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', apple]).toString()) as { streams: { duration_ts: number }[] };
    assert.notEqual(probe.streams[0]!.duration_ts, FRAMES, 'ffprobe alone gets the length wrong (the class of files)');
    const d = await decodeFile(apple);
    // With the tag the count is exact; from the rounded edit list alone it is within 1/600 s.
    if (withTag) assert.equal(d.frames, FRAMES);
    else assert.ok(d.frames >= FRAMES && d.frames < FRAMES + RATE / 600 + 1, `${d.frames} frames from the edit list`);
    assert.equal(d.info.totalFrames, d.frames);
    assert.deepEqual(d.samples.subarray(0, FRAMES * 2), reference.samples, 'the same samples as ffmpeg on the exact file, priming dropped');
    const v = await verifyFile(apple);
    assert.equal(v.error, null, `verify: ${v.error?.message}`);
    // A seek lands on the same sample as the whole decode.
    const part = await decodeFile(apple, { start: 40000, frames: 100 });
    assert.deepEqual(part.samples, reference.samples.subarray(80000, 80200));
  }
});
