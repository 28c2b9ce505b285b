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

import { createHash, type Hash } from 'node:crypto';
import type { AudioBlock } from '../audio/block.ts';
import type { AudioFormat } from '../audio/format.ts';
import { nativeDsdRate, nativeDsdWordBytes, type NativeDsdFormat } from '../audio/dop.ts';
import { sameFormat, formatToString, framesPerSecond, isIntegerKind } from '../audio/format.ts';
import { packMd5Layout, unpackInt, blockMd5Bytes, containerShape } from '../audio/pack.ts';
import { openFile, type OpenedFile } from '../decoders/registry.ts';
import { buildChain, type FilterChain } from '../dsp/chain.ts';
import type { PreparedFilter } from '../dsp/interface.ts';
import { prepareFilter } from '../dsp/registry.ts';
import { loadEqPreset } from '../dsp/presets/load.ts';
import type { OpenOutput, OutputCapabilities, OutputPlugin } from '../outputs/interface.ts';
import { pcmContainerOf } from '../outputs/interface.ts';
import { outputPlugin } from '../outputs/registry.ts';
import { packBlock } from '../outputs/pack-block.ts';
import type { StageReport } from '../protocol/signal-path.ts';
import { evaluateSignalPath, sampleChangesReason } from '../signal-path/evaluate.ts';
import { AurisError, asAurisError } from '../util/errors.ts';
import type {
  EngineCommand, EngineEvent, EngineSettings, EngineTrack, OutputState, PlayerState, PlayerStatus, TrackInfo, TrackProof, WireError,
} from './protocol.ts';
import { DEFAULT_SETTINGS } from './protocol.ts';
import { chainOutput, planTrack, quantisationCause, type DsdPlan } from './plan.ts';
import { DsdStreamPacker } from './dsd.ts';

/** How long to wait before retrying a write into a full ring, and between device-return probes. */
const WRITE_RETRY_MS = 5;
const DEVICE_RETRY_MS = 1000;
const STATE_INTERVAL_MS = 250;
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

/** One track being decoded. */
interface ActiveTrack {
  readonly entry: EngineTrack;
  readonly info: TrackInfo;
  readonly file: OpenedFile;
  chain: FilterChain;
  /** How a DSD source reaches the device (null for PCM). */
  dsd: DsdPlan | null;
  /** Device channels per source channel (2: mono to both channels of a stereo device). */
  upmix: number;
  /** MD5 over the decoded samples (reference for formats without a stored MD5). */
  readonly decodedHash: Hash | null;
  /** MD5 over the samples handed to the output, container padding removed. */
  readonly deliveredHash: Hash;
  /** Why this track's proof cannot be complete (seeked, format changed), or ''. */
  proofSpoiled: string;
  /** Source frame of the next block (absolute in the file; a range starts at entry.startFrame). */
  sourceFrame: number;
  /** Source frame where the block being delivered started. */
  blockStart: number;
  ended: boolean;
}

/** The stream currently open on the output. */
interface OutputSession {
  readonly out: OpenOutput;
  /** Format of the samples going into the output (the chain's output format). */
  readonly format: AudioFormat;
  /** Device channels per sample channel: 2 when a mono stream goes to both channels of a stereo device. */
  readonly upmix: number;
  /** Frames accepted by the output since it was opened. */
  written: number;
  /** Device frames per second (native DSD_U32_BE at DSD64: 88200). */
  readonly frameRate: number;
  /** DoP or native DSD packing of this stream, with its state across tracks; null for PCM. */
  readonly dsd: DsdStreamPacker | null;
  /** DSD frames held in the packer already hashed by the track that ended (see endTrack). */
  dsdClaimed: number;
  /** Where each track's samples start in this stream, for the audible position across gapless joins. */
  readonly marks: { streamFrame: number; entry: EngineTrack; sourceFrame: number; sourceRate: number }[];
}

