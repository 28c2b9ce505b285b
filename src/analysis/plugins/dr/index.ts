// The DR meter as an analyser plugin ("dr").
import type { AudioFormat } from '../../../audio/format.ts';
import type { AnalyserPlugin } from '../../interface.ts';
import { DrMeter, type DrOptions, type DrResult } from './meter.ts';

export const drPlugin: AnalyserPlugin<DrResult, DrOptions> = {
  name: 'dr',
  create: (format: AudioFormat, options?: DrOptions) => new DrMeter(format, options),
};
