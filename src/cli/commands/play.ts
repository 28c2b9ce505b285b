// `auris play FILES|DIRS`: the terminal player. On a terminal it shows the track, a progress bar,
// the signal path with its verdict and the proof of the last track, and takes keys (space pause,
// arrows seek, n/p next/previous, q quit). With --json (or without a terminal) it plays the whole
// queue and reports every track: `--json` prints one JSON document at the end.

import type { Command } from 'commander';
import path from 'node:path';
import { startCore, type Core } from '../../core/index.ts';
import type { CoreEvent } from '../../protocol/events.ts';
import type { PlayerStateWire, TrackProofWire } from '../../protocol/player.ts';
import { DOWNMIX_POLICIES, DSD_TRANSPORTS, type SettingsPatch } from '../../protocol/settings.ts';
import type { SignalPathReport } from '../../protocol/signal-path.ts';
import { AurisError } from '../../util/errors.ts';
import { intOption } from './output-options.ts';
import { audioFilesIn, refuseFileOutputAmong } from '../paths.ts';

interface PlayOptions {
  output?: string;
  exclusive?: boolean;
  shared?: boolean;
  json?: boolean;
  eq?: string;
  crossfeed?: boolean;
  volume?: string;
  volumeControl?: string;
  missingRate?: string;
  bufferMs?: string;
  dsd?: string;
  downmix?: string;
}

/** A track's error; `skipped` when a policy the user set (the missing-rate policy) left it out. */
type WireError = { code: string; message: string; skipped?: boolean };

/** One line of the --json report. */
interface TrackReport {
  path: string;
  signalPath?: SignalPathReport;
  proof?: Pick<TrackProofWire, 'verified' | 'md5' | 'expectedMd5' | 'reference' | 'reason' | 'outcome'>;
  /** False when the track was cut off before its end was heard. */
  completed?: boolean;
  /**
   * What went wrong at the device while the track played: underruns, device losses, the frames
   * sent again after them (written but not played when the device went), and frames lost for good.
   */
  faults?: { underruns: number; deviceLosses: number; framesResent: number; framesLost: number };
  error?: WireError;
}

const SEEK_STEP_MS = 10_000;

export function registerPlay(program: Command): void {
  program
    .command('play')
    .description('play files and folders, showing the signal path and proving bit-perfect playback')
    .argument('<paths...>', 'audio files or folders (played in order, folders sorted by name)')
    .option('-o, --output <name>', 'output: alsa:<pcm>, wasapi:<device>, file:<path>.wav, null (default: the output in the settings)')
    .option('--exclusive', 'straight to the device, nothing converted (the default when --output names a device)')
    .option('--shared', 'through the system mixer (not bit-perfect)')
    .option('--eq <preset>', 'Equalizer APO or AutoEq preset file')
    .option('--crossfeed', 'Bauer bs2b headphone crossfeed on stereo sources (after the EQ)')
    .option('--volume <dB>', 'volume in dB (0 = untouched; hardware volume when the device has it)')
    .option('--volume-control <name>', 'ALSA mixer element for the hardware volume (default: Master, PCM, Digital, Speaker, Headphone, else the first with dB)')
    .option('--missing-rate <policy>', 'when the device lacks a rate: resample or skip')
    .option('--buffer-ms <ms>', 'device buffer in milliseconds')
    .option('--dsd <transport>', 'DSD sources: auto (native, else DoP, else PCM), native, dop or pcm')
    .option('--downmix <policy>', 'more channels than a stereo-only device takes: refuse, or stereo (ITU-R BS.775 downmix, not bit-perfect)')
    .option('--json', 'play the whole queue without a terminal UI and print a JSON report')
    .action(async (paths: string[], opts: PlayOptions) => {
      const overrides = settingsFrom(opts);
      // Ctrl-C from here on ends the run in order (the track cut off is reported), even before playback starts.
      const interrupt = new AbortController();
      // A second Ctrl-C while the first one winds the run down ends the process at once.
      const onSigint = () => {
        if (interrupt.signal.aborted) process.exit(130);
        interrupt.abort();
      };
      process.on('SIGINT', onSigint);
      // Paths that cannot be played are reported and skipped (exit code 1 at the end); a file
      // output may not replace any file of the queue.
      const { files } = await audioFilesIn(paths);
      const core = await startCore({ settings: overrides });
      try {
        if (core.settingsProblem) process.stderr.write(`! ${core.settingsProblem.message}\n`);
        await refuseFileOutputAmong(core.settings.get().output.name, files);
        await core.queue.add(files);
        const interactive = !opts.json && process.stdout.isTTY && process.stdin.isTTY;
        const report = interactive ? await runInteractive(core) : await runToEnd(core, !opts.json, interrupt.signal);
        if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        if (report.tracks.some(failed)) process.exitCode = 1;
      } finally {
        await core.close();
        process.off('SIGINT', onSigint);
      }
    });
}

