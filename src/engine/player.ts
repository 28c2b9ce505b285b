// The player loop: decoder -> DSP chain -> packing -> output, one track after another.
//
// It runs in the engine worker (src/engine/worker.ts) but has no worker code of its own, so tests
// can drive it in-process. Commands arrive through `handle()` and are applied between blocks; every
// outcome leaves as an EngineEvent through the `emit` callback. Nothing here blocks: writes that do
// not fit the output's ring wait a few milliseconds on a timer and try again.
//
// Gapless: when the next track comes out of the chain in the same format as the stream going to
// the output, its samples follow the previous track's in the same stream, with nothing lost or
// added. When the format differs, the output is drained, closed and opened again at the new rate
// and depth (automatic sample-rate switching).
//
// DSD: native DSD or DoP carry the DSD bits untouched (src/engine/plan.ts chooses, src/engine/dsd.ts packs; the packer
// belongs to the output stream so DoP markers and native words run on across gapless joins);
// otherwise the chain converts DSD to PCM. The proof for DSD hashes the DSD bytes read back from
// the device bytes against the decoded DSD bytes. The DSD bytes a track leaves inside the packer
// (at most one DoP frame or one native word per channel, waiting to be completed by the next
// track or by end-of-stream silence) are hashed from the packer at the end of the track.

// The player's parts, each in its own module: session.ts (the stream open on the output, its
// position), export.ts (packing into the device container and the proof's bytes), track.ts (a
// track's proof and the announcement of its end), chain-builder.ts (plan -> chain, with the
// cached capabilities and EQ), signal-path-report.ts (the stages reported), wire.ts (errors as
// events carry them). This file keeps the loop, the commands and the order of things.

import { createHash } from 'node:crypto';
import type { AudioBlock } from '../audio/block.ts';
import type { AudioFormat } from '../audio/format.ts';
import { sameFormat, formatToString, framesPerSecond } from '../audio/format.ts';
import { blockMd5Bytes, blockMd5Length } from '../audio/pack.ts';
import { openFile, type OpenedFile } from '../decoders/registry.ts';
import type { OutputPlugin } from '../outputs/interface.ts';
import { outputPlugin } from '../outputs/registry.ts';
import type { SignalPathReport } from '../protocol/signal-path.ts';
import { AurisError, asAurisError } from '../util/errors.ts';
import { withOutputHint } from './session.ts';
import { ChainBuilder, type BuiltChain } from './chain-builder.ts';
import type {
  EngineCommand, EngineEvent, EngineSettings, EngineTrack, OutputState, PlayerState, PlayerStatus, TrackInfo, WireError,
} from './protocol.ts';
import { DEFAULT_SETTINGS } from './protocol.ts';
import { byteScratch } from './scratch.ts';
import { audibleInSession, openSession, outputStateOf, type OutputSession } from './session.ts';
import { signalPathOf } from './signal-path-report.ts';
import { clipped, proofFor, TrackEnds, type ActiveTrack } from './track.ts';
import { wire } from './wire.ts';

/** How long to wait before retrying a write into a full ring, and between device-return probes. */
const WRITE_RETRY_MS = 5;
/**
 * Longest wait for the ring to take the rest of a block while playing: the wait is the time the
 * device needs to play that many frames, so each block goes in one or two writes instead of one
 * every WRITE_RETRY_MS (each wake-up costs a timer and promises: most of the worker's garbage).
 */
const WRITE_WAIT_MAX_MS = 40;
const DEVICE_RETRY_MS = 1000;
const STATE_INTERVAL_MS = 250;
/** While the output plays out what it holds: how often the heard position and track ends are looked at. */
const PLAY_OUT_TICK_MS = 50;
/** A block is about this long: short enough for quick seeks, long enough to keep overhead low. */
const BLOCK_SECONDS = 0.05;
/** Commands that act while the output plays out what it holds. */
const DURING_PLAY_OUT = new Set<EngineCommand['type']>(['pause', 'resume', 'toggle-pause', 'preload', 'configure']);
/** How long the engine waits for the answer to `need-next` once a track has ended, before ending the stream. */
const NEXT_ANSWER_TIMEOUT_MS = 2000;

/** What the player needs from the outside world; tests may substitute a recording output plugin. */
export interface PlayerDeps {
  readonly openFile: (path: string) => Promise<OpenedFile>;
  readonly outputPlugin: (name: string) => OutputPlugin;
}

const defaultDeps: PlayerDeps = {
  openFile: (path) => openFile(path, { integrity: 'lenient' }),
  outputPlugin,
};

