// Downmix to stereo (kind 'downmix'): a 3- to 8-channel f64 stream mixed to two channels with the
// ITU-R BS.775 coefficients, for a device that takes stereo only and a user who allowed it
// (setting output.downmix = 'stereo'). Never bit-perfect, never chosen as an effect: the path
// reports it as forced by the device (degraded).
//
// Speakers follow the default WAVE channel masks (src/dsp/plugins/eq/channels.ts):
//   Lo = L + 1/sqrt2 * C + 1/sqrt2 * Ls,   Ro = R + 1/sqrt2 * C + 1/sqrt2 * Rs   (BS.775, 3/2 to 2/0)
// LFE is left out, as BS.775 does. 7.1 side speakers (SL/SR) take 1/sqrt2 like the rear ones, and a
// back centre (RC) goes 1/2 to each side. Each output is then scaled by 1 / (sum of its
// coefficients), so full scale on every channel at once stays at full scale: nothing can clip
// (5.1: x 0.4142, -7.66 dB).

import type { AudioBlock, FloatBlock } from '../../../audio/block.ts';
import type { AudioFormat } from '../../../audio/format.ts';
import { floatFormat, formatToString, sameFormat } from '../../../audio/format.ts';
import { AurisError } from '../../../util/errors.ts';
import type { FilterPlugin, OpenFilter, PreparedFilter } from '../../interface.ts';
import { settingsObject, stageReport } from '../../interface.ts';
import { channelNames } from '../eq/channels.ts';

const HALF_POWER = Math.SQRT1_2;

/** [to left, to right] of each speaker before normalisation; speakers not listed are dropped (LFE). */
const SPEAKER_GAINS: Readonly<Record<string, readonly [number, number]>> = {
  L: [1, 0], R: [0, 1], C: [HALF_POWER, HALF_POWER],
  RL: [HALF_POWER, 0], RR: [0, HALF_POWER], SL: [HALF_POWER, 0], SR: [0, HALF_POWER],
  RC: [0.5, 0.5], LFE: [0, 0],
};

/** The stereo downmix matrix of a `channels`-channel layout: [left gains, right gains], normalised. */
export function downmixMatrix(channels: number): [Float64Array, Float64Array] {
  if (!Number.isInteger(channels) || channels < 3 || channels > 8) {
    throw new AurisError('E_FORMAT_REFUSED', `the stereo downmix takes 3 to 8 channels, not ${channels}`);
  }
  const names = channelNames(channels);
  const left = new Float64Array(channels);
  const right = new Float64Array(channels);
  names.forEach((n, i) => {
    const g = SPEAKER_GAINS[n] ?? [0, 0];
    left[i] = g[0];
    right[i] = g[1];
  });
  const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
  const l = sum(left);
  const r = sum(right);
  for (let i = 0; i < channels; i++) { left[i]! /= l; right[i]! /= r; }
  return [left, right];
}

export function openDownmix(input: AudioFormat): OpenFilter {
  if (input.sample !== 'f64') throw new AurisError('E_FORMAT_REFUSED', `downmix takes f64 PCM, not ${formatToString(input)}`);
  const [left, right] = downmixMatrix(input.channels);
  const output = floatFormat(input.rate, 2, 64);
  const ch = input.channels;
  const scale = Number(left[0]!.toFixed(4));
  let buffer = new Float64Array(0);
  return {
    inputFormat: input,
    outputFormat: output,
    identity: false,
    report: stageReport('filter', 'Downmix to stereo', input, output, false,
      `ITU-R BS.775 from ${channelNames(ch).join(' ')}: L + 0.707 C + 0.707 surround, LFE left out, x ${scale} so nothing clips`, false),
    latencyFrames: 0,
    process(block: AudioBlock): FloatBlock {
      if (block.kind !== 'float' || !sameFormat(block.format, input)) {
        throw new AurisError('E_FORMAT_REFUSED', `downmix opened on ${formatToString(input)} got ${formatToString(block.format)}`);
      }
      const x = block.samples;
      if (buffer.length !== block.frames * 2) buffer = new Float64Array(block.frames * 2);
      for (let f = 0; f < block.frames; f++) {
        let l = 0;
        let r = 0;
        for (let c = 0; c < ch; c++) {
          const v = x[f * ch + c]!;
          l += left[c]! * v;
          r += right[c]! * v;
        }
        buffer[2 * f] = l;
        buffer[2 * f + 1] = r;
      }
      return { kind: 'float', format: output, frames: block.frames, samples: buffer };
    },
    flush: () => null,
    reset: () => undefined,
  };
}

export function prepareDownmix(): PreparedFilter {
  return { kind: 'downmix', name: 'Downmix to stereo', open: openDownmix };
}

export const downmixPlugin: FilterPlugin<Record<string, never>> = {
  kind: 'downmix',
  description: 'ITU-R BS.775 downmix of 3 to 8 channels (WAVE speaker order) to stereo, LFE left out, normalised so nothing clips',
  parseSettings(raw: unknown) {
    const o = settingsObject('downmix', raw);
    const extra = Object.keys(o);
    if (extra.length > 0) throw new AurisError('E_INVALID_ARGUMENT', `downmix: takes no settings, got ${extra.join(', ')}`, { field: extra[0] });
    return {};
  },
  prepare: prepareDownmix,
};
