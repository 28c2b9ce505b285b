// `auris play FILES|DIRS`: the terminal player. On a terminal it shows the track, a progress bar,
// the signal path with its verdict and the proof of the last track, and takes keys (space pause,
// arrows seek, n/p next/previous, q quit). With --json (or without a terminal) it plays the whole
// queue and reports every track: `--json` prints one JSON document at the end.

import type { Command } from 'commander';
import path from 'node:path';
import { formatToString } from '../../audio/format.ts';
import { Playback } from '../../core/playback.ts';
import { DSD_SETTINGS, type DsdSetting } from '../../engine/dsd.ts';
import type { EngineEvent, EngineSettings, PlayerState, TrackProof, WireError } from '../../engine/protocol.ts';
import type { SignalPathReport } from '../../protocol/signal-path.ts';
import { AurisError } from '../../util/errors.ts';
import { intOption, modeFrom, type ModeFlags } from './output-options.ts';
import { audioFilesIn, refuseFileOutputAmong } from '../paths.ts';

interface PlayOptions extends ModeFlags {
  output: string;
  json?: boolean;
  eq?: string;
  volume?: string;
  volumeControl?: string;
  missingRate?: string;
  bufferMs?: string;
  dsd: string;
}

/** One line of the --json report. */
interface TrackReport {
  path: string;
  signalPath?: SignalPathReport;
  proof?: Pick<TrackProof, 'verified' | 'md5' | 'expectedMd5' | 'reference' | 'reason'>;
  error?: WireError;
}

const SEEK_STEP_SECONDS = 10;

export function registerPlay(program: Command): void {
  program
    .command('play')
    .description('play files and folders, showing the signal path and proving bit-perfect playback')
    .argument('<paths...>', 'audio files or folders (played in order, folders sorted by name)')
    .option('-o, --output <name>', 'output: alsa:<pcm>, wasapi:<device>, file:<path>.wav, null', 'alsa:default')
    .option('--exclusive', 'straight to the device, nothing converted (default)')
    .option('--shared', 'through the system mixer (not bit-perfect)')
    .option('--eq <preset>', 'Equalizer APO or AutoEq preset file')
    .option('--volume <dB>', 'volume in dB (0 = untouched; hardware volume when the device has it)')
    .option('--volume-control <name>', 'ALSA mixer element for the hardware volume (default: Master, PCM, Digital, Speaker, Headphone, else the first with dB)')
    .option('--missing-rate <policy>', 'when the device lacks a rate: resample or skip', 'resample')
    .option('--buffer-ms <ms>', 'device buffer in milliseconds')
    .option('--dsd <transport>', 'DSD sources: auto (native, else DoP, else PCM), native, dop or pcm', 'auto')
    .option('--json', 'play the whole queue without a terminal UI and print a JSON report')
    .action(async (paths: string[], opts: PlayOptions) => {
      const settings = settingsFrom(opts);
      // Paths that cannot be played are reported and skipped (exit code 1 at the end); a file
      // output may not replace any file of the queue.
      const { files: queue } = await audioFilesIn(paths);
      await refuseFileOutputAmong(settings.output ?? '', queue);
      const playback = new Playback(settings);
      try {
        const interactive = !opts.json && process.stdout.isTTY && process.stdin.isTTY;
        const report = interactive ? await runInteractive(playback, queue) : await runToEnd(playback, queue, !opts.json);
        if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        if (report.tracks.some((t) => t.error)) process.exitCode = 1;
      } finally {
        await playback.close();
      }
    });
}

function settingsFrom(opts: PlayOptions): Partial<EngineSettings> {
  const volumeDb = opts.volume === undefined ? 0 : Number(opts.volume);
  if (!Number.isFinite(volumeDb) || volumeDb > 0 || volumeDb < -120) throw new AurisError('E_INVALID_ARGUMENT', `--volume must be a number of dB in -120..0, not ${opts.volume}`);
  if (opts.missingRate !== 'resample' && opts.missingRate !== 'skip') throw new AurisError('E_INVALID_ARGUMENT', `--missing-rate must be resample or skip, not ${opts.missingRate}`);
  if (!DSD_SETTINGS.includes(opts.dsd as DsdSetting)) throw new AurisError('E_INVALID_ARGUMENT', `--dsd must be ${DSD_SETTINGS.join(', ')}, not ${opts.dsd}`);
  return {
    output: opts.output,
    mode: modeFrom(opts),
    volumeDb,
    volumeControl: opts.volumeControl ?? '',
    eqPreset: opts.eq ? path.resolve(opts.eq) : null,
    missingRate: opts.missingRate,
    dsd: opts.dsd as DsdSetting,
    bufferMs: intOption('buffer-ms', opts.bufferMs, 500, 20, 10_000),
  };
}

/** Collects per-track results from engine events until the queue ends. */
class Reporter {
  readonly tracks: TrackReport[] = [];
  underruns = 0;

  take(e: EngineEvent): void {
    if (e.type === 'track-end') {
      const { verified, md5, expectedMd5, reference, reason } = e.proof;
      this.tracks.push({ path: e.track.path, signalPath: e.signalPath, proof: { verified, md5, expectedMd5, reference, reason } });
    } else if (e.type === 'track-error') {
      this.tracks.push({ path: e.path, error: e.error });
    } else if (e.type === 'queue-end') {
      this.underruns = e.underruns;
    } else if (e.type === 'error') {
      this.tracks.push({ path: '', error: e.error });
    }
  }

  result(): { tracks: TrackReport[]; underruns: number } {
    return { tracks: this.tracks, underruns: this.underruns };
  }
}

