// DoP as a DSP filter (kind 'dop'): DSD blocks in, 24-bit integer carrier blocks out at the DSD
// rate / 16 (src/audio/dop.ts does the byte math). A packing, not a change: the DSD bits reach the
// DAC untouched, so the stage reports `changesSamples: false`. The chain must deliver its output
// as 24-bit integers untouched (no dither, volume or float conversion after it). On PCM it is
// identity.

import type { AudioBlock, IntBlock } from '../../../audio/block.ts';
import type { AudioFormat } from '../../../audio/format.ts';
import { formatToString, pcmFormat, sameFormat } from '../../../audio/format.ts';
import { DopEncoder, dopCarrierRate } from '../../../audio/dop.ts';
import { AurisError } from '../../../util/errors.ts';
import type { FilterPlugin, OpenFilter, PreparedFilter } from '../../interface.ts';
import { identityFilter, stageReport } from '../../interface.ts';

export function openDop(input: AudioFormat): OpenFilter {
  if (input.sample !== 'dsd') return identityFilter('packing', 'DoP', input, 'not DSD');
  const output = pcmFormat(dopCarrierRate(input.rate), input.channels, 24);
  const encoder = new DopEncoder(input.channels);
  let words = new Int32Array(0);
  const wrap = (samples: Int32Array): IntBlock => ({ kind: 'int', format: output, frames: samples.length / input.channels, samples });
  return {
    inputFormat: input,
    outputFormat: output,
    identity: false,
    report: { ...stageReport('packing', 'DoP', input, output, false, `DSD over PCM v1.1, markers 0x05/0xFA, ${output.rate} Hz 24-bit carrier`), changesSamples: false },
    latencyFrames: 0,
    process(block: AudioBlock): IntBlock {
      if (block.kind !== 'dsd' || !sameFormat(block.format, input)) {
        throw new AurisError('E_FORMAT_REFUSED', `DoP opened on ${formatToString(input)} got ${formatToString(block.format)}`);
      }
      const need = encoder.framesFor(block.frames) * input.channels;
      if (words.length < need) words = new Int32Array(need);
      return wrap(encoder.encode(block.bytes, words));
    },
    flush(): IntBlock | null {
      const tail = encoder.flush();
      return tail.length > 0 ? wrap(tail) : null;
    },
    reset: () => encoder.reset(),
  };
}

export const prepareDop = (): PreparedFilter => ({ kind: 'dop', name: 'DoP', open: openDop });

export const dopPlugin: FilterPlugin<Record<string, never>> = {
  kind: 'dop',
  description: 'DSD over PCM (DoP v1.1) packing: DSD into 24-bit carriers at rate/16, bit-perfect',
  parseSettings(raw: unknown): Record<string, never> {
    if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Object.keys(raw).length > 0)) {
      throw new AurisError('E_INVALID_ARGUMENT', 'dop takes no settings');
    }
    return {};
  },
  prepare: prepareDop,
};