/**
 * A track failed: an error (not a skip the user's policy asked for), a damaged file (lossy ones
 * too), delivered samples that differ from the reference, or frames the device lost for good.
 * What the user did (seek, pause past the release, stop) and a device that came back with nothing
 * lost leave a proof that compares nothing: not a failure.
 */
function failed(t: TrackReport): boolean {
  if (t.error) return t.error.skipped !== true;
  if (t.proof?.outcome === 'damaged' || t.proof?.outcome === 'mismatch') return true;
  return (t.faults?.framesLost ?? 0) > 0;
}

/** This run's settings from the flags (over the saved settings; nothing is saved). */
function settingsFrom(opts: PlayOptions): SettingsPatch {
  const output: NonNullable<SettingsPatch['output']> = {};
  const patch: SettingsPatch = { output };
  if (opts.exclusive && opts.shared) throw new AurisError('E_INVALID_ARGUMENT', 'choose --exclusive or --shared, not both');
  if (opts.output !== undefined) output.name = opts.output;
  // Naming a device means playing straight to it, unless --shared says otherwise.
  if (opts.shared) output.mode = 'shared';
  else if (opts.exclusive || opts.output !== undefined) output.mode = 'exclusive';
  if (opts.volume !== undefined) {
    const volumeDb = Number(opts.volume);
    if (!Number.isFinite(volumeDb) || volumeDb > 0 || volumeDb < -120 || /^\+/.test(opts.volume)) throw new AurisError('E_INVALID_ARGUMENT', `--volume must be a number of dB in -120..0, not ${opts.volume}`);
    patch.volumeDb = volumeDb;
  }
  if (opts.missingRate !== undefined) {
    if (opts.missingRate !== 'resample' && opts.missingRate !== 'skip') throw new AurisError('E_INVALID_ARGUMENT', `--missing-rate must be resample or skip, not ${opts.missingRate}`);
    output.missingRate = opts.missingRate;
  }
  if (opts.dsd !== undefined) {
    if (!(DSD_TRANSPORTS as readonly string[]).includes(opts.dsd)) throw new AurisError('E_INVALID_ARGUMENT', `--dsd must be ${DSD_TRANSPORTS.join(', ')}, not ${opts.dsd}`);
    output.dsd = opts.dsd as (typeof DSD_TRANSPORTS)[number];
  }
  if (opts.downmix !== undefined) {
    if (!(DOWNMIX_POLICIES as readonly string[]).includes(opts.downmix)) throw new AurisError('E_INVALID_ARGUMENT', `--downmix must be ${DOWNMIX_POLICIES.join(' or ')}, not ${opts.downmix}`);
    output.downmix = opts.downmix as (typeof DOWNMIX_POLICIES)[number];
  }
  if (opts.volumeControl !== undefined) output.volumeControl = opts.volumeControl;
  if (opts.bufferMs !== undefined) output.bufferMs = intOption('buffer-ms', opts.bufferMs, 500, 20, 10_000);
  if (opts.eq || opts.crossfeed) {
    patch.dsp = {
      ...(opts.eq ? { eqPreset: path.resolve(opts.eq), eqEnabled: true } : {}),
      ...(opts.crossfeed ? { crossfeed: true } : {}),
    };
  }
  return patch;
}

/**
 * Collects per-track results from core events until the queue ends: one entry per queue entry
 * played, however often it was cut and resumed (a seek, a lost device), with its faults counted.
 */
class Reporter {
  private readonly byId = new Map<number, TrackReport>();
  private readonly loose: TrackReport[] = [];
  private current: number | null = null;
  underruns = 0;

  private entry(id: number, file: string): TrackReport {
    let r = this.byId.get(id);
    if (!r) {
      r = { path: file };
      this.byId.set(id, r);
    }
    return r;
  }