/** Plays the queue to its end with no terminal UI; with `lines`, one line per event on stderr. */
async function runToEnd(playback: Playback, queue: string[], lines: boolean): Promise<{ tracks: TrackReport[]; underruns: number }> {
  const reporter = new Reporter();
  const done = new Promise<void>((resolve) => {
    playback.on((e) => {
      reporter.take(e);
      if (lines) printLine(e);
      if (e.type === 'queue-end' || e.type === 'error') resolve();
    });
    process.once('SIGINT', () => resolve());
  });
  playback.send({ type: 'set-queue', paths: queue });
  playback.send({ type: 'play' });
  await done;
  return reporter.result();
}

function printLine(e: EngineEvent): void {
  const w = (s: string) => process.stderr.write(`${s}\n`);
  switch (e.type) {
    case 'track-start': w(`▶ ${e.track.path}  ${e.track.codec}, ${formatToString(e.track.format)}`); break;
    case 'output-open': w(`  output ${e.output.name} (${e.output.mode}) as ${e.output.container}, ${formatToString(e.output.format)}`); break;
    case 'track-end': w(`  ${verdictLine(e.signalPath)}; ${proofLine(e.proof)}`); break;
    case 'track-error': w(`✗ ${e.path}: ${e.error.message} [${e.error.code}]`); break;
    case 'device-lost': w(`! device lost: ${e.error.message}; waiting for it to return`); break;
    case 'device-back': w('  device back; resuming'); break;
    case 'error': w(`✗ ${e.error.message} [${e.error.code}]`); break;
    case 'warning': w(`! ${e.message}`); break;
    default: break;
  }
}

export function verdictLine(sp: SignalPathReport): string {
  return sp.verdict === 'bit-perfect' ? 'bit-perfect' : `${sp.verdict}: ${sp.reasons.join('; ')}`;
}

export function proofLine(p: TrackProof): string {
  if (p.verified) return `verified bit-perfect (MD5 ${p.md5} = ${p.reference === 'streaminfo' ? 'STREAMINFO' : 'decoded'})`;
  return `not verified: ${p.reason}`;
}

/** The interactive terminal player. */
async function runInteractive(playback: Playback, queue: string[]): Promise<{ tracks: TrackReport[]; underruns: number }> {
  const reporter = new Reporter();
  const view = new TerminalView(queue);
  const stdin = process.stdin;
  let finish!: () => void;
  const finished = new Promise<void>((r) => { finish = r; });
  playback.on((e) => {
    reporter.take(e);
    view.take(e);
    if (e.type === 'queue-end' || e.type === 'error') finish();
  });
  const onKey = (key: string) => {
    switch (key) {
      case ' ': playback.send({ type: 'toggle-pause' }); break;
      case '\x1b[C': playback.send({ type: 'seek-relative', seconds: SEEK_STEP_SECONDS }); break;
      case '\x1b[D': playback.send({ type: 'seek-relative', seconds: -SEEK_STEP_SECONDS }); break;
      case 'n': playback.send({ type: 'next' }); break;
      case 'p': playback.send({ type: 'previous' }); break;
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
    playback.send({ type: 'set-queue', paths: queue });
    playback.send({ type: 'play' });
    await finished;
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

/** What the terminal shows, redrawn in place. */
class TerminalView {
  private state: PlayerState | null = null;
  private track = '';
  private trackFormat = '';
  private output = '';
  private path: SignalPathReport | null = null;
  private lastProof = '';
  private notice = '';
  private drawnLines = 0;

  constructor(private readonly queue: readonly string[]) {}

  take(e: EngineEvent): void {
    switch (e.type) {
      case 'state': this.state = e.state; break;
      case 'track-start':
        this.track = path.basename(e.track.path);
        this.trackFormat = `${e.track.codec}, ${formatToString(e.track.format)}`;
        this.path = e.signalPath;
        break;
      case 'output-open': this.output = `${e.output.name} (${e.output.mode}) as ${e.output.container}`; break;
      case 'track-end':
        this.path = e.signalPath;
        this.lastProof = `${path.basename(e.track.path)}: ${proofLine(e.proof)}`;
        break;
      case 'track-error': this.notice = `skipped ${path.basename(e.path)}: ${e.error.message}`; break;
      case 'device-lost': this.notice = `device lost: ${e.error.message} (waiting for it)`; break;
      case 'device-back': this.notice = 'device back'; break;
      case 'error': this.notice = e.error.message; break;
      case 'warning': this.notice = e.message; break;
      default: break;
    }
    if (e.type !== 'state') this.render();
  }

  render(): void {
    const s = this.state;
    const width = Math.max(20, Math.min(process.stdout.columns ?? 80, 120) - 2);
    const pos = s?.positionSeconds ?? 0;
    const dur = s?.durationSeconds ?? null;
    const barWidth = Math.max(10, width - 20);
    const filled = dur ? Math.min(barWidth, Math.round((pos / dur) * barWidth)) : 0;
    const lines = [
      `Auris  ${s ? `${s.status} ${s.index + 1}/${this.queue.length}` : 'starting'}`,
      `  ${this.track}`,
      `  ${this.trackFormat}${this.output ? `  ->  ${this.output}` : ''}`,
      `  [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${clock(pos)} / ${dur === null ? '--:--' : clock(dur)}`,
      `  signal path: ${this.path ? verdictLine(this.path) : ''}`,
      `  last track: ${this.lastProof}`,
      `  underruns: ${s?.underruns ?? 0}${this.notice ? `   ${this.notice}` : ''}`,
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
