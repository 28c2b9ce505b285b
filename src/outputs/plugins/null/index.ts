// Null output: `null` (paced at real time, like a DAC: a buffer drains at the stream's rate) or
// `null:unpaced` (accepts everything at once, for benchmarks and tests). Discards the bytes.

import type { AudioFormat } from '../../../audio/format.ts';
import { validateFormat } from '../../../audio/format.ts';
import { containersFor, frameBytes, type Container } from '../../../audio/pack.ts';
import { AurisError } from '../../../util/errors.ts';
import { OutputEvents } from '../../events.ts';
import type { OpenOptions, OpenOutput, OutputCapabilities, OutputEvent, OutputListener, OutputMode, OutputPlugin } from '../../interface.ts';

export const NULL_NAMES = ['null', 'null:unpaced'] as const;

export class NullOutputPlugin implements OutputPlugin {
  constructor(readonly name: string, private readonly paced: boolean) {}

  async capabilities(): Promise<OutputCapabilities> {
    return { name: this.name, modes: ['exclusive'], formats: 'any', rateRange: null, hardwareVolume: false };
  }

  async open(format: AudioFormat, _mode: OutputMode, options: OpenOptions = {}): Promise<OpenOutput> {
    validateFormat(format);
    const container = options.container ?? containersFor(format)[0];
    if (!container) throw new AurisError('E_FORMAT_REFUSED', `${this.name} takes PCM only`);
    const bufferFrames = Math.max(1, Math.round((format.rate * (options.bufferMs ?? 500)) / 1000));
    return new NullOutput(this.name, format, container, this.paced ? bufferFrames : Infinity);
  }
}

class NullOutput implements OpenOutput {
  readonly mode: OutputMode = 'exclusive';
  readonly frameBytes: number;
  readonly bitPerfect = true;
  readonly stage;
  readonly volume = null;
  private readonly events = new OutputEvents();
  /** Frames in the virtual device buffer at `at` (ms, performance.now()). */
  private queued = 0;
  private at = performance.now();
  private paused = false;
  private closed = false;
  private written = 0;

  constructor(readonly name: string, readonly format: AudioFormat, readonly container: Container, readonly bufferFrames: number) {
    this.frameBytes = frameBytes(container, format.channels);
    this.stage = {
      kind: 'output' as const, name: 'null output', input: format, output: format, changesSamples: false, chosenByUser: true,
      detail: `${container}, discarded${Number.isFinite(bufferFrames) ? ', paced at real time' : ''}`,
    };
  }

  /** Plays the virtual buffer forward to now. */
  private advance(): void {
    const now = performance.now();
    if (!this.paused && Number.isFinite(this.bufferFrames)) {
      this.queued = Math.max(0, this.queued - ((now - this.at) * this.format.rate) / 1000);
    } else if (!this.paused) {
      this.queued = 0;
    }
    this.at = now;
  }

  write(bytes: Uint8Array): number {
    if (this.closed) throw new AurisError('E_STATE', `${this.name} is closed`);
    this.advance();
    const room = Number.isFinite(this.bufferFrames) ? Math.floor(this.bufferFrames - this.queued) : Infinity;
    const frames = Math.max(0, Math.min(Math.floor(bytes.length / this.frameBytes), room));
    if (Number.isFinite(this.bufferFrames)) this.queued += frames;
    this.written += frames;
    return frames;
  }

  delay(): number {
    this.advance();
    return Math.ceil(this.queued);
  }

  playedFrames(): number {
    return this.written - this.delay();
  }

  lostFrames(): number {
    return 0;
  }

  async drain(): Promise<void> {
    while (this.delay() > 0 && !this.closed) {
      if (this.paused) throw new AurisError('E_STATE', `${this.name} is paused; resume before draining`);
      await new Promise((r) => setTimeout(r, Math.min(50, Math.ceil((this.queued * 1000) / this.format.rate))));
    }
    this.events.emit('drained', 0);
  }

  /** The virtual buffer empties; what it held never counts as played. */
  async drop(): Promise<boolean> {
    if (this.closed) throw new AurisError('E_STATE', `${this.name} is closed`);
    this.written -= this.delay();
    this.queued = 0;
    return true;
  }

  pause(): void {
    this.advance();
    this.paused = true;
  }

  resume(): void {
    this.advance();
    this.paused = false;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queued = 0;
  }

  on(event: OutputEvent, listener: OutputListener): void {
    this.events.on(event, listener);
  }

  off(event: OutputEvent, listener: OutputListener): void {
    this.events.off(event, listener);
  }
}
