// DoP packing and native DSD containers: byte-exact against dsp.md 6.4 and output-backends.md 2.6,
// and against what Debian's MPD sends to an ALSA `file` capture for the same DSF file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DopEncoder, dopCarrierRate, isDop, nativeDsdRate, packDop, packNativeDsd } from '../../src/audio/dop.ts';
import { needTools } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { makeDsf } from '../helpers/dsf.ts';

// dsp.md 6.4 test vector: MSB-first stereo DSD, byte-interleaved L0 R0 L1 R1 L2 R2 L3 R3.
const VECTOR = Uint8Array.of(0x33, 0xaa, 0x33, 0x0f, 0x4d, 0xf0, 0x55, 0x69);

const u24 = (w: Int32Array): number[] => Array.from(w, (v) => v & 0xffffff);

test('DoP of the spec vector: markers 0x05/0xFA, older byte in the middle, in S24_3LE and 24-in-32', () => {
  const enc = new DopEncoder(2);
  assert.deepEqual(u24(enc.encode(VECTOR)), [0x053333, 0x05aa0f, 0xfa4d55, 0xfaf069]);
  assert.deepEqual(
    Array.from(packDop(VECTOR, 2, 'S24_3LE')),
    [0x33, 0x33, 0x05, 0x0f, 0xaa, 0x05, 0x55, 0x4d, 0xfa, 0x69, 0xf0, 0xfa],
  );
  assert.deepEqual(
    Array.from(packDop(VECTOR, 2, 'S32_LE')),
    [0, 0x33, 0x33, 0x05, 0, 0x0f, 0xaa, 0x05, 0, 0x55, 0x4d, 0xfa, 0, 0x69, 0xf0, 0xfa],
  );
  assert.equal(dopCarrierRate(2822400), 176400);
  assert.equal(dopCarrierRate(22579200), 1411200);
});

test('DoP streams across odd splits, keeps the marker sequence, idles with 0x69 and flushes a half frame', () => {
  const bytes = Uint8Array.from({ length: 2 * 301 }, (_, i) => (i * 37 + 11) & 0xff);
  const whole = new DopEncoder(2);
  const expected = [...u24(whole.encode(bytes)), ...u24(whole.flush())];
  assert.equal(expected.length, 2 * 151);
  const enc = new DopEncoder(2);
  const got: number[] = [];
  for (const cut of [[0, 2], [2, 4], [4, 10], [10, 10], [10, 602]]) got.push(...u24(enc.encode(bytes.subarray(cut[0]!, cut[1]!))));
  const tail = u24(enc.flush());
  assert.deepEqual([...got, ...tail], expected);
  // Last half frame: its newer byte is the silence pattern.
  assert.deepEqual(tail.map((w) => w & 0xff), [0x69, 0x69]);
  assert.equal(tail[0]! >> 16, 0x05); // frame 150 is even: 0x05
  // Idle continues the markers of the stream it follows.
  const e2 = new DopEncoder(2);
  e2.encode(VECTOR.subarray(0, 4));
  assert.deepEqual(u24(e2.idle(2)), [0xfa6969, 0xfa6969, 0x056969, 0x056969]);
  assert.ok(isDop(e2.idle(32), 2));
  assert.ok(!isDop(new Int32Array(64), 2));
  assert.throws(() => enc.encode(new Uint8Array(3)), { code: 'E_INVALID_ARGUMENT' });
});

