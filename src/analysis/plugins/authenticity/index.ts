// The authenticity analyser ("authenticity"): effective bit depth, spectral cutoff and, on request,
// a spectrogram, in one pass over the stream, with one overall verdict.

import type { AudioFormat } from '../../../audio/format.ts';
import type { Analyser, AnalyserPlugin, AnalysisChunk } from '../../interface.ts';
import { requirePcm } from '../../interface.ts';
import { BitDepthAnalyser, type BitDepthResult } from './bit-depth.ts';
import { CutoffAnalyser, type CutoffResult } from './cutoff.ts';
import { SpectrogramAnalyser, type SpectrogramData } from './spectrogram.ts';

export interface AuthenticityOptions {
  /** Also compute spectrogram data (for a PNG). Default false. */
  readonly spectrogram?: boolean;
}

/** One of: clean, padded, upscaled, upsampled, lossy-like (several joined with '+'). */
export type AuthenticityFinding = 'padded' | 'upscaled' | 'upsampled' | 'lossy-like';

export interface AuthenticityResult {
  readonly bitDepth: BitDepthResult;
  readonly cutoff: CutoffResult;
  readonly spectrogram: SpectrogramData | null;
  /** Effective bits (null for silence). */
  readonly effectiveBits: number | null;
  readonly cutoffHz: number;
  /** "clean", or the findings joined with '+', e.g. "upsampled+lossy-like". */
  readonly verdict: string;
  readonly findings: readonly AuthenticityFinding[];
  /** The findings in words. */
  readonly summary: string;
}

export class AuthenticityAnalyser implements Analyser<AuthenticityResult> {
  private readonly bitDepth: BitDepthAnalyser;
  private readonly cutoff: CutoffAnalyser;
  private readonly spectrogram: SpectrogramAnalyser | null;

  constructor(format: AudioFormat, options: AuthenticityOptions = {}) {
    requirePcm(format, 'the authenticity check');
    this.bitDepth = new BitDepthAnalyser(format);
    this.cutoff = new CutoffAnalyser(format);
    this.spectrogram = options.spectrogram ? new SpectrogramAnalyser(format) : null;
  }

  push(chunk: AnalysisChunk): void {
    this.bitDepth.push(chunk);
    this.cutoff.push(chunk);
    this.spectrogram?.push(chunk);
  }

  finish(): AuthenticityResult {
    const bitDepth = this.bitDepth.finish();
    const cutoff = this.cutoff.finish();
    const findings: AuthenticityFinding[] = [];
    if (bitDepth.verdict === 'padded') findings.push('padded');
    if (bitDepth.verdict === 'upscaled') findings.push('upscaled');
    if (cutoff.upsampled) findings.push('upsampled');
    if (cutoff.lossyLike) findings.push('lossy-like');
    return {
      bitDepth,
      cutoff,
      spectrogram: this.spectrogram?.finish() ?? null,
      effectiveBits: bitDepth.effectiveBits,
      cutoffHz: cutoff.cutoffHz,
      verdict: findings.length ? findings.join('+') : 'clean',
      findings,
      summary: `${bitDepth.summary}; ${cutoff.summary}`,
    };
  }
}

export const authenticityPlugin: AnalyserPlugin<AuthenticityResult, AuthenticityOptions> = {
  name: 'authenticity',
  create: (format: AudioFormat, options?: AuthenticityOptions) => new AuthenticityAnalyser(format, options),
};