/** A track whose samples all went to the output: its end is announced when the listener hears it. */
interface PendingEnd {
  readonly session: OutputSession;
  /** Stream frame after the track's last sample. */
  readonly streamEnd: number;
  readonly event: Extract<EngineEvent, { type: 'track-end' }>;
}

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
  /** Ends of tracks not yet heard, oldest first. */
  private pendingEnds: PendingEnd[] = [];
  private status: PlayerStatus = 'stopped';
  private track: ActiveTrack | null = null;
  private session: OutputSession | null = null;
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
  /** Capabilities of the output in use, probed once per output name and mode. */
  private caps: { key: string; caps: OutputCapabilities } | null = null;
  /** The EQ prepared from the preset in the settings. */
  private eq: { path: string; autoPreamp: boolean; stamp: number; filter: PreparedFilter } | null = null;
  /** Why the device forced a rate or depth change on the current track ('' when it did not). */
  private forcedReason = '';
  /** Device channels per source channel planned by the last buildChainFor: 2 for mono sent to both channels of a stereo device, else 1. */
  private upmix = 1;
  /** The DSD transport planned by the last buildChainFor (null for PCM). */
  private dsdPlan: DsdPlan | null = null;
  /** The output that went away while in use: reopening it may say E_NOT_FOUND until it is back. */
  private lostOutput: string | null = null;
  /** When the current pause began (for releasing the device after a long pause). */
  private pausedAt = 0;
  /** Auris has set a hardware volume below 0 dB, so going back to 0 dB must be written too. */
  private hardwareVolumeMoved = false;
  /** Where to start the current track (a seek, a resume after a device loss), relative to its start: a frame, or seconds when the rate is not known yet. */
  private resumeAt: { id: number; frame: number; seconds?: number; rate?: number; why?: string } | null = null;

  constructor(private readonly emit: (event: EngineEvent) => void, private readonly deps: PlayerDeps = defaultDeps) {}

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
        await this.applyCommands();
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
        if (reopen) this.caps = null;
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
    const pos = this.audiblePosition();
    await this.stopPlayback();
    this.status = 'paused';
    if (pos) {
      this.current = pos.entry;
      this.next = null;
      this.awaitingNextAfter = null;
      this.resumeAt = { id: pos.entry.id, frame: pos.frame, rate: pos.rate || undefined, why: 'playback resumed after the device was released during a pause' };
    }
    this.emitState();
  }

  private resumeOutput(): void {
    this.session?.out.resume();
    this.setStatus('playing');
  }

  /** Restarts playback of `entry` at source frame `frame` (relative to its start), dropping what is queued. */
  private async seekTo(entry: EngineTrack, frame: number, seconds?: number, rate?: number): Promise<void> {
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
    const chain = await this.buildChainFor(t.info.format);
    if (!sameFormat(chain.outputFormat, s.format)) return this.restartAtAudiblePosition();
    while (this.pending && this.session === s) { if (!this.writePending()) await this.sleep(WRITE_RETRY_MS); }
    const tail = t.chain.flush();
    if (tail && tail.frames > 0) await this.deliver(tail);
    t.chain = chain;
    t.dsd = this.dsdPlan;
    t.proofSpoiled ||= 'a setting (volume, EQ) changed the samples mid-track';
    this.emit({ type: 'signal-path', id: t.info.id, signalPath: this.signalPath() });
  }

  /** After a settings change: close everything and continue where the listener is. */
  private async restartAtAudiblePosition(): Promise<void> {
    const pos = this.audiblePosition();
    const status = this.status;
    if (!pos || status === 'stopped') return;
    await this.stopPlayback();
    this.current = pos.entry;
    this.next = null;
    this.awaitingNextAfter = null;
    this.resumeAt = { id: pos.entry.id, frame: pos.frame, rate: pos.rate || undefined, why: 'playback restarted mid-track for a settings change' };
    this.setStatus(status === 'waiting-for-device' ? 'playing' : status);
  }

  // ---- the audio path ----------------------------------------------------------------------

  /** One unit of work: write pending bytes, or decode, process and pack the next block. */
  private async step(): Promise<void> {
    if (this.pending) {
      if (!this.writePending()) await this.sleep(WRITE_RETRY_MS);
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
      if (maxFrames > 0) block = await t.file.decoder.read(maxFrames);
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
      t.chain = await this.buildChainFor(block.format);
      t.dsd = this.dsdPlan;
    }
    t.decodedHash?.update(block.kind === 'dsd' ? block.bytes : blockMd5Bytes(block));
    t.blockStart = t.sourceFrame;
    t.sourceFrame += block.frames;
    const out = t.chain.process(block);
    if (out.frames > 0) await this.deliver(out);
  }

  /** Packs a processed block for the output (opening or reopening it as needed) and queues it. */
  private async deliver(block: AudioBlock): Promise<void> {
    const t = this.track!;
    if (!this.session || !sameFormat(this.session.format, block.format) || this.session.upmix !== t.upmix) {
      await this.openOutputFor(block.format);
      if (!this.session) return;
    }
    const s = this.session;
    if (s.marks.length === 0 || s.marks[s.marks.length - 1]!.entry !== t.entry) {
      s.marks.push({ streamFrame: s.written, entry: t.entry, sourceFrame: t.blockStart, sourceRate: framesPerSecond(t.info.format) });
    }
    if (s.dsd) {
      if (block.kind !== 'dsd') throw new AurisError('E_INTERNAL', 'a PCM block reached a DSD stream');
      const packed = s.dsd.pack(block.bytes);
      // The first frames read back may be the previous track's, already in its proof.
      const claimed = Math.min(s.dsdClaimed, packed.dsd.length / block.format.channels);
      s.dsdClaimed -= claimed;
      t.deliveredHash.update(packed.dsd.subarray(claimed * block.format.channels));
      if (packed.device.length > 0) {
        this.pending = packed.device;
        this.writePending();
      }
      return;
    }
    if (s.upmix > 1 && block.kind !== 'dsd') {
      // Each sample goes unchanged to both channels; the proof reads one channel back from the device bytes.
      const bytes = packBlock(duplicateChannels(block, s.upmix), pcmContainerOf(s.out));
      t.deliveredHash.update(block.kind === 'int'
        ? packMd5Layout(everyNth(unpackInt(bytes, block.format.validBits, pcmContainerOf(s.out)), s.upmix), block.format.validBits)
        : blockMd5Bytes(block));
      this.pending = bytes;
      this.writePending();
      return;
    }
    const bytes = packBlock(block, pcmContainerOf(s.out));
    this.hashDelivered(bytes, block.format, s.out, t.deliveredHash);
    this.pending = bytes;
    this.writePending();
  }

  /**
   * Hashes what goes to the output in FLAC's MD5 layout. A container exactly as wide as the
   * samples (16 in S16_LE, 24 in S24_3LE, 32 in S32_LE, float in float) already is that layout, so
   * its bytes are hashed as they go; otherwise they are read back to samples first (which also
   * checks that the container's padding bits are zero).
   */
  private hashDelivered(bytes: Uint8Array, format: AudioFormat, out: OpenOutput, hash: Hash): void {
    const container = pcmContainerOf(out); // PCM: DSD streams are hashed in deliver()
    const exact = containerShape(container).bytes * 8 === format.validBits;
    if (exact) hash.update(bytes);
    else if (isIntegerKind(format.sample)) hash.update(packMd5Layout(unpackInt(bytes, format.validBits, container), format.validBits));
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
    let chain: FilterChain;
    try {
      chain = await this.buildChainFor(decoder.format);
    } catch (e) {
      await file.close();
      failed(e);
      return;
    }
    // The file's own MD5 covers the whole file: a range is compared with the hash of its decoded samples.
    const wholeFile = entry.startFrame === 0 && entry.endFrame === null;
    const track: ActiveTrack = {
      entry,
      info, file, chain, dsd: this.dsdPlan, upmix: this.upmix,
      decodedHash: decoder.info.md5 && wholeFile ? null : createHash('md5'),
      deliveredHash: createHash('md5'),
      proofSpoiled: '',
      sourceFrame: 0,
      blockStart: 0,
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
    if (s?.dsd && t.info.format.sample === 'dsd' && sameFormat(s.format, t.info.format)) {
      // The DSD bytes this track left in the packer go out verbatim in the next word: hash them now.
      const held = s.dsd.heldBytes();
      t.deliveredHash.update(held.subarray(s.dsdClaimed * s.dsd.channels));
      s.dsdClaimed = held.length / s.dsd.channels;
    }
    const integrity = t.file.decoder.integrity();
    const proof = this.proofFor(t, completed, integrity.md5);
    const signalPath = this.signalPath(t);
    await t.file.close();
    const event = { type: 'track-end', track: t.info, signalPath, proof, completed } as const;
    // Everything of the track went to the output: its end is announced when the listener hears it.
    if (completed && s && s.marks.some((m) => m.entry === t.entry)) this.pendingEnds.push({ session: s, streamEnd: s.written, event });
    else this.emit(event);
    this.advanceAfter(t.info.id);
  }

  /**
   * Announces the ends of tracks the listener has now heard; with `cutOff`, those not heard are
   * announced as not completed (playback stopped or jumped before their end).
   */
  private settleEnds(cutOff = false, drained = false): void {
    while (this.pendingEnds.length > 0) {
      const p = this.pendingEnds[0]!;
      const heard = drained || (p.session === this.session && p.session.out.playedFrames() >= p.streamEnd);
      if (!heard && !cutOff) return;
      this.pendingEnds.shift();
      if (heard) this.emit(p.event);
      else {
        const reason = 'the track was cut off before its end was heard';
        this.emit({ ...p.event, completed: false, proof: { ...p.event.proof, verified: false, reason: p.event.proof.reason || reason } });
      }
    }
  }

  private proofFor(t: ActiveTrack, completed: boolean, decoderMd5: string): TrackProof {
    const md5 = t.deliveredHash.digest('hex');
    const streaminfo = t.decodedHash ? null : t.file.decoder.info.md5;
    const expected = streaminfo ?? t.decodedHash?.digest('hex') ?? null;
    const reference = streaminfo ? 'streaminfo' : expected ? 'decoded' : 'none';
    const changed = sampleChangesReason(this.signalPath(t).stages);
    const damage = damageOf(t);
    let reason = '';
    if (!completed) reason = 'the track did not play to its end';
    else if (damage) reason = `the file is damaged: ${damage}`;
    else if (t.proofSpoiled) reason = t.proofSpoiled;
    else if (changed) reason = changed;
    else if (!this.session?.out.bitPerfect) reason = 'the output is not bit-perfect';
    else if (expected === null) reason = 'no reference hash';
    else if (md5 !== expected) reason = `delivered MD5 ${md5} differs from the ${reference === 'streaminfo' ? 'STREAMINFO' : 'decoded'} MD5 ${expected}`;
    else if (decoderMd5 === 'mismatch') reason = 'the decoder found the file damaged (its MD5 does not match its samples)';
    return { verified: reason === '', md5, expectedMd5: expected, reference, reason };
  }

  /**
   * The chain for a source format on the current output, as the plan (src/engine/plan.ts) decides
   * it; also sets the track's DSD transport, upmix and the reason for anything the device forced.
   */
  private async buildChainFor(format: AudioFormat): Promise<FilterChain> {
    const caps = await this.outputCapabilities();
    const s = this.settings;
    const plan = planTrack(format, { eq: s.eqPreset !== null, crossfeed: s.crossfeed, volumeDb: s.volumeDb, missingRate: s.missingRate, dsd: s.dsd, downmix: s.downmix }, caps);
    this.upmix = plan.upmix;
    this.dsdPlan = plan.dsd;
    this.forcedReason = plan.forcedReason;
    const filters: PreparedFilter[] = [];
    for (const step of plan.steps) filters.push(step.kind === 'eq' ? await this.eqFilter(s.eqPreset!) : prepareFilter(step.kind, step.settings));
    let chain = buildChain(filters, format, { output: chainOutput(plan) });
    if (!chain.bitPerfect && plan.processedBits !== null) chain = buildChain(filters, format, { output: chainOutput(plan, true) });
    return chain;
  }

  /** The EQ of a preset file (Equalizer APO / AutoEq), parsed once per path. */
  private async eqFilter(presetPath: string): Promise<PreparedFilter> {
    if (this.eq?.path !== presetPath || this.eq.autoPreamp !== this.settings.eqAutoPreamp || this.eq.stamp !== this.settings.eqStamp) {
      // The one preset loader of every command: Equalizer APO / AutoEq text, or JSON EQ settings.
      const config = await loadEqPreset(presetPath);
      for (const w of config.warnings) this.emit({ type: 'warning', message: `${presetPath}: ${w}` });
      const autoPreamp = this.settings.eqAutoPreamp;
      this.eq = { path: presetPath, autoPreamp, stamp: this.settings.eqStamp, filter: prepareFilter('eq', autoPreamp ? { ...config.settings, autoPreamp: true } : config.settings) };
    }
    return this.eq.filter;
  }

  /** The current output's capabilities, probed once per output name and mode. */
  private async outputCapabilities(): Promise<OutputCapabilities> {
    const key = `${this.settings.output}|${this.settings.mode}`;
    if (this.caps?.key !== key) {
      const caps = await this.deps.outputPlugin(this.settings.output).capabilities({ mode: this.settings.mode });
      this.caps = { key, caps };
    }
    return this.caps.caps;
  }

  /** Opens the output for `format`, draining and closing a stream of another format first. */
  private async openOutputFor(format: AudioFormat): Promise<void> {
    const reopened = this.session !== null;
    if (this.session) {
      const s = this.session;
      try {
        await this.flushDsd();
        if (!(await this.playOut(s, false))) return;
      } catch (e) {
        if (this.noteDeviceLoss(e)) return;
        throw e;
      }
      this.settleEnds(false, true);
      this.session = null;
      await s.out.close();
    }
    const plugin = this.deps.outputPlugin(this.settings.output);
    const dsd = format.sample === 'dsd' ? this.track?.dsd ?? null : null;
    if (format.sample === 'dsd' && (!dsd || dsd.transport === 'pcm')) throw new AurisError('E_INTERNAL', 'a DSD block reached the output without a DSD transport');
    // DoP opens the device as 24-bit PCM at the carrier rate; native DSD opens it with the DSD format.
    const upmix = format.sample === 'dsd' ? 1 : this.track?.upmix ?? 1;
    const openAs = dsd?.transport === 'dop' ? dsd.carrier : upmix > 1 ? { ...format, channels: format.channels * upmix } : format;
    let out: OpenOutput;
    try {
      out = await plugin.open(openAs, this.settings.mode, { bufferMs: this.settings.bufferMs, volumeControl: this.settings.volumeControl });
    } catch (e) {
      const err = asAurisError(e);
      // A device that went away while playing and is not back yet (gone from the system: E_NOT_FOUND)
      // is waited for, as a lost one is; a device that was never there is an error.
      const vanished = err.code === 'E_NOT_FOUND' && this.lostOutput === this.settings.output;
      if (err.code === 'E_DEVICE_LOST' || err.code === 'E_DEVICE_BUSY' || vanished) {
        this.deviceLost = err;
        return;
      }
      throw err;
    }
    out.on('underrun', (n) => {
      this.underruns++;
      this.emit({ type: 'underrun', count: typeof n === 'number' ? n : this.underruns });
    });
    out.on('frames-lost', (n) => {
      // The device dropped audio it could not be given again: the track heard is not the file.
      const t = this.track;
      if (t && typeof n === 'number' && n > 0) t.proofSpoiled ||= `the device dropped ${n} frames unplayed (an underrun it could not recover from)`;
      if (typeof n === 'number' && n > 0) this.emit({ type: 'frames-lost', id: this.audiblePosition()?.entry.id ?? null, count: n });
    });
    out.on('device-lost', (e) => {
      this.deviceLost = asAurisError(e, 'E_DEVICE_LOST');
      this.wakeUp();
    });
    let packer: DsdStreamPacker | null = null;
    let frameRate = out.format.rate;
    if (dsd && dsd.transport !== 'pcm') {
      try {
        packer = new DsdStreamPacker(format.channels, out.container, dsd.transport);
        if (dsd.transport === 'native') frameRate = nativeDsdRate(format.rate, out.container as NativeDsdFormat);
      } catch (e) {
        await out.close();
        throw e;
      }
    }
    if (this.status === 'paused') out.pause();
    this.session = { out, format, upmix, written: 0, frameRate, dsd: packer, dsdClaimed: 0, marks: [] };
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
    const dop = s?.dsd != null && s.out.format.sample !== 'dsd'; // DoP: a DSD packer on a PCM stream
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
    if (!s?.dsd) return;
    const tail = s.dsd.flush().device;
    if (tail.length === 0) return;
    this.pending = tail;
    while (this.pending && this.session === s && !this.deviceLost) {
      if (!this.writePending()) await this.sleep(WRITE_RETRY_MS);
    }
  }

  /**
   * Lets the output play out what it holds (end of the queue, or a format change). Pause, resume
   * and append act meanwhile. With `yieldToCommands`, any other command (stop, seek, next...) ends
   * the wait early; without it (a format change, whose next block is in hand) they wait for the end.
   * Returns false when the wait ended early, for a command or a device loss, which the loop handles.
   */
  private async playOut(s: OutputSession, yieldToCommands: boolean): Promise<boolean> {
    let settled = false;
    let failure: unknown = null;
    void s.out.drain().then(
      () => { settled = true; this.wakeUp(); },
      (e: unknown) => { settled = true; failure = e; this.wakeUp(); },
    );
    while (!settled) {
      while (this.commands.length > 0 && DURING_PLAY_OUT.has(this.commands[0]!.type)) await this.applyCommands(1);
      if ((yieldToCommands && this.commands.length > 0) || this.deviceLost || this.shuttingDown) return false;
      // A long pause during the final play-out hands the device back too (the loop releases it).
      const release = this.settings.releaseAfterPauseMs;
      const left = this.status === 'paused' && release > 0 ? this.pausedAt + release - Date.now() : Infinity;
      if (yieldToCommands && left <= 0) return false;
      await this.sleep(Math.min(60_000, left));
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
        if (!(await this.playOut(s, true))) return;
      } catch (e) {
        if (this.noteDeviceLoss(e)) return;
        this.emit({ type: 'error', error: wire(e) });
      }
      this.settleEnds(false, true);
      // A track the core added while the output played out: go on with it on the same stream.
      if (this.current && this.session === s) return;
    }
    await this.stopPlayback();
    this.emit({ type: 'queue-end', underruns: this.underruns });
  }

  /** Stops everything: queued audio is dropped, the track and the output are closed. */
  private async stopPlayback(): Promise<void> {
    this.settleEnds(true);
    this.pending = null;
    const t = this.track;
    this.track = null;
    if (t) {
      // A track that was being heard is reported as cut off, with a proof that does not verify.
      if (this.session?.marks.some((m) => m.entry === t.entry)) {
        const proof = this.proofFor(t, false, t.file.decoder.integrity().md5);
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
    this.caps = null; // probed again when the device is back: it may come back different
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
    this.resumeAt = entry ? { id: entry.id, frame: pos?.frame ?? 0, why: 'playback resumed where the device stopped after it went away' } : null;
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
  private audiblePosition(): { entry: EngineTrack; frame: number; rate: number; seconds: number } | null {
    const s = this.session;
    if (s && s.marks.length > 0) {
      // What the device itself says it played (exact, and frozen at a device loss).
      const audible = Math.max(0, s.out.playedFrames());
      let m = s.marks[0]!;
      for (const mark of s.marks) if (mark.streamFrame <= audible) m = mark;
      const frame = Math.max(0, m.sourceFrame - m.entry.startFrame + Math.round((audible - m.streamFrame) * (m.sourceRate / s.frameRate)));
      return { entry: m.entry, frame, rate: m.sourceRate, seconds: frame / m.sourceRate };
    }
    if (this.track) {
      const rate = framesPerSecond(this.track.info.format);
      const frame = Math.max(0, this.track.sourceFrame - this.track.entry.startFrame);
      return { entry: this.track.entry, frame, rate, seconds: frame / rate };
    }
    if (this.current && this.status !== 'stopped') {
      // About to start (a load or seek not yet decoded): where it will start; rate 0 when not known yet.
      const r = this.resumeAt?.id === this.current.id ? this.resumeAt : null;
      const rate = r?.rate ?? 0;
      const frame = r ? (r.seconds !== undefined && rate > 0 ? Math.round(r.seconds * rate) : r.frame) : 0;
      return { entry: this.current, frame, rate, seconds: r?.seconds ?? (rate > 0 ? frame / rate : 0) };
    }
    return null;
  }

  private outputState(): OutputState | null {
    const s = this.session;
    if (!s) return null;
    return {
      name: s.out.name, mode: s.out.mode, format: s.out.format, container: s.out.container, bitPerfect: s.out.bitPerfect, hardwareVolume: s.out.volume !== null,
    };
  }

  state(): PlayerState {
    const pos = this.audiblePosition();
    const t = this.track;
    const total = t && pos && t.entry === pos.entry ? t.info.totalFrames : null;
    return {
      status: this.status,
      currentId: pos?.entry.id ?? this.current?.id ?? null,
      positionFrames: pos?.frame ?? 0,
      positionSeconds: pos?.seconds ?? 0,
      durationSeconds: total !== null && t ? total / framesPerSecond(t.info.format) : null,
      underruns: this.underruns,
      clippedSamples: t ? clipped(t.chain) : 0,
      output: this.outputState(),
    };
  }

  private emitState(): void {
    this.lastStateAt = Date.now();
    this.emit({ type: 'state', state: this.state() });
  }

  private maybeEmitState(): void {
    this.settleEnds();
    if (Date.now() - this.lastStateAt >= STATE_INTERVAL_MS) this.emitState();
  }

  /** Every stage from the source to the output for the current (or given) track. */
  private signalPath(t: ActiveTrack | null = this.track): ReturnType<typeof evaluateSignalPath> {
    const stages: StageReport[] = [];
    if (t) {
      const d = t.file.decoder;
      stages.push({
        kind: 'decoder', name: `${d.info.codec} decoder`, input: null, output: d.format, changesSamples: false, chosenByUser: false,
        lossy: !d.info.lossless, detail: `${d.info.container}, ${formatToString(d.format)}${damageOf(t) ? `; damaged: ${damageOf(t)}` : ''}`,
      });
      const forced = this.forcedReason;
      const dsd = t.dsd;
      stages.push(...t.chain.reports.map((r, i, all) => {
        if (dsd?.transport === 'pcm' && r.input?.sample === 'dsd') return { ...r, changesSamples: true, chosenByUser: dsd.chosen, detail: `${r.detail}; ${dsd.reason}` };
        // The last stage delivers the device's format (to a shared mixer's float, say): forced too, as is a stage nobody chose (a downmix).
        if (!forced || (r.chosenByUser && r.kind !== 'resampler' && r.kind !== 'dither' && i !== all.length - 1)) return r;
        // Quantising a float source for an integer device, at its rate, is what any player must do.
        const floatToInt = r.kind === 'dither' && !isIntegerKind(t.info.format.sample) && r.output !== null && isIntegerKind(r.output.sample)
          && !t.chain.reports.some((x) => x.kind === 'resampler');
        if (floatToInt) return { ...r, chosenByUser: false, required: true, cause: quantisationCause(t.info.format, r.output!.validBits) };
        return { ...r, chosenByUser: false, cause: forced };
      }));
      const clips = clipped(t.chain);
      if (clips > 0) {
        // The clip count shows on the last processing stage (where a boost went past full scale).
        const last = stages.length - 1;
        stages[last] = { ...stages[last]!, detail: `${stages[last]!.detail}; ${clips} sample${clips === 1 ? '' : 's'} clipped` };
      }
      if (dsd?.transport === 'dop') {
        stages.push({
          kind: 'packing', name: 'DoP', input: t.info.format, output: dsd.carrier, changesSamples: false, chosenByUser: false,
          detail: `DSD over PCM v1.1: 16 DSD bits per 24-bit word, markers 0x05/0xFA, ${dsd.carrier.rate} Hz carrier; the DSD bits reach the DAC untouched`,
        });
      }
    }
    // The output stages belong to this track only once the output carries its format (a format
    // change reopens it after the previous track has played out).
    const s = t && this.session && !sameFormat(this.session.format, t.chain.outputFormat) ? null : this.session;
    if (s?.dsd && s.out.format.sample === 'dsd') {
      const words = nativeDsdWordBytes(s.out.container as NativeDsdFormat);
      stages.push({
        kind: 'packing', name: `native DSD ${s.out.container}`, input: s.format, output: s.out.format, changesSamples: false, chosenByUser: false,
        detail: `${words} DSD byte${words > 1 ? 's' : ''} per channel in each ${s.out.container} word at ${s.frameRate} Hz, sent verbatim`,
      });
      stages.push(s.out.stage);
    } else if (s) {
      // The level the device reports it set (it rounds down to its steps), not the one asked for.
      const hw = s.out.volume && this.settings.volumeDb !== 0 ? `, hardware volume ${roundDb(s.out.volume.get())} dB` : '';
      const dop = s.dsd !== null; // DoP: the carrier words are what gets packed
      const mono = s.upmix > 1 ? `; the ${s.format.channels === 1 ? 'mono' : `${s.format.channels}-channel`} samples go unchanged to all ${s.out.format.channels} channels of the device (it has no ${s.format.channels}-channel mode)` : '';
      stages.push({
        kind: 'packing', name: s.out.container, input: dop ? s.out.format : s.format, output: s.out.format, changesSamples: false, chosenByUser: false,
        detail: dop ? `24-bit DoP words in ${s.out.container}` : `${s.format.validBits}-bit samples in ${s.out.container}${hw}${mono}`,
      });
      stages.push(s.out.stage);
    }
    return evaluateSignalPath(stages);
  }
}

/**
 * What the decoder found wrong with the file while it played, in words ('' when nothing): frames
 * whose checksum failed, or fewer frames than the file states (a truncated file).
 */
function damageOf(t: ActiveTrack): string {
  const found: string[] = [];
  const integrity = t.file.decoder.integrity();
  const crc = integrity.crcErrors;
  // Warnings that tell of lost or damaged audio (not the harmless oddities, such as a streaming WAV's placeholder size).
  for (const w of integrity.warnings) if (/truncat|garbage|damag|corrupt|missing/i.test(w)) found.push(w);
  if (crc > 0) found.push(`${crc} frame${crc === 1 ? '' : 's'} failed their checksum (CRC)`);
  const stated = t.file.decoder.info.totalFrames;
  const end = t.entry.endFrame ?? stated;
  if (t.ended && end !== null && t.sourceFrame < end) found.push(`it ends at frame ${t.sourceFrame} of the ${end} it states (truncated)`);
  return found.join('; ');
}

/** dB to two decimals, for people. */
function roundDb(db: number): number {
  return Math.round(db * 100) / 100;
}

/** Samples the chain's processing clipped so far, all channels. */
function clipped(chain: FilterChain): number {
  return chain.bitPerfect ? 0 : chain.clipStats().clipped.reduce((a, b) => a + b, 0);
}

/** A PCM block with each channel repeated `times` over (mono [a, b] -> [a, a, b, b]). */
function duplicateChannels(block: AudioBlock, times: number): AudioBlock {
  if (block.kind === 'dsd') throw new AurisError('E_INTERNAL', 'DSD blocks are not upmixed');
  const ch = block.format.channels;
  const format = { ...block.format, channels: ch * times };
  const src = block.samples;
  const out = block.kind === 'int' ? new Int32Array(src.length * times) : new Float64Array(src.length * times);
  for (let f = 0; f < block.frames; f++) {
    for (let c = 0; c < ch; c++) {
      const v = src[f * ch + c]!;
      for (let k = 0; k < times; k++) out[(f * ch + c) * times + k] = v;
    }
  }
  return block.kind === 'int' ? { kind: 'int', format, frames: block.frames, samples: out as Int32Array } : { kind: 'float', format, frames: block.frames, samples: out as Float64Array };
}

/** Every n-th value (one device channel of each duplicated group). */
function everyNth(values: Int32Array, n: number): Int32Array {
  const out = new Int32Array(values.length / n);
  for (let i = 0; i < out.length; i++) out[i] = values[i * n]!;
  return out;
}

function wire(e: unknown): WireError {
  const err = asAurisError(e);
  // Details travel too (a refused format keeps its list of accepted formats); structured-clone safe by JSON.
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(JSON.stringify(err.details)) as Record<string, unknown>;
  } catch {
    details = {};
  }
  return { code: err.code, message: err.message, details };
}