export class Player {
  private settings: EngineSettings = DEFAULT_SETTINGS;
  /** The track to start when none is being decoded (set by load, or taken from the preloaded next). */
  private current: EngineTrack | null = null;
  /** The core's answer to need-next: what follows track `afterId`. */
  private next: { afterId: number; track: EngineTrack | null } | null = null;
  /** Track whose successor is awaited: it ended before the core answered need-next. */
  private awaitingNextAfter: { id: number; since: number } | null = null;
  /** The last track whose decoding ended: a late `preload` after it still continues the stream. */
  private lastEndedId: number | null = null;
  /** Ends of tracks not yet heard, announced when they are. */
  private readonly ends: TrackEnds;
  private status: PlayerStatus = 'stopped';
  private track: ActiveTrack | null = null;
  private session: OutputSession | null = null;
  /** The decoded samples in FLAC's MD5 layout, for a track's reference hash (reused block after block). */
  private readonly decodedMd5 = byteScratch();
  /** Packed bytes of the last block not yet accepted by the output. */
  private pending: Uint8Array | null = null;
  private underruns = 0;
  private commands: EngineCommand[] = [];
  private wake: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private shuttingDown = false;
  private lastStateAt = 0;
  /** Set by the output's device-lost event; handled by the loop. */
  private deviceLost: AurisError | null = null;
  /** Plans and builds chains; keeps the output's capabilities and the prepared EQ. */
  private readonly chains: ChainBuilder;
  /** Why the device forced a rate or depth change on the current track ('' when it did not). */
  private forcedReason = '';
  /** The output that went away while in use: reopening it may say E_NOT_FOUND until it is back. */
  private lostOutput: string | null = null;
  /** When the current pause began (for releasing the device after a long pause). */
  private pausedAt = 0;
  /** Auris has set a hardware volume below 0 dB, so going back to 0 dB must be written too. */
  private hardwareVolumeMoved = false;
  /** Where to start the current track (a seek, a resume after a device loss), relative to its start: a frame, or seconds when the rate is not known yet. */
  /** `totalFrames`: the track's length when known, so the state shows it before the track reopens. */
  private resumeAt: { id: number; frame: number; seconds?: number; rate?: number; totalFrames?: number | null; why?: string } | null = null;

  constructor(private readonly emit: (event: EngineEvent) => void, private readonly deps: PlayerDeps = defaultDeps) {
    this.ends = new TrackEnds(emit);
    this.chains = new ChainBuilder(deps.outputPlugin, (message) => emit({ type: 'warning', message }));
  }

  /** Queues a command; it is applied between blocks, in order. Safe to call at any time. */
  handle(command: EngineCommand): void {
    this.commands.push(command);
    if (!this.running) this.running = this.loop().finally(() => { this.running = null; });
    this.wakeUp();
  }

