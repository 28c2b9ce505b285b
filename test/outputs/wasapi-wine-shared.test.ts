// WASAPI shared mode, for real: the compiled CLI (`auris play --shared --json`) in Windows node.exe
// under Wine, whose mixer runs at float32 48 kHz stereo, playing a 16-bit/44.1 kHz and a
// 24-bit/48 kHz FLAC into winealsa's `auriscap` capture. The engine converts both to the mix format
// itself (issue 16, item 5); the capture is compared with sox's conversion of the same files, and
// the report must say `degraded` with the reason naming shared mode and pointing to exclusive.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { needTools, run } from '../helpers/tools.ts';
import { tempDir } from '../helpers/tmp.ts';
import { WIN_TOOLS } from '../../scripts/win/toolchain.ts';
import { compileDist, prepareWine, runWindowsNode } from '../../scripts/win/wine.ts';

interface Stage { kind: string; name: string; changesSamples: boolean; chosenByUser: boolean; detail: string; cause?: string }
interface PlayReport {
  tracks: { path: string; completed: boolean; signalPath: { verdict: string; reasons: string[]; stages: Stage[] }; proof: { verified: boolean; reason: string } }[];
  underruns: number;
}

/** Little-endian float32 samples of a raw file (or buffer slice). */
function floats(bytes: Buffer): Float32Array {
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.length / 4);
}

/**
 * The samples without their runs of at least `minFrames` all-zero frames; `silences` lists the runs
 * taken out as "frame+frames" (frames of the capture), or "none".
 */
function withoutSilence(x: Float32Array, channels: number, minFrames: number): { audio: Float32Array; silences: string } {
  const kept: Float32Array[] = [];
  const runs: string[] = [];
  const frames = x.length / channels;
  const silent = (f: number): boolean => x.subarray(f * channels, (f + 1) * channels).every((v) => v === 0);
  let from = 0;
  for (let f = 0; f < frames;) {
    if (!silent(f)) { f++; continue; }
    let end = f;
    while (end < frames && silent(end)) end++;
    if (end - f >= minFrames) {
      kept.push(x.subarray(from * channels, f * channels));
      runs.push(`${f}+${end - f}`);
      from = end;
    }
    f = end;
  }
  kept.push(x.subarray(from * channels));
  const audio = new Float32Array(kept.reduce((n, k) => n + k.length, 0));
  let o = 0;
  for (const k of kept) { audio.set(k, o); o += k.length; }
  return { audio, silences: runs.join(' ') || 'none' };
}

function rmsDb(x: Float32Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return 10 * Math.log10(sum / x.length);
}