  take(e: CoreEvent): void {
    switch (e.type) {
      case 'track-start':
        this.entry(e.id, e.path);
        this.current = e.id;
        break;
      case 'track-end': {
        const { verified, md5, expectedMd5, reference, reason, outcome } = e.proof;
        Object.assign(this.entry(e.id, e.path), { signalPath: e.signalPath, proof: { verified, md5, expectedMd5, reference, reason, outcome }, completed: e.completed });
        break;
      }
      case 'track-error':
        this.entry(e.id, e.path).error = { code: e.error.code, message: e.error.message, ...(e.error.details?.policy === 'missing-rate' ? { skipped: true } : {}) };
        break;
      case 'underrun':
        this.underruns = e.count;
        this.fault(this.current).underruns++;
        break;
      case 'device-lost': {
        const f = this.fault(e.id ?? this.current);
        f.deviceLosses++;
        f.framesResent += e.framesResent;
        break;
      }
      case 'frames-lost':
        this.fault(e.id ?? this.current).framesLost += e.count;
        break;
      case 'error':
        this.loose.push({ path: '', error: { code: e.error.code, message: e.error.message } });
        break;
      default:
        break;
    }
  }

  /** The fault counts of entry `id` (a scratch record when no track is known). */
  private fault(id: number | null): { underruns: number; deviceLosses: number; framesResent: number; framesLost: number } {
    const r = id !== null ? this.byId.get(id) : undefined;
    const blank = { underruns: 0, deviceLosses: 0, framesResent: 0, framesLost: 0 };
    if (!r) return blank;
    r.faults ??= blank;
    return r.faults;
  }

  result(): { tracks: TrackReport[]; underruns: number } {
    return { tracks: [...this.byId.values(), ...this.loose], underruns: this.underruns };
  }
}

/** Plays the queue to its end with no terminal UI; with `lines`, one line per event on stderr. */
async function runToEnd(core: Core, lines: boolean, interrupted: AbortSignal): Promise<{ tracks: TrackReport[]; underruns: number }> {
  const reporter = new Reporter();
  const done = new Promise<void>((resolve) => {
    core.on((e) => {
      reporter.take(e);
      if (lines) printLine(e);
      if (e.type === 'queue-end' || e.type === 'error') resolve();
    });
    // A Ctrl-C before this point (while the core started or the queue filled) has already fired:
    // a listener added now would never hear it.
    if (interrupted.aborted) resolve();
    else interrupted.addEventListener('abort', () => resolve(), { once: true });
  });
  if (!interrupted.aborted) await core.player.play();
  await done;
  // A track cut off by Ctrl-C is reported as interrupted.
  await core.player.stop().catch(() => undefined);
  return reporter.result();
}

function printLine(e: CoreEvent): void {
  const w = (s: string) => process.stderr.write(`${s}\n`);
  switch (e.type) {
    case 'track-start': w(`▶ ${e.path}`); break;
    case 'output-open': w(`  output ${e.output.name} (${e.output.mode}) as ${e.output.container}, ${formatText(e.output.format)}`); break;
    case 'track-end': w(`  ${verdictLine(e.signalPath)}; ${proofLine(e.proof)}`); break;
    case 'track-error': w(`✗ ${e.path}: ${e.error.message} [${e.error.code}]`); break;
    case 'device-lost': w(`! device lost: ${e.error.message}; waiting for it to return`); break;
    case 'device-back': w('  device back; resuming'); break;
    case 'error': w(`✗ ${e.error.message} [${e.error.code}]`); break;
    case 'warning': w(`! ${e.message}`); break;
    default: break;
  }
}

/** "FLAC, 44100 Hz, 2 ch, 16-bit" style text of a wire format. */
function formatText(f: unknown): string {
  const x = f as { rate: number; channels: number; sample: string; validBits: number };
  const depth = x.sample === 'dsd' ? 'DSD' : x.sample.startsWith('f') ? `${x.validBits}-bit float` : `${x.validBits}-bit`;
  return `${x.rate} Hz, ${x.channels} ch, ${depth}`;
}

export function verdictLine(sp: SignalPathReport): string {
  return sp.verdict === 'bit-perfect' ? 'bit-perfect' : `${sp.verdict}: ${sp.reasons.join('; ')}`;
}

export function proofLine(p: TrackProofWire): string {
  if (p.verified) return `verified bit-perfect (MD5 ${p.md5} = ${p.reference === 'streaminfo' ? 'STREAMINFO' : 'decoded'})`;
  return `not verified: ${p.reason}`;
}

