// "Verify" an output: play a short test signal into it through an engine of its own, and report
// what the driver negotiated, the signal path's verdict and the proof (the MD5 of the samples
// handed to the device against the MD5 of the signal). For a `file:` output the written file is
// also compared byte for byte with the test signal's own WAV file, which it equals when nothing
// on the way changed a sample.

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AudioFormat } from '../audio/format.ts';
import { packInt, packMd5Layout } from '../audio/pack.ts';
import { wavContainerFor, wavHeader, wavHeaderSize, wavTrailer } from '../audio/wav.ts';
import type { EngineEvent, EngineSettings, OutputState, TrackProof } from '../engine/protocol.ts';
import type { OutputVerifyResult } from '../protocol/http.ts';
import type { SignalPathReport } from '../protocol/signal-path.ts';
import { AurisError } from '../util/errors.ts';
import { EngineLink, fromWire, type EngineMode } from './engine-link.ts';

/** Length of the test signal. */
export const TEST_SIGNAL_SECONDS = 1;
/** How long past the signal's own length a verify waits for the device before giving up. */
const DEVICE_GRACE_MS = 15_000;

export interface TestSignal {
  readonly format: AudioFormat;
  readonly frames: number;
  /** The whole WAV file (header, data, pad byte). */
  readonly wav: Uint8Array;
  /** MD5 of the samples in FLAC's layout (what the proof compares). */
  readonly md5: string;
}

/**
 * The test signal: stereo, a 997 Hz tone on the left and 1499 Hz on the right at -12 dBFS (so a
 * swapped channel shows), faded in and out over 20 ms, plus low-level pseudo-random noise in the
 * lowest 8 bits (6 at 16-bit) so that a change to any bit shows. Deterministic: the same bytes every time.
 */
export function testSignal(rate: number, bits: 16 | 24, seconds = TEST_SIGNAL_SECONDS): TestSignal {
  const format: AudioFormat = { rate, channels: 2, sample: bits === 16 ? 's16' : 's24', validBits: bits };
  const frames = Math.round(rate * seconds);
  const samples = new Int32Array(frames * 2);
  const amplitude = 2 ** (bits - 1) / 4; // -12 dBFS
  const noise = bits === 16 ? 64 : 256;
  const fade = Math.round(rate * 0.02);
  let x = 0x9e3779b9;
  const random = (): number => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < frames; i++) {
    const gain = Math.min(1, i / fade, (frames - 1 - i) / fade);
    for (let c = 0; c < 2; c++) {
      const hz = c === 0 ? 997 : 1499;
      const tone = Math.round(amplitude * gain * Math.sin((2 * Math.PI * hz * i) / rate));
      samples[i * 2 + c] = tone + Math.floor(random() * noise) - noise / 2;
    }
  }
  const data = packInt(samples, bits, wavContainerFor(format));
  const header = wavHeader(format, data.length);
  const trailer = wavTrailer(data.length);
  const wav = new Uint8Array(header.length + data.length + trailer.length);
  wav.set(header, 0);
  wav.set(data, header.length);
  wav.set(trailer, header.length + data.length);
  const md5 = createHash('md5').update(packMd5Layout(samples, bits)).digest('hex');
  return { format, frames, wav, md5 };
}

interface Played {
  readonly output: OutputState | null;
  readonly signalPath: SignalPathReport;
  readonly proof: TrackProof;
}

/**
 * Plays `file` once through an engine of its own (`mode`: on a worker thread or this one) with
 * `settings`, and resolves at the end of the stream with what it reported. The track's error
 * (E_FORMAT_REFUSED with what the device takes, E_DEVICE_BUSY...) rejects; so does a device that
 * does not finish within the signal's length plus DEVICE_GRACE_MS (E_DEVICE).
 */
