// DSD -> PCM conversion (dsp.md 6.5): stage 1 decimates by 8 with the dsd2pcm table FIR; DSD128
// and above then halve the rate with short 2:1 stages down to DSD64/8 (352.8 or 384 kHz); the last
// stage is the section-4.2 resampler to the target rate, whose passband also serves as the
// ultrasonic low-pass when the target is above 48 kHz. Then the gain (0/+3/+6 dB) and clip counting.

import { AurisError } from '../../../util/errors.ts';
import { ClipCounter } from '../../clip.ts';
import type { ClipStats } from '../../clip.ts';
import { RESAMPLER_PRESETS, designPolyphase } from '../resampler/design.ts';
import { PolyphaseResampler } from '../resampler/polyphase.ts';
import { Dsd2PcmStage1 } from './stage1.ts';

/** What the user chooses for DSD -> PCM. */
export interface DsdToPcmSettings {
  /** PCM output rate in Hz. */
  readonly rate: number;
  /** Gain after decimation: 0, +3 or +6 dB (default +6: the SACD 0 dB level is -6.02 dBFS). */
  readonly gainDb: 0 | 3 | 6;
  /** Ultrasonic low-pass corner in Hz for targets above 48 kHz, or null for none (default 50 kHz). */
  readonly lowpassHz: 30000 | 50000 | null;
}

export const DSD_TO_PCM_DEFAULTS: DsdToPcmSettings = { rate: 176400, gainDb: 6, lowpassHz: 50000 };

/** Delay of stage 1 in DSD samples (the 96-tap FIR's centre). */
export const STAGE1_DELAY_DSD_SAMPLES = 47.5;

/** Streaming DSD -> PCM converter: byte-interleaved MSB-first DSD in, interleaved float64 out. */
export class DsdToPcm {
  readonly channels: number;
  readonly dsdRate: number;
  readonly settings: DsdToPcmSettings;
  /** Passband edge of the whole chain in Hz (the low-pass corner, or 0.9113 of the output Nyquist). */
  readonly passbandHz: number;
  private readonly stage1: Dsd2PcmStage1;
  private readonly stages: PolyphaseResampler[];
  private readonly gain: number;
  private readonly clips: ClipCounter;
  private pcm = new Float64Array(0);

  constructor(dsdRate: number, channels: number, settings: DsdToPcmSettings) {
    const base = dsdRate % 44100 === 0 ? 44100 * 8 : 48000 * 8;
    const multiple = dsdRate / (base / 8);
    if (!Number.isInteger(multiple) || ![64, 128, 256, 512].includes(multiple)) {
      throw new AurisError('E_FORMAT_REFUSED', `DSD rate ${dsdRate} Hz is not DSD64..DSD512 of the 44.1 or 48 kHz family`);
    }
    if (![0, 3, 6].includes(settings.gainDb)) throw new AurisError('E_INVALID_ARGUMENT', `DSD to PCM gain must be 0, 3 or 6 dB, got ${settings.gainDb}`);
    if (settings.lowpassHz !== null && settings.lowpassHz !== 30000 && settings.lowpassHz !== 50000) {
      throw new AurisError('E_INVALID_ARGUMENT', `DSD to PCM low-pass must be 30000, 50000 or none, got ${String(settings.lowpassHz)}`);
    }
    this.channels = channels;
    this.dsdRate = dsdRate;
    this.settings = settings;
    this.stage1 = new Dsd2PcmStage1(channels);
    this.gain = 10 ** (settings.gainDb / 20);
    this.clips = new ClipCounter(channels, -1, 1);

    const preset = RESAMPLER_PRESETS.vhq;
    const target = settings.rate;
    const nyquist = Math.min(base, target) / 2;
    const lowpass = target > 48000 && settings.lowpassHz !== null && settings.lowpassHz < preset.passband * nyquist ? settings.lowpassHz : null;
    this.passbandHz = lowpass ?? preset.passband * nyquist;
    this.stages = [];
    for (let r = dsdRate / 8; r > base; r /= 2) {
      // 2:1 with a wide transition: only what would fold into the final passband must go.
      const d = designPolyphase(r, r / 2, 'vhq', { passbandHz: this.passbandHz, stopbandHz: r / 2 - this.passbandHz });
      this.stages.push(new PolyphaseResampler(d, channels));
    }
    if (lowpass !== null) {
      const edges = { passbandHz: lowpass, stopbandHz: Math.min(nyquist, lowpass / preset.passband) };
      this.stages.push(new PolyphaseResampler(designPolyphase(base, target, 'vhq', edges), channels));
    } else if (target !== base) {
      this.stages.push(new PolyphaseResampler(designPolyphase(base, target, 'vhq'), channels));
    }
  }

  /** Output frames of delay from stage 1 (the resampler stages are time-aligned). */
  get latencyFrames(): number {
    return Math.round((STAGE1_DELAY_DSD_SAMPLES / this.dsdRate) * this.settings.rate);
  }

  /** Converts DSD bytes (whole frames); returns interleaved PCM valid until the next call. */
  process(bytes: Uint8Array): Float64Array {
    if (bytes.length % this.channels !== 0) throw new AurisError('E_INVALID_ARGUMENT', `${bytes.length} DSD bytes are not whole ${this.channels}-channel frames`);
    if (this.pcm.length < bytes.length) this.pcm = new Float64Array(bytes.length);
    const first = this.pcm.subarray(0, bytes.length);
    this.stage1.process(bytes, first);
    let x: Float64Array = first;
    for (const s of this.stages) x = s.process(x);
    return this.finish(x);
  }

  /** End of stream: the resampler tails, then the converter is reset. */
  flush(): Float64Array {
    let x = new Float64Array(0);
    for (const s of this.stages) {
      const head = Float64Array.from(s.process(x));
      const tail = s.flush();
      x = new Float64Array(head.length + tail.length);
      x.set(head);
      x.set(tail, head.length);
    }
    const out = this.finish(x);
    this.stage1.reset();
    return out;
  }

  /** History back to DSD silence (seek); clip statistics are kept. */
  reset(): void {
    this.stage1.reset();
    for (const s of this.stages) s.reset();
  }

  clipStats(): ClipStats {
    return this.clips.stats();
  }

  private finish(x: Float64Array): Float64Array {
    const g = this.gain;
    const ch = this.channels;
    for (let i = 0; i < x.length; i += ch) {
      for (let c = 0; c < ch; c++) {
        const v = x[i + c]! * g;
        x[i + c] = v;
        this.clips.note(c, v);
      }
    }
    return x;
  }
}
