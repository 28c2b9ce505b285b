// OpenOutput over a native stream (ring + device thread): shared by the ALSA and WASAPI outputs.

import type { AudioFormat } from '../audio/format.ts';
import { formatToString } from '../audio/format.ts';
import { frameBytes, type Container } from '../audio/pack.ts';
import { NATIVE_DSD_FORMATS, nativeDsdWordBytes, type NativeDsdFormat } from '../audio/dop.ts';
import type { StageReport } from '../protocol/signal-path.ts';
import { AurisError } from '../util/errors.ts';
import type { NativeStream, NativeEventKind, NativeNegotiated } from '../../native/index.ts';
import { OutputEvents } from './events.ts';
import type { HardwareVolume, OpenOutput, OutputContainer, OutputEvent, OutputListener, OutputMode } from './interface.ts';

export interface NativeOutputInit {
  readonly name: string;
  /** Name for people in the stage report: "ALSA hw:CARD=DAC,DEV=0". */
  readonly label: string;
  readonly mode: OutputMode;
  readonly format: AudioFormat;
  readonly negotiated: NativeNegotiated;
  readonly volume: HardwareVolume | null;
  /** Closes the volume handle and anything else owned beside the stream. */
  readonly onClose?: () => void;
  /** Said after "not bit-perfect" in shared mode when the same device has a bit-perfect mode (WASAPI: exclusive). */
  readonly sharedAdvice?: string;
}

/** Builds the output stage report from what the driver accepted; `sharedAdvice` see NativeOutputInit. */
export function outputStage(label: string, mode: OutputMode, format: AudioFormat, n: NativeNegotiated, sharedAdvice = ''): StageReport {
  const mixer = n.mixerRate > 0 ? ` at ${n.mixerRate} Hz` : '';
  const advice = sharedAdvice ? `; ${sharedAdvice}` : '';
  const detail = n.bitPerfect
    ? `${n.container}, ${mode}, ${n.detail}`
    : mode === 'shared'
      ? `shared through the system mixer${mixer} (not bit-perfect${advice}), ${n.container}, ${n.detail}`
      : `${n.container} through a plugin that may alter samples (not bit-perfect), ${n.detail}`;
  return { kind: 'output', name: label, input: format, output: format, changesSamples: !n.bitPerfect, chosenByUser: false, detail };
}

export class NativeOutput implements OpenOutput {
  readonly name: string;
  readonly mode: OutputMode;
  readonly format: AudioFormat;
  readonly container: OutputContainer;
  readonly frameBytes: number;
  readonly bitPerfect: boolean;
  readonly stage: StageReport;
  readonly bufferFrames: number;
  readonly volume: HardwareVolume | null;
  /** Everything the driver reported back at open (valid bits, strategy and why, buffer sizes). */
  readonly negotiated: NativeNegotiated;
  private readonly events = new OutputEvents();
  private stream: NativeStream | null = null;
  private drainWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  /** Waiting for the device thread's 'dropped' (true), or for a loss or close that ended the wait (false). */
  private dropWaiters: ((dropped: boolean) => void)[] = [];
  private lostError: AurisError | null = null;
  private readonly onClose: (() => void) | undefined;

  /** `open` receives the event callback and returns the opened native stream. */
  constructor(init: NativeOutputInit, stream: NativeStream) {
    this.name = init.name;
    this.mode = init.mode;
    this.format = init.format;
    this.container = init.negotiated.container as OutputContainer;
    const dsd = NATIVE_DSD_FORMATS.includes(this.container as NativeDsdFormat);
    this.frameBytes = dsd
      ? nativeDsdWordBytes(this.container as NativeDsdFormat) * init.negotiated.channels
      : frameBytes(this.container as Container, init.negotiated.channels);
    this.bitPerfect = init.negotiated.bitPerfect;
    this.stage = outputStage(init.label, init.mode, init.format, init.negotiated, init.sharedAdvice);
    this.bufferFrames = init.negotiated.bufferFrames;
    this.volume = init.volume;
    this.negotiated = init.negotiated;
    this.onClose = init.onClose;
    this.stream = stream;
  }