async function playOnce(mode: EngineMode, settings: EngineSettings, file: string, seconds: number): Promise<Played> {
  let output: OutputState | null = null;
  let ended: Played | null = null;
  let settle: { resolve: () => void; reject: (e: AurisError) => void } | null = null;
  const done = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
  const link = new EngineLink(mode, (e: EngineEvent) => {
    switch (e.type) {
      case 'need-next': link.send({ type: 'preload', afterId: e.afterId, track: null }); break;
      case 'output-open': output = e.output; break;
      case 'track-end': if (e.completed) ended = { output, signalPath: e.signalPath, proof: e.proof }; break;
      case 'track-error': settle!.reject(fromWire(e.error)); break;
      case 'error': settle!.reject(fromWire(e.error)); break;
      case 'device-lost': settle!.reject(new AurisError('E_DEVICE_LOST', `the device went away during the test: ${e.error.message}`, { ...e.error.details })); break;
      case 'queue-end': settle!.resolve(); break;
      default: break;
    }
  });
  const timer = setTimeout(() => settle!.reject(new AurisError('E_DEVICE', `${settings.output} did not play the ${seconds} s test signal within ${seconds + DEVICE_GRACE_MS / 1000} s`, { output: settings.output })), seconds * 1000 + DEVICE_GRACE_MS);
  try {
    await link.request({ type: 'configure', settings });
    await link.request({ type: 'load', track: { id: 1, path: file, startFrame: 0, endFrame: null }, frame: 0 });
    await done;
  } finally {
    clearTimeout(timer);
    await link.close();
  }
  if (!ended) throw new AurisError('E_DEVICE', `${settings.output} ended the test signal without playing it to its end`, { output: settings.output });
  return ended;
}

/** The file a `file:` output wrote during the verify: the target, or a numbered sibling (out-2.wav) made since `since`. */
async function writtenFile(target: string, since: number): Promise<string | null> {
  const dir = path.dirname(target);
  const ext = path.extname(target);
  const stem = path.basename(target, ext);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n === path.basename(target) || (n.startsWith(`${stem}-`) && n.endsWith(ext) && /^\d+$/.test(n.slice(stem.length + 1, n.length - ext.length))));
  let best: { file: string; mtime: number } | null = null;
  for (const n of names) {
    const file = path.join(dir, n);
    const mtime = (await stat(file)).mtimeMs;
    if (mtime >= since - 1000 && (!best || mtime > best.mtime)) best = { file, mtime };
  }
  return best?.file ?? null;
}

/** The written file against the signal's WAV: the first differing byte, or null when they are the same bytes. */
function firstDifference(written: Uint8Array, expected: Uint8Array): number | null {
  const n = Math.min(written.length, expected.length);
  for (let i = 0; i < n; i++) if (written[i] !== expected[i]) return i;
  return written.length === expected.length ? null : n;
}

/**
 * Verifies output `settings.output` in `settings.mode` with the test signal at `rate`/`bits`.
 * Resolves with the finding, whatever the verdict; rejects when the signal could not be played
 * (the output refused it, was busy, or is not there).
 */
export async function verifyOutput(engineMode: EngineMode, settings: EngineSettings, rate: number, bits: 16 | 24): Promise<OutputVerifyResult> {
  const signal = testSignal(rate, bits);
  const dir = await mkdtemp(path.join(tmpdir(), 'auris-verify-'));
  const source = path.join(dir, `auris-test-signal-${bits}-${rate}.wav`);
  try {
    await writeFile(source, signal.wav);
    const started = Date.now();
    const played = await playOnce(engineMode, settings, source, signal.frames / rate);
    let capture: OutputVerifyResult['capture'] = null;
    if (settings.output.startsWith('file:')) {
      const file = await writtenFile(settings.output.slice('file:'.length), started);
      const written = file === null ? new Uint8Array(0) : new Uint8Array(await readFile(file));
      const diff = firstDifference(written, signal.wav);
      capture = {
        file: file ?? settings.output.slice('file:'.length),
        bytesCompared: Math.min(written.length, signal.wav.length),
        equal: diff === null,
        firstDifference: diff,
      };
    }
    const { signalPath, proof, output } = played;
    const bitPerfect = signalPath.verdict === 'bit-perfect' && proof.verified && (capture === null || capture.equal);
    const where = output ? `${output.name} (${output.mode}, ${output.container})` : settings.output;
    const summary = bitPerfect
      ? `the ${bits}-bit/${rate} Hz test signal reached ${where} unchanged (MD5 ${proof.md5} = the signal's${capture ? `; ${capture.bytesCompared} bytes of the file equal` : ''})`
      : `the ${bits}-bit/${rate} Hz test signal reached ${where} changed: ${[...signalPath.reasons, proof.reason, capture && !capture.equal ? `the file differs from the signal at byte ${capture.firstDifference} (header ${wavHeaderSize(signal.format)} bytes)` : ''].filter(Boolean).join('; ') || signalPath.verdict}`;
    return {
      name: settings.output,
      mode: settings.mode,
      signal: { format: { ...signal.format }, frames: signal.frames, md5: signal.md5 },
      output: output ? { ...output, format: { ...output.format }, container: String(output.container) } : null,
      signalPath: { verdict: signalPath.verdict, reasons: [...signalPath.reasons], stages: signalPath.stages.map((s) => ({ ...s })) },
      proof: { ...proof },
      capture,
      bitPerfect,
      summary,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