/** The interactive terminal player. */
async function runInteractive(core: Core): Promise<{ tracks: TrackReport[]; underruns: number }> {
  const reporter = new Reporter();
  const view = new TerminalView(core);
  const stdin = process.stdin;
  let finish!: () => void;
  const finished = new Promise<void>((r) => { finish = r; });
  core.on((e) => {
    reporter.take(e);
    view.take(e);
    if (e.type === 'queue-end' || e.type === 'error') finish();
  });
  const act = (p: Promise<void>): void => {
    p.catch((e: unknown) => view.note(e instanceof Error ? e.message : String(e)));
  };
  const onKey = (key: string) => {
    switch (key) {
      case ' ': act(core.player.togglePause()); break;
      case '\x1b[C': act(core.player.seek({ relativeMs: SEEK_STEP_MS })); break;
      case '\x1b[D': act(core.player.seek({ relativeMs: -SEEK_STEP_MS })); break;
      case 'n': act(core.player.next()); break;
      case 'p': act(core.player.previous()); break;
      case 'q': case '\x03': finish(); break;
      default: break;
    }
  };
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.on('data', onKey);
  stdin.resume();
  process.stdout.write('\x1b[?25l');
  const timer = setInterval(() => view.render(), 250);
  try {
    await core.player.play();
    await finished;
    await core.player.stop().catch(() => undefined);
  } finally {
    clearInterval(timer);
    stdin.off('data', onKey);
    stdin.setRawMode(false);
    stdin.pause();
    view.render();
    process.stdout.write('\x1b[?25h\n');
  }
  return reporter.result();
}

/** What the terminal shows, redrawn in place from the core's state. */
class TerminalView {
  private output = '';
  private lastProof = '';
  private notice = '';
  private drawnLines = 0;
  private ended = false;

  constructor(private readonly core: Core) {}

  note(message: string): void {
    this.notice = message;
    this.render();
  }

  take(e: CoreEvent): void {
    switch (e.type) {
      case 'output-open': this.output = `${e.output.name} (${e.output.mode}) as ${e.output.container}`; break;
      case 'track-end':
        if (e.completed) this.lastProof = `${this.titleOf(e.id, e.path)}: ${proofLine(e.proof)}`;
        break;
      case 'track-error': this.notice = `skipped ${path.basename(e.path)}: ${e.error.message}`; break;
      case 'device-lost': this.notice = `device lost: ${e.error.message} (waiting for it)`; break;
      case 'device-back': this.notice = 'device back'; break;
      case 'error': this.notice = e.error.message; break;
      case 'warning': this.notice = e.message; break;
      case 'queue-end': this.ended = true; break;
      default: break;
    }
    if (e.type !== 'state') this.render();
  }

  /** "Artist - Title" when the file is tagged, else its file name. */
  private titleOf(id: number | null, file: string): string {
    const item = id !== null ? this.core.queue.snapshot().items.find((x) => x.id === id) : undefined;
    if (item?.tags.title) return item.tags.artist ? `${item.tags.artist} - ${item.tags.title}` : item.tags.title;
    return path.basename(file);
  }

  render(): void {
    const s: PlayerStateWire = this.core.player.state();
    const length = this.core.queue.snapshot().items.length;
    const width = Math.max(20, Math.min(process.stdout.columns ?? 80, 120) - 2);
    const pos = s.positionMs / 1000;
    const dur = s.durationMs === null ? null : s.durationMs / 1000;
    const barWidth = Math.max(10, width - 20);
    const filled = dur ? Math.min(barWidth, Math.round((pos / dur) * barWidth)) : 0;
    const item = s.currentId !== null ? this.core.queue.snapshot().items.find((x) => x.id === s.currentId) : undefined;
    const source = s.source ? `${s.source.codec}, ${formatText(s.source.format)}` : '';
    const counter = s.currentPos >= 0 ? `${s.currentPos + 1}/${length}` : `${length} queued`;
    const lines = [
      `Auris  ${this.ended && s.status === 'stopped' ? 'finished' : s.status} ${counter}`,
      `  ${item ? this.titleOf(item.id, item.path) : ''}`,
      `  ${source}${this.output ? `  ->  ${this.output}` : ''}`,
      `  [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${clock(pos)} / ${dur === null ? '--:--' : clock(dur)}`,
      `  signal path: ${s.signalPath ? verdictLine(s.signalPath) : ''}`,
      `  last track: ${this.lastProof}`,
      `  underruns: ${s.underruns}${s.clippedSamples > 0 ? `   \x1b[31mCLIPPED ${s.clippedSamples} samples\x1b[0m` : ''}${this.notice ? `   ${this.notice}` : ''}`,
      '  space pause · ←/→ seek 10 s · n next · p previous · q quit',
    ].map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    process.stdout.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
