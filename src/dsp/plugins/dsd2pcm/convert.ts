// DSD -> PCM conversion (dsp.md 6.5): stage 1 decimates by 8 with the dsd2pcm table FIR; then the
// section-4.2 resampler cascade takes DSD rate / 8 to the target rate (short 2:1 stages first, as
// the spec allows for DSD128 and above), its band doubling as the ultrasonic low-pass when the
// target is above 48 kHz. Then the gain (0/+3/+6 dB) and clip counting.

import { AurisError } from '../../../util/errors.ts';
import { ClipCounter } from '../../clip.ts';
import type { ClipStats } from '../../clip.ts';
import { RESAMPLER_PRESETS } from '../resampler/design.ts';
import { CascadeResampler, planResampler } from '../resampler/cascade.ts';
import { Dsd2PcmStage1 } from './stage1.ts';

/** What the user chooses for DSD -> PCM. */
export interface DsdToPcmSettings {
  /** PCM output rate in Hz. */
  readonly rate: number;
  /** Gain after decimation: 0 (default), +3 or +6 dB. The SACD 0 dB level comes out at -6.02 dBFS at 0 dB. */
  readonly gainDb: 0 | 3 | 6;
  /** Ultrasonic low-pass corner in Hz for targets above 48 kHz, or null for none (default 50 kHz). */
  readonly lowpassHz: 30000 | 50000 | null;
}

/**
 * Default gain 0 dB, not dsp.md's +6 dB (Roon's): at +6 dB the SACD 0 dB reference (50%
 * modulation) reaches full scale, and the +3.1 dB peaks the Scarlet Book allows, plus the DSD
 * noise, clipped without a word (issue 16, item 10). At 0 dB they peak near -2.9 dBFS.
 */
export const DSD_TO_PCM_DEFAULTS: DsdToPcmSettings = { rate: 176400, gainDb: 0, lowpassHz: 50000 };

/** Where the ultrasonic low-pass reaches its full stop band, as a multiple of its corner. */
export const LOWPASS_STOP_RATIO = 1.25;

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
  private readonly resampler: CascadeResampler | null;
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

    // Stage 2 (and 3): from DSD rate / 8 to the target, through the resampler cascade (2:1 stages
    // first). Above 48 kHz its band is the ultrasonic low-pass: -175 dB from 1.25 x the corner on.
    const preset = RESAMPLER_PRESETS.vhq;
    const target = settings.rate;
    const nyquist = Math.min(dsdRate / 8, target) / 2;
    const lowpass = target > 48000 && settings.lowpassHz !== null && settings.lowpassHz < preset.passband * nyquist ? settings.lowpassHz : null;
    const band = lowpass !== null ? { passbandHz: lowpass, stopbandHz: Math.min(nyquist, lowpass * LOWPASS_STOP_RATIO) } : undefined;
    this.passbandHz = band ? band.passbandHz : preset.passband * nyquist;
    this.resampler = band || target !== dsdRate / 8 ? new CascadeResampler(planResampler(dsdRate / 8, target, 'vhq', band), channels) : null;
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
    return this.finish(this.resampler ? this.resampler.process(first) : first);
  }

  /** End of stream: the resampler's tail, then the converter is reset. */
  flush(): Float64Array {
    const out = this.finish(this.resampler ? this.resampler.flush() : new Float64Array(0));
    this.stage1.reset();
    return out;
  }

  /** History back to DSD silence (seek); clip statistics are kept. */
  reset(): void {
    this.stage1.reset();
    this.resampler?.reset();
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