  /** The native event callback: hand this to openStream before constructing. */
  static eventRouter(): { listener: (kind: NativeEventKind, value: number) => void; attach: (o: NativeOutput) => void } {
    let target: NativeOutput | null = null;
    const early: [NativeEventKind, number][] = [];
    return {
      listener: (kind, value) => (target ? target.onNative(kind, value) : early.push([kind, value])),
      attach: (o) => {
        target = o;
        for (const [k, v] of early.splice(0)) o.onNative(k, v);
      },
    };
  }

  private onNative(kind: NativeEventKind, value: number): void {
    if (!this.stream) return;
    switch (kind) {
      case 'underrun':
        this.events.emit('underrun', value);
        return;
      case 'frames-lost':
        this.events.emit('frames-lost', value);
        return;
      case 'dropped':
        for (const w of this.dropWaiters.splice(0)) w(true);
        return;
      case 'drained':
        for (const w of this.drainWaiters.splice(0)) w.resolve();
        this.events.emit('drained', 0);
        return;
      case 'device-lost':
      case 'error': {
        const err = kind === 'device-lost'
          ? new AurisError('E_DEVICE_LOST', `${this.name} went away (OS error ${value})`, { output: this.name, osError: value })
          : new AurisError('E_DEVICE', `${this.name} stopped with OS error ${value}`, { output: this.name, osError: value });
        this.lostError = err;
        for (const w of this.drainWaiters.splice(0)) w.reject(err);
        for (const w of this.dropWaiters.splice(0)) w(false);
        this.events.emit(kind, err);
        return;
      }
    }
  }

  private live(): NativeStream {
    if (this.lostError) throw this.lostError;
    if (!this.stream) throw new AurisError('E_STATE', `${this.name} is closed`);
    return this.stream;
  }

  write(bytes: Uint8Array): number {
    return this.live().write(bytes);
  }

  delay(): number {
    return this.stream ? this.stream.delay() : 0;
  }

  /** Kept from the last reading, so that it still answers after close. */
  private lastStats: { playedFrames: number; framesLost: number } = { playedFrames: 0, framesLost: 0 };

  private readStats(): { playedFrames: number; framesLost: number } {
    if (this.stream) {
      const s = this.stream.stats();
      this.lastStats = { playedFrames: s.playedFrames, framesLost: s.framesLost };
    }
    return this.lastStats;
  }

  playedFrames(): number {
    return this.readStats().playedFrames;
  }

  lostFrames(): number {
    return this.readStats().framesLost;
  }

  drain(): Promise<void> {
    const s = this.live();
    return new Promise<void>((resolve, reject) => {
      this.drainWaiters.push({ resolve, reject });
      try {
        s.drain();
      } catch (e) {
        this.drainWaiters.pop();
        reject(e as Error);
      }
    });
  }

  async drop(): Promise<boolean> {
    const s = this.live();
    if (!s.drop()) return false;
    const dropped = await new Promise<boolean>((resolve) => this.dropWaiters.push(resolve));
    if (!dropped) throw this.lostError ?? new AurisError('E_STATE', `${this.name} was closed while dropping`);
    const err = new AurisError('E_STATE', `${this.name} dropped what it held before it drained`);
    for (const w of this.drainWaiters.splice(0)) w.reject(err);
    return true;
  }

  pause(): void {
    this.live().pause(true);
  }

  resume(): void {
    this.live().pause(false);
  }

  /** Underruns so far, frames played, and whether the device is gone. */
  stats(): { underruns: number; playedFrames: number; lost: boolean } {
    const s = this.stream?.stats();
    return { underruns: s?.underruns ?? 0, playedFrames: s?.playedFrames ?? this.lastStats.playedFrames, lost: this.lostError?.code === 'E_DEVICE_LOST' };
  }

  async close(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    s.close();
    // Read after the close: the device's count where it stopped (nothing plays on after it).
    this.readStats();
    this.stream = null;
    this.onClose?.();
    const err = new AurisError('E_STATE', `${this.name} was closed before it drained`);
    for (const w of this.drainWaiters.splice(0)) w.reject(err);
    for (const w of this.dropWaiters.splice(0)) w(false);
  }

  on(event: OutputEvent, listener: OutputListener): void {
    this.events.on(event, listener);
  }

  off(event: OutputEvent, listener: OutputListener): void {
    this.events.off(event, listener);
  }

  toString(): string {
    return `${this.name} (${formatToString(this.format)} as ${this.container})`;
  }
}
