// DSF and DSDIFF: files built from the spec layouts (shared/specs/dsp.md section 6), checked
// against the spec's measured header vectors and bit-order examples, and against ffmpeg's
// dsf/dff demuxers and DSD decoders.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dsfPlugin } from '../../../src/decoders/plugins/dsf/index.ts';
import { dsdiffPlugin } from '../../../src/decoders/plugins/dsdiff/index.ts';
import { isAurisError } from '../../../src/util/errors.ts';
import { framesToSeconds } from '../../../src/audio/format.ts';
import { needTools } from '../../helpers/tools.ts';
import { ffmpegBatch } from '../../helpers/ffmpeg.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { dsdNoise } from '../../helpers/signals.ts';
import { checkSeeks, decodeAll, openBytes } from '../../helpers/decode.ts';
import { ascii, chunk, concat, dsdiffFile, dsfFile, uint } from '../../helpers/containers.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const DSD_RATES = [2822400, 5644800, 11289600, 22579200, 3072000, 6144000, 12288000, 24576000];

test('the DSF writer reproduces the spec header vector (stereo DSD64, 32768 samples, one block)', () => {
  const file = dsfFile({ rate: 2822400, channels: 2, msb: new Uint8Array(8192) });
  assert.equal(file.length, 8284);
  assert.deepEqual(Buffer.from(file.subarray(0, 92)), hex(`
    44 53 44 20 1C 00 00 00 00 00 00 00 5C 20 00 00 00 00 00 00 00 00 00 00 00 00 00 00 66 6D 74 20
    34 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 02 00 00 00 02 00 00 00 00 11 2B 00 01 00 00 00
    00 80 00 00 00 00 00 00 00 10 00 00 00 00 00 00 64 61 74 61 0C 20 00 00 00 00 00 00`));
});

test('the DSDIFF writer reproduces the spec header vector (stereo DSD64, 8192 data bytes)', () => {
  const file = dsdiffFile({ rate: 2822400, channels: 2, msb: new Uint8Array(8192) });
  assert.deepEqual(Buffer.from(file.subarray(0, 130)), hex(`
    46 52 4D 38 00 00 00 00 00 00 20 76 44 53 44 20 46 56 45 52 00 00 00 00 00 00 00 04 01 05 00 00
    50 52 4F 50 00 00 00 00 00 00 00 4A 53 4E 44 20 46 53 20 20 00 00 00 00 00 00 00 04 00 2B 11 00
    43 48 4E 4C 00 00 00 00 00 00 00 0A 00 02 53 4C 46 54 53 52 47 54 43 4D 50 52 00 00 00 00 00 00
    00 14 44 53 44 20 0E 6E 6F 74 20 63 6F 6D 70 72 65 73 73 65 64 00 44 53 44 20 00 00 00 00 00 00
    20 00`));
});

test('DSF bit order: LSB-first bytes 00 80 40 C0 decode to the MSB-first stream 00 01 02 03', async () => {
  // Built by hand, not by the writer: mono, one 4096-byte block, 32 samples.
  const block = new Uint8Array(4096);
  block.set([0x00, 0x80, 0x40, 0xc0]);
  const file = concat(
    ascii('DSD '), uint(28, 8), uint(92 + 4096, 8), uint(0, 8),
    ascii('fmt '), uint(52, 8), uint(1, 4), uint(0, 4), uint(1, 4), uint(1, 4), uint(2822400, 4), uint(1, 4), uint(32, 8), uint(4096, 4), uint(0, 4),
    ascii('data'), uint(12 + 4096, 8), block,
  );
  const d = await openBytes(dsfPlugin, file);
  assert.deepEqual(d.format, { rate: 2822400, channels: 1, sample: 'dsd', validBits: 1 });
  const decoded = await decodeAll(d);
  assert.deepEqual([...decoded.samples], [0x00, 0x01, 0x02, 0x03], 'the padding of the block is not output');

  // The DoP example of spec 6.4: interleaved MSB-first 33 AA 33 0F 4D F0 55 69 is stored as
  // left block CC CC B2 AA and right block 55 F0 0F 96.
  const msb = Uint8Array.of(0x33, 0xaa, 0x33, 0x0f, 0x4d, 0xf0, 0x55, 0x69);
  const stereo = dsfFile({ rate: 2822400, channels: 2, msb });
  assert.deepEqual([...stereo.subarray(92, 96)], [0xcc, 0xcc, 0xb2, 0xaa]);
  assert.deepEqual([...stereo.subarray(92 + 4096, 92 + 4100)], [0x55, 0xf0, 0x0f, 0x96]);
  assert.deepEqual((await decodeAll(await openBytes(dsfPlugin, stereo))).samples, msb);
});

