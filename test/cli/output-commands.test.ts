// The output commands end to end: `auris play` to an ALSA capture device, `auris debug output`
// from stdin to the fake DAC, `auris devices --json`.
import { captureDir, lcgInts, needAlsa, needFakeDac, readCapture, repoRoot } from '../helpers/alsa.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pcmFormat } from '../../src/audio/format.ts';
import { packInt } from '../../src/audio/pack.ts';
import { wavHeader } from '../../src/audio/wav.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();

function auris(args: string[], input?: Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), ...args], {
    input, env: process.env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('auris play sends a 24-bit WAV to an ALSA device byte for byte', async (t) => {
  if (!needAlsa(t)) return;
  const format = pcmFormat(96000, 2, 24);
  const samples = lcgInts(96000 * 2 * 0.25, 24, 21);
  const data = packInt(samples, 24, 'S24_3LE');
  const file = path.join(dir, 'in.wav');
  writeFileSync(file, Buffer.concat([wavHeader(format, data.length), data]));
  const r = auris(['play', file, '--output', 'alsa:captest', '--exclusive']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /output alsa:captest \(exclusive\) as S24_3LE, 96000 Hz, 2 ch, 24-bit\n\s+bit-perfect; verified bit-perfect/);
  assert.ok(readCapture(96000, 2, 'S24_3LE').equals(Buffer.from(data)));
});

test('auris debug output repacks stdin losslessly into what the DAC takes (24-bit -> S32_LE)', async (t) => {
  if (!needFakeDac(t)) return;
  const samples = lcgInts(44100 * 2 * 0.1, 24, 22);
  const r = auris(['debug', 'output', '-o', 'alsa:dac32', '-f', 'S24_3LE', '-r', '44100', '-c', '2', '--buffer-ms', '60'], packInt(samples, 24, 'S24_3LE'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /S32_LE 44100 Hz 2 ch, bit-perfect/);
  assert.ok(readFileSync(path.join(captureDir, 'dac32.raw')).equals(Buffer.from(packInt(samples, 24, 'S32_LE'))));
});

test('auris play --missing-rate skip leaves out a rate the DAC lacks, saying so with the accepted set; a skip asked for is no failure', async (t) => {
  if (!needFakeDac(t)) return;
  const format = pcmFormat(32000, 2, 16);
  const file = path.join(dir, 'low.wav');
  writeFileSync(file, Buffer.concat([wavHeader(format, 400), new Uint8Array(400)]));
  const r = auris(['play', file, '--output', 'alsa:dac32', '--missing-rate', 'skip']);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /skipped by the missing-rate policy/);
  assert.match(r.stderr, /does not accept 32000 Hz.*accepts S16_LE at 44100.*S32_LE at 44100.*\[E_FORMAT_REFUSED\]/);
});

test('auris debug output refuses a rate the DAC lacks with the accepted set and exit code 1', async (t) => {
  if (!needFakeDac(t)) return;
  const r = auris(['debug', 'output', '-o', 'alsa:dac32', '-f', 'S16_LE', '-r', '32000'], new Uint8Array(400));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /does not accept 32000 Hz.*accepts S16_LE at 44100.*\[E_FORMAT_REFUSED\]/);
});

test('auris devices --json lists ALSA devices with probed capabilities', async (t) => {
  if (!needAlsa(t)) return;
  const r = auris(['devices', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const listing = JSON.parse(r.stdout) as { outputs: { name: string; capabilities: { formats: { container: string; rates: number[] }[] } | null }[] };
  const cap = listing.outputs.find((o) => o.name === 'alsa:captest');
  assert.ok(cap?.capabilities, 'captest is listed and probed');
  const s24 = cap.capabilities.formats.find((f) => f.container === 'S24_3LE');
  assert.ok(s24?.rates.includes(768000));
  assert.ok(listing.outputs.some((o) => o.name === 'null'));
});