test('native DSD containers: DSD_U8, U16 and U32 in both byte orders, oldest byte most significant', () => {
  assert.deepEqual(Array.from(packNativeDsd(VECTOR, 2, 'DSD_U8')), Array.from(VECTOR));
  assert.deepEqual(Array.from(packNativeDsd(VECTOR, 2, 'DSD_U16_BE')), [0x33, 0x33, 0xaa, 0x0f, 0x4d, 0x55, 0xf0, 0x69]);
  assert.deepEqual(Array.from(packNativeDsd(VECTOR, 2, 'DSD_U16_LE')), [0x33, 0x33, 0x0f, 0xaa, 0x55, 0x4d, 0x69, 0xf0]);
  assert.deepEqual(Array.from(packNativeDsd(VECTOR, 2, 'DSD_U32_BE')), [0x33, 0x33, 0x4d, 0x55, 0xaa, 0x0f, 0xf0, 0x69]);
  assert.deepEqual(Array.from(packNativeDsd(VECTOR, 2, 'DSD_U32_LE')), [0x55, 0x4d, 0x33, 0x33, 0x69, 0xf0, 0x0f, 0xaa]);
  assert.equal(nativeDsdRate(2822400, 'DSD_U32_BE'), 88200);
  assert.equal(nativeDsdRate(2822400, 'DSD_U16_LE'), 176400);
  assert.equal(nativeDsdRate(2822400, 'DSD_U8'), 352800);
  assert.throws(() => packNativeDsd(VECTOR.subarray(0, 6), 2, 'DSD_U32_BE'), { code: 'E_INVALID_ARGUMENT' });
});

test('hand-made DSF matches the spec header vector and stores the DoP vector LSB-first', () => {
  const dsd = new Uint8Array(2 * 4096);
  dsd.set(VECTOR);
  const dsf = makeDsf(dsd, 2);
  assert.equal(dsf.length, 8284);
  const header = [
    0x44, 0x53, 0x44, 0x20, 0x1c, 0, 0, 0, 0, 0, 0, 0, 0x5c, 0x20, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x66, 0x6d, 0x74, 0x20,
    0x34, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
    2, 0, 0, 0, 2, 0, 0, 0, 0, 0x11, 0x2b, 0, 1, 0, 0, 0,
    0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0,
    0x64, 0x61, 0x74, 0x61, 0x0c, 0x20, 0, 0, 0, 0, 0, 0,
  ];
  assert.deepEqual(Array.from(dsf.subarray(0, 92)), header);
  assert.deepEqual(Array.from(dsf.subarray(92, 96)), [0xcc, 0xcc, 0xb2, 0xaa]);
  assert.deepEqual(Array.from(dsf.subarray(92 + 4096, 96 + 4096)), [0x55, 0xf0, 0x0f, 0x96]);
});