test('DSF and DSDIFF decode DSD64..DSD512 (44.1k and 48k families), 1-6 channels, LSB- and MSB-first', async () => {
  let seed = 1;
  for (const rate of DSD_RATES) {
    for (const channels of [1, 2, 3, 4, 5, 6]) {
      // Frames not a multiple of the 4096-byte block, and a sample count not a multiple of 8.
      const frames = 4096 + 1000 + channels * 37;
      const msb = dsdNoise(frames, channels, seed++);
      const sampleCount = frames * 8 - (channels % 8);
      for (const msbFirst of [false, true]) {
        const dsf = await openBytes(dsfPlugin, dsfFile({ rate, channels, msb, sampleCount, msbFirst }));
        assert.deepEqual(dsf.format, { rate, channels, sample: 'dsd', validBits: 1 });
        assert.deepEqual(dsf.info, { codec: 'DSD', container: 'DSF', lossless: true, totalFrames: frames, bitrate: rate * channels, md5: null });
        assert.deepEqual((await decodeAll(dsf, 3000)).samples, msb, `DSF ${rate} Hz ${channels} ch ${msbFirst ? 'MSB' : 'LSB'}-first`);
        assert.deepEqual(dsf.integrity().warnings, []);
      }
      const dff = await openBytes(dsdiffPlugin, dsdiffFile({ rate, channels, msb }));
      assert.deepEqual(dff.format, { rate, channels, sample: 'dsd', validBits: 1 });
      assert.equal(dff.info.container, 'DSDIFF');
      assert.equal(dff.info.totalFrames, frames);
      assert.deepEqual((await decodeAll(dff, 3000)).samples, msb, `DSDIFF ${rate} Hz ${channels} ch`);
    }
  }
});

test('DSF: the sample count, not the zero-padded last block, decides the length', async () => {
  const msb = dsdNoise(5000, 2, 99);
  // 4999 bytes and 3 bits of the 5000th byte are samples; the rest of the block is padding.
  const file = dsfFile({ rate: 2822400, channels: 2, msb, sampleCount: 4999 * 8 + 3 });
  const opened = await openBytes(dsfPlugin, file);
  assert.equal(framesToSeconds(opened.info.totalFrames!, opened.format), 5000 * 8 / 2822400, 'a DSD frame is 8 samples');
  const decoded = await decodeAll(opened);
  assert.equal(decoded.frames, 5000);
  assert.deepEqual(decoded.samples, msb);
  const exact = await decodeAll(await openBytes(dsfPlugin, dsfFile({ rate: 2822400, channels: 2, msb, sampleCount: 4096 * 8 })));
  assert.equal(exact.frames, 4096, 'a count ending on a block boundary stops there');
  assert.deepEqual(exact.samples, msb.subarray(0, 4096 * 2));
  // Junk after the data in the data chunk (MPD has met such files) is ignored, an ID3 tag too.
  const withTag = dsfFile({ rate: 2822400, channels: 2, msb, metadata: concat(ascii('ID3'), new Uint8Array(100)) });
  assert.deepEqual((await decodeAll(await openBytes(dsfPlugin, withTag))).samples, msb);
});

test('DSDIFF: DST compression is a typed refusal; extra chunks and odd chunks are skipped', async () => {
  const msb = dsdNoise(1000, 2, 5);
  await assert.rejects(openBytes(dsdiffPlugin, dsdiffFile({ rate: 2822400, channels: 2, msb, dst: true })), (e) => isAurisError(e, 'E_UNSUPPORTED_FEATURE'));
  const be = { bigEndian: true, sizeBytes: 8 as const };
  const extra = [chunk('COMT', ascii('odd'), be), chunk('DIIN', chunk('DIAR', concat(uint(5, 4, true), ascii('Artis')), be), be), chunk('ID3 ', new Uint8Array(33), be)];
  const file = dsdiffFile({ rate: 5644800, channels: 2, msb, extra });
  assert.deepEqual((await decodeAll(await openBytes(dsdiffPlugin, file))).samples, msb);
  // An odd-sized DSD chunk (mono, 1001 bytes) followed by its pad byte and a trailing chunk.
  const mono = dsdNoise(1001, 1, 6);
  const odd = concat(dsdiffFile({ rate: 2822400, channels: 1, msb: mono }), chunk('ID3 ', new Uint8Array(10), be));
  assert.deepEqual((await decodeAll(await openBytes(dsdiffPlugin, odd))).samples, mono);
});

