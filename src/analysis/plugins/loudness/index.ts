// The loudness meter as an analyser plugin ("loudness").
import type { AudioFormat } from '../../../audio/format.ts';
import type { AnalyserPlugin } from '../../interface.ts';
import { LoudnessMeter, type LoudnessOptions, type LoudnessResult } from './meter.ts';

export const loudnessPlugin: AnalyserPlugin<LoudnessResult, LoudnessOptions> = {
  name: 'loudness',
  create: (format: AudioFormat, options?: LoudnessOptions) => new LoudnessMeter(format, options),
};