/** Minimal MPD protocol client over a Unix socket: sends one command, resolves with its response lines. */
async function mpdCommand(socketPath: string, command: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const sock = connect(socketPath);
    let buf = '';
    let greeted = false;
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`MPD did not answer '${command}'`)); }, 10000);
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (!greeted) {
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        if (!buf.startsWith('OK MPD')) { clearTimeout(timer); sock.destroy(); reject(new Error(`not MPD: ${buf}`)); return; }
        greeted = true;
        buf = buf.slice(nl + 1);
        sock.write(`${command}\n`);
      }
      if (/(^|\n)OK\n$/.test(buf) || /(^|\n)ACK .*\n$/.test(buf)) {
        clearTimeout(timer);
        sock.end();
        if (buf.includes('ACK ')) reject(new Error(`MPD refused '${command}': ${buf.trim()}`));
        else resolve(buf);
      }
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('DoP of a DSF file is byte-equal to what MPD (dop "yes") sends to an ALSA file capture', async (t) => {
  if (!needTools(t, 'mpd')) return;
  const dir = tempDir('auris-mpd-dop-');
  // Three whole 4096-byte blocks per channel of pseudo-random DSD (MPD plays whole DSF blocks).
  const perChannel = 3 * 4096;
  const dsd = new Uint8Array(2 * perChannel);
  let seed = 0x2545f491;
  for (let i = 0; i < dsd.length; i++) { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; dsd[i] = seed >>> 24; }
  writeFileSync(path.join(dir, 'track.dsf'), makeDsf(dsd, 2));
  mkdirSync(path.join(dir, 'library'));
  writeFileSync(path.join(dir, 'asoundrc'), `pcm.auriscap {\n  type file\n  slave.pcm "null"\n  file "${dir}/cap-%r-%c-%f.raw"\n  format "raw"\n  truncate true\n}\n`);
  const socketPath = path.join(dir, 'socket');
  writeFileSync(path.join(dir, 'mpd.conf'), [
    // The track lies outside the (empty) library, so MPD plays it as a local file without waiting for a database update.
    `music_directory "${dir}/library"`, `db_file "${dir}/db"`, `log_file "${dir}/log"`, `bind_to_address "${socketPath}"`,
    'zeroconf_enabled "no"',
    'audio_output {', '  type "alsa"', '  name "capture"', '  device "auriscap"', '  dop "yes"', '  mixer_type "none"', '}', '',
  ].join('\n'));
  const mpd = spawn('mpd', ['--no-daemon', '--stderr', path.join(dir, 'mpd.conf')], {
    env: { ...process.env, ALSA_CONFIG_PATH: `/usr/share/alsa/alsa.conf:${dir}/asoundrc` }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  mpd.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  try {
    for (let i = 0; !existsSync(socketPath); i++) {
      if (i > 100 || mpd.exitCode !== null) throw new Error(`MPD did not start: ${stderr}`);
      await sleep(100);
    }
    await mpdCommand(socketPath, `add "${path.join(dir, 'track.dsf')}"`);
    await mpdCommand(socketPath, 'play');
    for (let i = 0; ; i++) {
      const status = await mpdCommand(socketPath, 'status');
      if (status.includes('state: stop')) break;
      if (i > 200) throw new Error(`MPD never finished playing: ${status} ${stderr}`);
      await sleep(100);
    }
  } finally {
    mpd.kill('SIGTERM');
    await new Promise((r) => { if (mpd.exitCode !== null) r(null); else mpd.once('exit', r); });
  }
  const caps = readdirSync(dir).filter((f) => f.startsWith('cap-'));
  assert.equal(caps.length, 1, `one capture expected, got ${caps.join(', ')}; MPD said: ${stderr}`);
  const m = /^cap-(\d+)-(\d+)-(\w+)\.raw$/.exec(caps[0]!);
  assert.ok(m, caps[0]);
  assert.equal(Number(m[1]), 176400, 'DoP carrier rate of DSD64');
  assert.equal(Number(m[2]), 2);
  const captured = readFileSync(path.join(dir, caps[0]!));
  // Auris's DoP bytes, as 24-bit samples. Bring the capture to the same 3 bytes per sample
  // (S24_LE and S32_LE carry them in a 4-byte word: low 3 bytes, or high 3 bytes).
  const ours = packDop(dsd, 2, 'S24_3LE');
  const fmt = m[3]!;
  let theirs: Uint8Array;
  if (fmt === 'S24_3LE') theirs = captured;
  else if (fmt === 'S24_LE' || fmt === 'S32_LE') {
    const skip = fmt === 'S24_LE' ? 0 : 1;
    theirs = new Uint8Array((captured.length / 4) * 3);
    for (let i = 0, o = 0; i < captured.length; i += 4, o += 3) theirs.set(captured.subarray(i + skip, i + skip + 3), o);
  } else throw new Error(`unexpected capture format ${fmt}`);
  // MPD may pad with idle or zeros before and after: find our first frame, compare the whole span.
  const start = Buffer.from(theirs).indexOf(Buffer.from(ours.subarray(0, 12)));
  assert.ok(start >= 0 && start % 6 === 0, `payload not found in ${theirs.length} captured bytes (${fmt})`);
  t.diagnostic(`MPD capture ${caps[0]}: ${captured.length} bytes, payload at byte ${start} of the 3-byte stream, ${ours.length} bytes compared`);
  assert.ok(Buffer.from(theirs.subarray(start, start + ours.length)).equals(Buffer.from(ours)), 'DoP payload differs from MPD');
});