test('DSF and DSDIFF truncated: whole frames before the cut, then E_TRUNCATED (strict) or a warning (lenient)', async () => {
  const msb = dsdNoise(10000, 2, 8);
  const dsf = dsfFile({ rate: 2822400, channels: 2, msb });
  // Cut inside the second channel's block of the second group: 4096 + 100 frames remain whole.
  const dsfCut = dsf.subarray(0, 92 + 4096 * 2 + 4096 + 100);
  const strict = await openBytes(dsfPlugin, dsfCut);
  assert.equal(strict.info.totalFrames, 4196);
  await assert.rejects(decodeAll(strict), (e) => isAurisError(e, 'E_TRUNCATED'));
  const lenient = await openBytes(dsfPlugin, dsfCut, { integrity: 'lenient' });
  assert.deepEqual((await decodeAll(lenient)).samples, msb.subarray(0, 4196 * 2));
  // DSD lengths in the unit of the DSD rate (8 one-bit samples per byte-per-channel frame), not bytes.
  assert.match(lenient.integrity().warnings.join(), /declares 80000 one-bit samples per channel, the file holds 33568 one-bit samples per channel/);
  assert.deepEqual(lenient.integrity().damage.map((d) => [d.code, d.frames]), [['E_TRUNCATED', 10000 - 4196]]);

  const dff = dsdiffFile({ rate: 2822400, channels: 2, msb });
  const dffCut = dff.subarray(0, dff.length - 2001);
  const lenientDff = await openBytes(dsdiffPlugin, dffCut, { integrity: 'lenient' });
  assert.deepEqual((await decodeAll(lenientDff)).samples, msb.subarray(0, msb.length - 2002));
  await assert.rejects(decodeAll(await openBytes(dsdiffPlugin, dffCut)), (e) => isAurisError(e, 'E_TRUNCATED'));
});

test('DSF and DSDIFF seeking (frame = one byte per channel) to 200 random frames matches a full decode', async () => {
  const msb = dsdNoise(30000, 3, 9);
  for (const [plugin, file] of [[dsfPlugin, dsfFile({ rate: 5644800, channels: 3, msb })], [dsdiffPlugin, dsdiffFile({ rate: 5644800, channels: 3, msb })]] as const) {
    const full = await decodeAll(await openBytes(plugin, file));
    assert.deepEqual(full.samples, msb);
    await checkSeeks(await openBytes(plugin, file), full);
  }
});

test('ffmpeg reads the same DSD: raw DSDIFF bytes equal, DSF and DSDIFF decode to the same PCM', async (t) => {
  if (!needTools(t, 'ffmpeg')) return;
  const dir = tempDir();
  const cases = [
    { rate: 2822400, channels: 2, frames: 9000 },
    { rate: 5644800, channels: 1, frames: 5000 },
    { rate: 2822400, channels: 6, frames: 4500 },
  ];
  const files = cases.map((c, i) => {
    const msb = dsdNoise(c.frames, c.channels, 50 + i);
    const dsf = path.join(dir, `${i}.dsf`);
    writeFileSync(dsf, dsfFile({ rate: c.rate, channels: c.channels, msb }));
    return { ...c, msb, dsf, dff: path.join(dir, `${i}.dff`) };
  });
  // Our decode of each DSF, written back as DSDIFF (already MSB-first and interleaved).
  for (const f of files) {
    const decoded = await decodeAll(await openBytes(dsfPlugin, readFileSync(f.dsf)));
    await checkSeeks(await openBytes(dsfPlugin, readFileSync(f.dsf)), decoded);
    writeFileSync(f.dff, dsdiffFile({ rate: f.rate, channels: f.channels, msb: decoded.samples as Uint8Array }));
  }
  ffmpegBatch(files.flatMap((f) => [
    { input: f.dff, output: `${f.dff}.data`, outputArgs: ['-c:a', 'copy', '-f', 'data'] },
    { input: f.dsf, output: `${f.dsf}.f32`, outputArgs: ['-c:a', 'pcm_f32le', '-f', 'f32le'] },
    { input: f.dff, output: `${f.dff}.f32`, outputArgs: ['-c:a', 'pcm_f32le', '-f', 'f32le'] },
  ]));
  for (const f of files) {
    const label = `${f.rate} Hz ${f.channels} ch`;
    assert.deepEqual(new Uint8Array(readFileSync(`${f.dff}.data`)), f.msb, `${label}: ffmpeg's raw DSDIFF bytes are ours`);
    const fromDsf = readFileSync(`${f.dsf}.f32`);
    const fromDff = readFileSync(`${f.dff}.f32`);
    assert.equal(fromDff.length, f.frames * f.channels * 4, `${label}: ffmpeg decoded every DSDIFF frame`);
    // ffmpeg primes its decimation FIFO (12 bytes) with a different silence byte for LSB-first
    // input, so the first 12 frames differ by design; every later PCM sample depends only on DSD
    // bytes, and any de-blocking or bit-order slip would show there.
    const skip = 12 * f.channels * 4;
    assert.equal(fromDsf.length, fromDff.length, `${label}: same length`);
    assert.ok(fromDsf.subarray(skip).equals(fromDff.subarray(skip)), `${label}: ffmpeg decodes the DSF and our de-blocked DSDIFF alike`);
  }
});