test('WASAPI shared mode under Wine: 16/44.1 and 24/48 play, converted to the float32 48 kHz mix like sox does, reported degraded', { timeout: 900_000 }, (t) => {
  if (!needTools(t, ...WIN_TOOLS, 'sox')) return;
  prepareWine();
  const cli = compileDist();
  const dir = tempDir('auris-wine-shared-');
  const cd = path.join(dir, 'cd.flac');
  const hires = path.join(dir, 'hires.flac');
  // A tone starting at its peak (phase 25%), so the first resampled frame is not silence; white noise for the 24-bit file.
  run('sox', ['-n', '-r', '44100', '-b', '16', '-c', '2', cd, 'synth', '1', 'sine', '1000', '0', '25', 'gain', '-6']);
  run('sox', ['-n', '-r', '48000', '-b', '24', '-c', '2', hires, 'synth', '1', 'whitenoise', 'gain', '-10']);
  const r = runWindowsNode(cli, ['play', cd, hires, '--output', 'wasapi:', '--shared', '--json'], { capture: path.join(dir, 'cap-%r-%c-%f.raw') });
  assert.equal(r.status, 0, `auris play exited ${r.status}:\n${r.stdout.slice(-2000)}\n${r.stderr.split('\n').filter((l) => !l.startsWith('ALSA lib')).join('\n').slice(-3000)}`);
  const report = JSON.parse(r.stdout) as PlayReport;
  assert.equal(report.underruns, 0);
  assert.equal(report.tracks.length, 2);

  // The verdict: degraded, with the reason naming shared mode and pointing to exclusive mode.
  const [cdTrack, hiresTrack] = report.tracks;
  for (const tr of report.tracks) {
    assert.equal(tr.completed, true, `${tr.path} played to its end`);
    assert.equal(tr.signalPath.verdict, 'degraded', tr.path);
    assert.equal(tr.proof.verified, false);
    const output = tr.signalPath.stages.at(-1)!;
    assert.equal(output.kind, 'output');
    assert.match(output.detail, /^shared through the system mixer at 48000 Hz \(not bit-perfect; exclusive mode plays bit-perfect\), FLOAT_LE/);
    assert.ok(tr.signalPath.reasons.some((x) => x.includes('exclusive mode plays bit-perfect')), `${tr.path}: ${tr.signalPath.reasons.join(' | ')}`);
  }
  const resampler = cdTrack!.signalPath.stages.find((s) => s.kind === 'resampler');
  assert.ok(resampler, 'the 44.1 kHz track went through the resampler');
  assert.equal(resampler.chosenByUser, false, 'forced by the mixer, not chosen');
  assert.match(resampler.detail, /^44100 -> 48000 Hz, VHQ /);
  assert.match(resampler.cause ?? '', /^shared mode: wasapi: takes only its system mixer's format \(48000 Hz, 2 ch, 32-bit float\), so the source is resampled from 44100 to 48000 Hz and converted to 32-bit float; exclusive mode plays it bit-perfect$/);
  // The first reason leads with the cause (what a narrow terminal shows), the resampler's detail after it.
  assert.match(cdTrack!.signalPath.reasons[0]!, /^not bit-perfect: shared mode: .*exclusive mode plays it bit-perfect \(done by Resampler \(44100 -> 48000 Hz/);
  assert.equal(hiresTrack!.signalPath.stages.some((s) => s.kind === 'resampler'), false, 'already at the mix rate');
  const toFloat = hiresTrack!.signalPath.stages.find((s) => s.name === 'To 32-bit float');
  assert.ok(toFloat && !toFloat.changesSamples, 'the 24-bit samples become float exactly');
  assert.match(toFloat.cause ?? '', /^shared mode: .*converted to 32-bit float; exclusive mode plays it bit-perfect$/);

  // The capture: both tracks, one after the other, in the mix format. Wine's own mixer thread,
  // when the machine is loaded, writes periods of silence into it that the application cannot see
  // (measured: 60 ms once, under four busy loops on two cores; the engine's own shortfalls are
  // counted as underruns, asserted 0 above). Runs of 32 or more silent frames, which neither the
  // tone nor the noise has, are taken out before comparing, and named in the failure messages.
  const captured = readFileSync(path.join(dir, 'cap-48000-2-FLOAT_LE.raw'));
  const { audio, silences } = withoutSilence(floats(captured), 2, 32);
  const heard = Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength);
  t.diagnostic(`silent runs taken out of the capture (frame+frames): ${silences}`);
  const soxCd = run('sox', [cd, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-', 'rate', '-v', '48000']);
  const soxHires = run('sox', [hires, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-']);
  // 24-bit integers are exact in float32: the second track is sox's conversion byte for byte, and last.
  const hiresAt = heard.indexOf(soxHires.subarray(0, 256));
  assert.ok(hiresAt > 0 && hiresAt % 8 === 0, `the 24/48 track is in the capture, frame-aligned (silences taken out: ${silences})`);
  const firstDiff = heard.subarray(hiresAt).findIndex((b, i) => b !== soxHires[i]);
  assert.equal(heard.length - hiresAt, soxHires.length, `the 24/48 track's length in the capture (silences taken out: ${silences})`);
  assert.equal(firstDiff, -1, `the 24/48 track is sox's float conversion, byte for byte; first difference at its byte ${firstDiff} (silences taken out: ${silences})`);
  // The 16/44.1 track: everything before the second one.
  const ours = audio.subarray(0, hiresAt / 4);
  const ref = floats(soxCd);
  // Length: 1 s at 44.1 kHz is 48000 frames at 48 kHz, as sox makes it; tolerance 1 frame.
  assert.ok(Math.abs(ours.length / 2 - ref.length / 2) <= 1, `resampled length ${ours.length / 2} frames, sox ${ref.length / 2} (silences taken out: ${silences})`);
  // Level within 0.01 dB of sox's.
  assert.ok(Math.abs(rmsDb(ours) - rmsDb(ref)) < 0.01, `level ${rmsDb(ours).toFixed(4)} dB, sox ${rmsDb(ref).toFixed(4)} dB`);
  // Sample by sample, away from the first and last 20 ms (the edges' filter transients differ
  // between two resamplers): within 1e-5 (-100 dBFS) of sox's VHQ resampler (measured: ~1e-7).
  const edge = 2 * 960;
  let worst = 0;
  for (let i = edge; i < Math.min(ours.length, ref.length) - edge; i++) worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!));
  assert.ok(worst < 1e-5, `largest difference from sox ${worst}`);
});