  /** Resolves when the loop has stopped after a `shutdown` command. */
  async closed(): Promise<void> {
    await this.running;
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Sleeps until `ms` pass or a command arrives. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wake = null; resolve(); }, ms);
      this.wake = () => { clearTimeout(timer); resolve(); };
    });
  }

  private async loop(): Promise<void> {
    while (!this.shuttingDown) {
      try {
        if (this.commands.length > 0) await this.applyCommands();
        if (this.shuttingDown) break;
        if (this.deviceLost) await this.onDeviceLost();
        if (this.status === 'waiting-for-device') {
          await this.tryDeviceBack();
          continue;
        }
        if (this.status === 'paused' && this.session && this.settings.releaseAfterPauseMs > 0) {
          // A long pause gives the device back to the system; resume reopens it at the same sample.
          const left = this.pausedAt + this.settings.releaseAfterPauseMs - Date.now();
          if (left <= 0) await this.releaseDevice();
          else if (this.commands.length === 0) await this.sleep(left);
          continue;
        }
        if (this.status !== 'playing') {
          if (this.commands.length === 0) await this.sleep(60_000);
          continue;
        }
        await this.step();
        this.maybeEmitState();
      } catch (e) {
        this.emit({ type: 'error', error: wire(e) });
        await this.stopPlayback();
      }
    }
    await this.stopPlayback();
  }

  // ---- commands ----------------------------------------------------------------------------

  /** Applies up to `limit` queued commands, in order, acknowledging those that carry a sequence number. */
  private async applyCommands(limit = Infinity): Promise<void> {
    for (let n = 0; n < limit && this.commands.length > 0; n++) {
      const c = this.commands.shift()!;
      let error: WireError | null = null;
      try {
        await this.apply(c);
      } catch (e) {
        error = wire(e);
        if (c.seq === undefined) throw e;
      }
      if (c.seq !== undefined) this.emit({ type: 'ack', seq: c.seq, error });
      if (this.shuttingDown) return;
    }
  }

  private async apply(c: EngineCommand): Promise<void> {
    switch (c.type) {
      case 'configure': {
        const before = this.settings;
        this.settings = { ...this.settings, ...c.settings };
        const reopen = before.output !== this.settings.output || before.mode !== this.settings.mode || before.bufferMs !== this.settings.bufferMs
          || before.volumeControl !== this.settings.volumeControl;
        const rechain = before.volumeDb !== this.settings.volumeDb || before.eqPreset !== this.settings.eqPreset || before.dsd !== this.settings.dsd
          || before.missingRate !== this.settings.missingRate || before.eqAutoPreamp !== this.settings.eqAutoPreamp || before.crossfeed !== this.settings.crossfeed
          || before.eqStamp !== this.settings.eqStamp || before.downmix !== this.settings.downmix;
        const volumeOnly = rechain && before.eqPreset === this.settings.eqPreset && before.dsd === this.settings.dsd && before.missingRate === this.settings.missingRate
          && before.eqAutoPreamp === this.settings.eqAutoPreamp && before.crossfeed === this.settings.crossfeed && before.eqStamp === this.settings.eqStamp;
        if (reopen) this.chains.forgetCapabilities();
        // A level the DAC's own volume takes needs no new chain: the stream goes on untouched.
        if (reopen) await this.restartAtAudiblePosition();
        else if (rechain && !(volumeOnly && this.applyHardwareVolume())) await this.rechainInPlace();
        break;
      }
      case 'load':
        await this.stopPlayback();
        this.lastEndedId = null;
        this.current = c.track;
        this.next = null;
        this.awaitingNextAfter = null;
        this.resumeAt = c.frame > 0 || (c.seconds ?? 0) > 0 ? { id: c.track.id, frame: c.frame, seconds: c.seconds } : null;
        if (c.paused) {
          this.setStatus('paused');
          // Open the track at its position now, so the position shows it while paused.
          await this.startTrack();
        } else {
          this.setStatus('playing');
        }
        break;
      case 'preload':
        if (this.awaitingNextAfter?.id === c.afterId || (!this.track && !this.current && this.lastEndedId === c.afterId)) {
          this.awaitingNextAfter = null;
          this.current = c.track;
          this.next = null;
        } else {
          this.next = { afterId: c.afterId, track: c.track };
        }
        break;
      case 'pause':
        if (this.status === 'playing') this.pauseOutput();
        break;
      case 'resume':
        if (this.status === 'paused') this.resumeOutput();
        break;
      case 'toggle-pause':
        if (this.status === 'playing') this.pauseOutput();
        else if (this.status === 'paused') this.resumeOutput();
        break;
      case 'stop':
        await this.stopPlayback();
        this.setStatus('stopped'); // also ends a wait for the device
        this.lastEndedId = null;
        this.current = null;
        this.next = null;
        this.awaitingNextAfter = null;
        this.resumeAt = null;
        break;
      case 'seek': {
        const pos = this.audiblePosition();
        if (!pos) throw new AurisError('E_STATE', 'nothing is playing to seek in');
        await this.seekTo(pos.entry, c.frame, undefined, pos.rate || undefined);
        break;
      }
      case 'seek-time': {
        const pos = this.audiblePosition();
        if (!pos) throw new AurisError('E_STATE', 'nothing is playing to seek in');
        // Rate 0: the track has not opened yet, so the frame is worked out when it does.
        await this.seekTo(pos.entry, pos.rate > 0 ? Math.round(c.seconds * pos.rate) : 0, pos.rate > 0 ? undefined : c.seconds, pos.rate || undefined);
        break;
      }
      case 'seek-relative': {
        const pos = this.audiblePosition();
        if (!pos) throw new AurisError('E_STATE', 'nothing is playing to seek in');
        if (pos.rate === 0) throw new AurisError('E_STATE', 'the track has not started yet: a relative seek needs a position');
        await this.seekTo(pos.entry, Math.max(0, Math.round(pos.frame + c.seconds * pos.rate)), undefined, pos.rate);
        break;
      }
      case 'shutdown':
        this.shuttingDown = true;
        break;
    }
  }

  private setStatus(s: PlayerStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.emitState();
  }

  private pauseOutput(): void {
    this.session?.out.pause();
    this.pausedAt = Date.now();
    this.setStatus('paused');
  }

  /**
   * Closes the output during a pause, keeping the audible position: `resume` then starts the track
   * there again on a reopened device. The interrupted stream's track is reported as cut off.
   */
  private async releaseDevice(): Promise<void> {
    const pos = await this.closeOutputAtAudible();
    await this.stopPlayback();
    this.status = 'paused';
    if (pos) {
      this.current = pos.entry;
      this.next = null;
      this.awaitingNextAfter = null;
      this.resumeAt = { ...this.resumePoint(pos), why: 'playback resumed after the device was released during a pause' };
    }
    this.emitState();
  }

  private resumeOutput(): void {
    this.session?.out.resume();
    this.setStatus('playing');
  }

  /**
   * Closes the output (its queued audio dropped) and then says where the listener is: the device's
   * played-frames count at the close, so that playing on from there repeats and skips nothing
   * (read before the close, the device would play on while the player closes the track).
   */
  private async closeOutputAtAudible(): Promise<ReturnType<Player['audiblePosition']>> {
    await this.session?.out.close();
    return this.audiblePosition();
  }

  /** Restarts playback of `entry` at source frame `frame` (relative to its start), dropping what is queued. */
  private async seekTo(entry: EngineTrack, frame: number, seconds?: number, rate?: number): Promise<void> {
    if (seconds === undefined && (await this.seekInStream(entry, frame))) return;
    const status = this.status === 'stopped' ? 'playing' : this.status;
    await this.stopPlayback();
    this.current = entry;
    this.next = null;
    this.awaitingNextAfter = null;
    this.resumeAt = { id: entry.id, frame, seconds, rate };
    this.setStatus(status === 'paused' ? 'paused' : 'playing');
    if (status === 'paused') {
      // Open the track at the new position now, so the position shows it while paused.
      await this.startTrack();
    }
  }

  /**
   * A seek within the track being decoded, on the open stream: the output drops what it holds and
   * the track goes on from `frame` (relative to its start) through a fresh chain, with no close and
   * reopen. False when that cannot be done here (another track is decoding, a DSD stream, an output
   * without drop), so the caller restarts the stream instead.
   */
  private async seekInStream(entry: EngineTrack, frame: number): Promise<boolean> {
    const s = this.session;
    const t = this.track;
    if (!s || !t || t.entry !== entry || t.info.format.sample === 'dsd' || s.export.dsd) return false;
    // Ends already heard are announced; those of tracks dropped with the queue are cut off.
    this.ends.settle(s);
    if (!(await s.out.drop())) return false;
    this.ends.settle(s, true);
    this.pending = null;
    t.sourceFrame = await t.file.decoder.seek(entry.startFrame + frame);
    t.blockStart = t.sourceFrame;
    t.ended = false;
    t.chain = (await this.buildChainFor(t.info.format, entry)).chain;
    t.proofSpoiled ||= 'playback started mid-track (seek), so the whole-track hash cannot be compared';
    // The stream goes on from what the device played; the next block marks where the track resumes.
    s.written = s.out.playedFrames();
    s.marks.length = 0;
    if (this.status === 'stopped') this.setStatus('playing');
    this.emitState();
    return true;
  }

  /**
   * After a volume, EQ or DSD setting changed: the track goes on through a new chain from the next
   * block, on the same open output (no reopen, nothing dropped), when the new chain's output has the
   * stream's format; otherwise playback restarts at the audible position. The track's proof says a
   * setting changed it mid-way.
   */
  private async rechainInPlace(): Promise<void> {
    const t = this.track;
    const s = this.session;
    if (!t) return; // between tracks, or playing out the end: the next track is built with the new settings
    if (!s || t.info.format.sample === 'dsd') return this.restartAtAudiblePosition();
    const built = await this.buildChainFor(t.info.format, t.entry);
    if (!sameFormat(built.chain.outputFormat, s.format)) return this.restartAtAudiblePosition();
    while (this.pending && this.session === s) { if (!this.writePending()) await this.sleep(WRITE_RETRY_MS); }
    const tail = t.chain.flush();
    if (tail && tail.frames > 0) await this.deliver(tail);
    t.chain = built.chain;
    t.dsd = built.dsd;
    t.proofSpoiled ||= 'a setting (volume, EQ) changed the samples mid-track';
    this.emit({ type: 'signal-path', id: t.info.id, signalPath: this.signalPath() });
  }

  /** Where to start again to continue at `pos`, with what the state shows until the track reopens. */
  private resumePoint(pos: NonNullable<ReturnType<Player['audiblePosition']>>): { id: number; frame: number; rate?: number; totalFrames: number | null } {
    return { id: pos.entry.id, frame: pos.frame, rate: pos.rate || undefined, totalFrames: pos.totalFrames };
  }

  /** After a settings change: close everything and continue where the listener is. */
  private async restartAtAudiblePosition(): Promise<void> {
    const status = this.status;
    if (status === 'stopped') return;
    const pos = await this.closeOutputAtAudible();
    if (!pos) return;
    await this.stopPlayback();
    this.current = pos.entry;
    this.next = null;
    this.awaitingNextAfter = null;
    this.resumeAt = { ...this.resumePoint(pos), why: 'playback restarted mid-track for a settings change' };
    this.setStatus(status === 'waiting-for-device' ? 'playing' : status);
  }

  // ---- the audio path ----------------------------------------------------------------------

  /** One unit of work: write pending bytes, or decode, process and pack the next block. */
  private async step(): Promise<void> {
    if (this.pending) {
      if (!this.writePending()) await this.sleep(this.roomWaitMs());
      return;
    }
    if (!this.track) {
      if (this.awaitingNextAfter) {
        // The track ended before the core said what follows: wait a little for its answer.
        if (Date.now() - this.awaitingNextAfter.since < NEXT_ANSWER_TIMEOUT_MS) {
          await this.sleep(WRITE_RETRY_MS);
          return;
        }
        this.awaitingNextAfter = null;
        this.current = null;
      }
      await this.startTrack();
      return;
    }
    const t = this.track;
    if (t.ended) {
      // Everything of this track, its DSP tail included, went to the output.
      await this.endTrack(true);
      return;
    }
    let maxFrames = Math.max(256, Math.round(framesPerSecond(t.info.format) * BLOCK_SECONDS));
    if (t.entry.endFrame !== null) maxFrames = Math.min(maxFrames, t.entry.endFrame - t.sourceFrame);
    let block: AudioBlock | null = null;
    try {
      // A range (CUE track) ends at its end frame, not at the end of the file.
      if (maxFrames > 0) block = await t.file.decoder.read(maxFrames, t.spare);
    } catch (e) {
      // A corrupt or unreadable track: report it and go on with the next one.
      this.emit({ type: 'track-error', id: t.info.id, path: t.info.path, error: wire(e) });
      await this.endTrack(false);
      return;
    }
    if (!block) {
      t.ended = true;
      const tail = t.chain.flush();
      if (tail && tail.frames > 0) await this.deliver(tail);
      return;
    }
    if (!sameFormat(block.format, t.chain.inputFormat)) {
      // Mid-stream format change: finish what the old chain holds, then rebuild for the new format.
      const tail = t.chain.flush();
      if (tail && tail.frames > 0) await this.deliver(tail);
      while (this.pending && this.session) { if (!this.writePending()) await this.sleep(WRITE_RETRY_MS); }
      t.proofSpoiled ||= `the format changed mid-stream to ${formatToString(block.format)}`;
      const built = await this.buildChainFor(block.format, t.entry);
      t.chain = built.chain;
      t.dsd = built.dsd;
    }
    t.decodedHash?.update(block.kind === 'dsd' ? block.bytes : blockMd5Bytes(block, this.decodedMd5.take(blockMd5Length(block))));
    t.blockStart = t.sourceFrame;
    t.sourceFrame += block.frames;
    const out = t.chain.process(block);
    if (out.frames > 0) await this.deliver(out);
    // Packed (copied) into the export stage's buffer: the decoder may write the next block over it.
    t.spare = block;
  }

  /** Packs a processed block for the output (opening or reopening it as needed) and queues it. */
  private async deliver(block: AudioBlock): Promise<void> {
    const t = this.track!;
    if (!this.session || !sameFormat(this.session.format, block.format) || this.session.upmix !== t.upmix) {
      await this.openOutputFor(block.format);
      // No stream for it: a command or a device loss cut the play-out of the old one, and the loop
      // handles that next (dropping this block, which is decoded again if playback resumes here).
      if (!this.session || !sameFormat(this.session.format, block.format)) return;
    }
    const s = this.session;
    if (s.marks.length === 0 || s.marks[s.marks.length - 1]!.entry !== t.entry) {
      s.marks.push({ streamFrame: s.written, entry: t.entry, sourceFrame: t.blockStart, sourceRate: framesPerSecond(t.info.format), totalFrames: t.info.totalFrames });
    }
    // The bytes live in the export stage's reused buffer: written (copied by the output) before the next block is packed.
    const bytes = s.export.pack(block, t.deliveredHash);
    if (bytes.length > 0) {
      this.pending = bytes;
      this.writePending();
    }
  }

  /**
   * How long until the output has played enough to take the pending bytes, but never more than
   * half of what it still holds (a small device buffer must not run dry meanwhile): between
   * WRITE_RETRY_MS and WRITE_WAIT_MAX_MS.
   */
  private roomWaitMs(): number {
    const s = this.session;
    if (!s || !this.pending) return WRITE_RETRY_MS;
    const pendingMs = ((this.pending.length / s.out.frameBytes) * 1000) / s.frameRate;
    const queuedMs = (s.out.delay() * 1000) / s.frameRate;
    return Math.max(WRITE_RETRY_MS, Math.floor(Math.min(pendingMs, queuedMs / 2, WRITE_WAIT_MAX_MS)));
  }

  /** Tries to hand the pending bytes to the output; true when all of them went. */
  private writePending(): boolean {
    const s = this.session;
    const bytes = this.pending;
    if (!s || !bytes) { this.pending = null; return true; }
    let accepted: number;
    try {
      accepted = s.out.write(bytes);
    } catch (e) {
      this.deviceLost = asAurisError(e, 'E_DEVICE_LOST');
      return false;
    }
    s.written += accepted;
    const used = accepted * s.out.frameBytes;
    this.pending = used >= bytes.length ? null : bytes.subarray(used);
    return this.pending === null;
  }

  /** Opens the current track (at its resume position), or ends the stream when there is none. */
  private async startTrack(): Promise<void> {
    const entry = this.current;
    if (!entry) {
      await this.finishQueue();
      return;
    }
    const { id, path } = entry;
    // Ask the core what follows now, so the answer is in hand when this track ends (gapless).
    this.next = null;
    this.emit({ type: 'need-next', afterId: id });
    const failed = (e: unknown): void => {
      this.emit({ type: 'track-error', id, path, error: wire(e) });
      this.advanceAfter(id);
    };
    let file: OpenedFile;
    try {
      file = await this.deps.openFile(path);
    } catch (e) {
      failed(e);
      return;
    }
    const { decoder } = file;
    const fileFrames = decoder.info.totalFrames;
    const end = entry.endFrame ?? fileFrames;
    const info: TrackInfo = {
      id, path, startFrame: entry.startFrame, endFrame: entry.endFrame,
      format: decoder.format, codec: decoder.info.codec, lossless: decoder.info.lossless, totalFrames: end === null ? null : Math.max(0, end - entry.startFrame),
    };
    let built: BuiltChain;
    try {
      built = await this.buildChainFor(decoder.format, entry);
    } catch (e) {
      await file.close();
      failed(e);
      return;
    }
    // The file's own MD5 covers the whole file: a range is compared with the hash of its decoded samples.
    const wholeFile = entry.startFrame === 0 && entry.endFrame === null;
    const track: ActiveTrack = {
      entry,
      info, file, chain: built.chain, dsd: built.dsd, upmix: built.upmix,
      decodedHash: decoder.info.md5 && wholeFile ? null : createHash('md5'),
      deliveredHash: createHash('md5'),
      proofSpoiled: '',
      sourceFrame: 0,
      blockStart: 0,
      spare: undefined,
      ended: false,
    };
    const resume = this.resumeAt;
    this.resumeAt = null;
    const resumeFrame = resume && resume.id === id
      ? (resume.seconds !== undefined ? Math.round(resume.seconds * framesPerSecond(decoder.format)) : resume.frame) : 0;
    const startAt = entry.startFrame + resumeFrame;
    if (startAt > 0) {
      try {
        track.sourceFrame = await decoder.seek(startAt);
        track.blockStart = track.sourceFrame;
      } catch (e) {
        await file.close();
        failed(e);
        return;
      }
      if (resumeFrame > 0) track.proofSpoiled = `${resume?.why ?? 'playback started mid-track (seek)'}, so the whole-track hash cannot be compared`;
    }
    this.track = track;
    this.emit({ type: 'track-start', track: info, signalPath: this.signalPath() });
  }

  /** Track `id` is over (or failed): the next current track is the core's answer to need-next, awaited if it has not come. */
  private advanceAfter(id: number): void {
    this.lastEndedId = id;
    if (this.next?.afterId === id) {
      this.current = this.next.track;
      this.next = null;
      return;
    }
    this.current = null;
    this.awaitingNextAfter = { id, since: Date.now() };
  }

  /** The current track is done (or failed): settle its proof, announce its end once heard, move to the next. */
  private async endTrack(completed: boolean): Promise<void> {
    const t = this.track;
    if (!t) return;
    this.track = null;
    const s = this.session;
    // The DSD bytes this track left in the packer go out verbatim in the next word: hash them now.
    if (s && t.info.format.sample === 'dsd' && sameFormat(s.format, t.info.format)) s.export.claimHeldDsd(t.deliveredHash);
    const integrity = t.file.decoder.integrity();
    const proof = proofFor(t, completed, integrity.md5, this.session?.out.bitPerfect ?? false, this.signalPath(t).stages);
    const signalPath = this.signalPath(t);
    await t.file.close();
    const event = { type: 'track-end', track: t.info, signalPath, proof, completed } as const;
    // Everything of the track went to the output: its end is announced when the listener hears it.
    if (completed && s && s.marks.some((m) => m.entry === t.entry)) this.ends.add(s, s.written, event);
    else this.emit(event);
    this.advanceAfter(t.info.id);
  }

  /**
   * The chain for a source format on the current output, as the plan (src/engine/plan.ts) decides
   * it, with the track's DSD transport and upmix; notes the reason for anything the device forced.
   * `track` brings its own gain (ReplayGain).
   */
  private async buildChainFor(format: AudioFormat, track: EngineTrack): Promise<BuiltChain> {
    const built = await this.chains.build(format, this.settings, track);
    this.forcedReason = built.forcedReason;
    return built;
  }

  /** Opens the output for `format`, draining and closing a stream of another format first. */
  private async openOutputFor(format: AudioFormat): Promise<void> {
    const reopened = this.session !== null;
    if (this.session) {
      const s = this.session;
      try {
        await this.flushDsd();
        if (!(await this.playOut(s))) return;
      } catch (e) {
        if (this.noteDeviceLoss(e)) return;
        throw e;
      }
      this.ends.settle(this.session, false, true);
      this.session = null;
      await s.out.close();
    }
    const plugin = this.deps.outputPlugin(this.settings.output);
    const dsd = format.sample === 'dsd' ? this.track?.dsd ?? null : null;
    if (format.sample === 'dsd' && (!dsd || dsd.transport === 'pcm')) throw new AurisError('E_INTERNAL', 'a DSD block reached the output without a DSD transport');
    const upmix = format.sample === 'dsd' ? 1 : this.track?.upmix ?? 1;
    let session: OutputSession;
    try {
      session = await openSession(plugin, format, dsd, upmix, this.settings.mode, { bufferMs: this.settings.bufferMs, volumeControl: this.settings.volumeControl }, {
        underrun: (n) => {
          this.underruns++;
          this.emit({ type: 'underrun', count: n ?? this.underruns });
        },
        framesLost: (n) => {
          // The device dropped audio it could not be given again: the track heard is not the file.
          if (this.track) this.track.proofSpoiled ||= `the device dropped ${n} frames unplayed (an underrun it could not recover from)`;
          this.emit({ type: 'frames-lost', id: this.audiblePosition()?.entry.id ?? null, count: n });
        },
        deviceLost: (e) => {
          this.deviceLost = asAurisError(e, 'E_DEVICE_LOST');
          this.wakeUp();
        },
      });
    } catch (e) {
      const err = asAurisError(e);
      // A device that went away while playing and is not back yet (gone from the system: E_NOT_FOUND)
      // is waited for, as a lost one is; a device that was never there is an error.
      const vanished = err.code === 'E_NOT_FOUND' && this.lostOutput === this.settings.output;
      if (err.code === 'E_DEVICE_LOST' || err.code === 'E_DEVICE_BUSY' || vanished) {
        this.deviceLost = err;
        return;
      }
      throw withOutputHint(err, this.settings.output);
    }
    if (this.status === 'paused') session.out.pause();
    this.session = session;
    this.applyHardwareVolume();
    this.emit({ type: 'output-open', output: this.outputState()!, reopened });
    if (this.track) this.emit({ type: 'signal-path', id: this.track.info.id, signalPath: this.signalPath() });
  }

  /**
   * Sets the level on the open output's hardware volume; false when there is none (or the stream
   * is DoP, which goes at 0 dB). 0 dB is only written once Auris has moved the device's volume,
   * so opening a DAC never jumps a level set elsewhere up to full scale.
   */
  private applyHardwareVolume(): boolean {
    const s = this.session;
    const dop = s?.export.dsd != null && s.out.format.sample !== 'dsd'; // DoP: a DSD packer on a PCM stream
    if (!s?.out.volume || dop) return false;
    if (this.settings.volumeDb !== 0 || this.hardwareVolumeMoved) {
      s.out.volume.set(this.settings.volumeDb);
      this.hardwareVolumeMoved = true;
    }
    return true;
  }

  /**
   * End of a DSD stream: the packer's held bytes completed with DSD silence, written in full
   * (DoP idle keeps valid markers, so the DAC stays locked to the end).
   */
  private async flushDsd(): Promise<void> {
    const s = this.session;
    if (!s?.export.dsd) return;
    const tail = s.export.flush();
    if (tail.length === 0) return;
    this.pending = tail;
    while (this.pending && this.session === s && !this.deviceLost) {
      if (!this.writePending()) await this.sleep(WRITE_RETRY_MS);
    }
  }

  /**
   * Lets the output play out what it holds (end of the queue, or a format change). Pause, resume
   * and append act meanwhile; any other command (stop, seek, next...) ends the wait at once, and the
   * loop applies it (it drops what the device holds). Meanwhile the state follows the device and
   * each track's end is announced when it is heard, as during normal play. Returns false when the
   * wait ended early, for a command or a device loss.
   */
  private async playOut(s: OutputSession): Promise<boolean> {
    let settled = false;
    let failure: unknown = null;
    void s.out.drain().then(
      () => { settled = true; this.wakeUp(); },
      (e: unknown) => { settled = true; failure = e; this.wakeUp(); },
    );
    while (!settled) {
      while (this.commands.length > 0 && DURING_PLAY_OUT.has(this.commands[0]!.type)) await this.applyCommands(1);
      if (this.commands.length > 0 || this.deviceLost || this.shuttingDown) return false;
      // A long pause during a play-out hands the device back too (the loop releases it).
      const release = this.settings.releaseAfterPauseMs;
      const left = this.status === 'paused' && release > 0 ? this.pausedAt + release - Date.now() : Infinity;
      if (left <= 0) return false;
      this.maybeEmitState();
      await this.sleep(Math.min(this.status === 'playing' ? PLAY_OUT_TICK_MS : 60_000, left));
    }
    if (failure) throw failure;
    return true;
  }

  /** End of the queue: let the output play out, then stop. */
  private async finishQueue(): Promise<void> {
    const s = this.session;
    if (s) {
      try {
        await this.flushDsd();
        if (!(await this.playOut(s))) return;
      } catch (e) {
        if (this.noteDeviceLoss(e)) return;
        this.emit({ type: 'error', error: wire(e) });
      }
      this.ends.settle(this.session, false, true);
      // A track the core added while the output played out: go on with it on the same stream.
      if (this.current && this.session === s) return;
    }
    await this.stopPlayback();
    this.emit({ type: 'queue-end', underruns: this.underruns });
  }

  /** Stops everything: queued audio is dropped, the track and the output are closed. */
  private async stopPlayback(): Promise<void> {
    this.ends.settle(this.session, true);
    this.pending = null;
    const t = this.track;
    this.track = null;
    if (t) {
      // A track that was being heard is reported as cut off, with a proof that does not verify.
      if (this.session?.marks.some((m) => m.entry === t.entry)) {
        const proof = proofFor(t, false, t.file.decoder.integrity().md5, this.session.out.bitPerfect, this.signalPath(t).stages);
        this.emit({ type: 'track-end', track: t.info, signalPath: this.signalPath(t), proof, completed: false });
      }
      await t.file.close().catch(() => undefined);
    }
    const s = this.session;
    this.session = null;
    if (s) await s.out.close().catch(() => undefined);
    if (this.status !== 'waiting-for-device') this.setStatus('stopped');
  }

  // ---- device loss -------------------------------------------------------------------------

  /** True (and the loss noted for the loop) when `e` says the device went away. */
  private noteDeviceLoss(e: unknown): boolean {
    const err = asAurisError(e);
    if (err.code !== 'E_DEVICE_LOST') return false;
    this.deviceLost = err;
    return true;
  }

  private async onDeviceLost(): Promise<void> {
    const err = this.deviceLost!;
    this.deviceLost = null;
    this.lostOutput = this.settings.output;
    this.chains.forgetCapabilities(); // probed again when the device is back: it may come back different
    const pos = this.audiblePosition();
    const entry = pos?.entry ?? this.track?.entry ?? this.current;
    // Written but never played: sent again from the resume frame once the device is back.
    const s = this.session;
    const framesResent = s ? Math.max(0, s.written - s.out.playedFrames()) : 0;
    this.status = 'waiting-for-device';
    await this.stopPlayback();
    this.current = entry;
    this.next = null;
    this.awaitingNextAfter = null;
    const why = 'playback resumed where the device stopped after it went away';
    this.resumeAt = pos ? { ...this.resumePoint(pos), why } : entry ? { id: entry.id, frame: 0, why } : null;
    this.emit({ type: 'device-lost', error: wire(err), id: entry?.id ?? null, framesResent });
    this.emitState();
  }

  /** While waiting for the device: probe it now and then; resume where the listener was when it comes back. */
  private async tryDeviceBack(): Promise<void> {
    await this.sleep(DEVICE_RETRY_MS);
    if (this.commands.length > 0) return;
    try {
      // A fresh probe: the cached capabilities say nothing about whether the device is back.
      await this.deps.outputPlugin(this.settings.output).capabilities({ fresh: true, mode: this.settings.mode });
    } catch {
      return;
    }
    this.emit({ type: 'device-back' });
    this.setStatus('playing');
  }

  // ---- position and state ------------------------------------------------------------------

  /** The track the listener hears now, and where in it (source frames relative to the track's start). */
  private audiblePosition(): { entry: EngineTrack; frame: number; rate: number; seconds: number; totalFrames: number | null } | null {
    const heard = this.session ? audibleInSession(this.session) : null;
    if (heard) return { ...heard, seconds: heard.frame / heard.rate };
    if (this.track) {
      const rate = framesPerSecond(this.track.info.format);
      const frame = Math.max(0, this.track.sourceFrame - this.track.entry.startFrame);
      return { entry: this.track.entry, frame, rate, seconds: frame / rate, totalFrames: this.track.info.totalFrames };
    }
    if (this.current && this.status !== 'stopped') {
      // About to start (a load or seek not yet decoded): where it will start; rate 0 when not known yet.
      const r = this.resumeAt?.id === this.current.id ? this.resumeAt : null;
      const rate = r?.rate ?? 0;
      const frame = r ? (r.seconds !== undefined && rate > 0 ? Math.round(r.seconds * rate) : r.frame) : 0;
      return { entry: this.current, frame, rate, seconds: r?.seconds ?? (rate > 0 ? frame / rate : 0), totalFrames: r?.totalFrames ?? null };
    }
    return null;
  }

  private outputState(): OutputState | null {
    return this.session ? outputStateOf(this.session) : null;
  }

  state(): PlayerState {
    const pos = this.audiblePosition();
    const t = this.track;
    const total = pos && pos.rate > 0 ? pos.totalFrames : null;
    return {
      status: this.status,
      currentId: pos?.entry.id ?? this.current?.id ?? null,
      positionFrames: pos?.frame ?? 0,
      positionSeconds: pos?.seconds ?? 0,
      durationSeconds: total !== null && pos ? total / pos.rate : null,
      underruns: this.underruns,
      clippedSamples: t ? clipped(t.chain) : 0,
      output: this.outputState(),
    };
  }

  private emitState(): void {
    this.lastStateAt = Date.now();
    this.emit({ type: 'state', state: this.state() });
  }

  /** Announces the track ends now heard; sends the state every STATE_INTERVAL_MS, and at once when the heard track changed. */
  private maybeEmitState(): void {
    const announced = this.ends.settle(this.session);
    if (announced > 0 || Date.now() - this.lastStateAt >= STATE_INTERVAL_MS) this.emitState();
  }

  /** Every stage from the source to the output for the current (or given) track. */
  private signalPath(t: ActiveTrack | null = this.track): SignalPathReport {
    return signalPathOf(t, this.session, this.forcedReason, this.settings.volumeDb);
  }
}

