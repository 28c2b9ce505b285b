// Building a track's filter chain: the plan (src/engine/plan.ts) for the source format, the
// settings and the output's capabilities, turned into prepared filters and a chain. It keeps what
// is costly to get again: the output's capabilities (probed once per output name and mode) and the
// EQ prepared from its preset file (parsed once per path, auto-preamp setting and preset stamp).

import type { AudioFormat } from '../audio/format.ts';
import { buildChain, type FilterChain } from '../dsp/chain.ts';
import type { PreparedFilter } from '../dsp/interface.ts';
import type { OutputCapabilities, OutputPlugin } from '../outputs/interface.ts';
import { chainOutput, planTrack, type DsdPlan } from './plan.ts';
import { withOutputHint } from './session.ts';
import type { EngineSettings, EngineTrack } from './protocol.ts';

/** A chain and what the plan decided around it. */
export interface BuiltChain {
  readonly chain: FilterChain;
  /** Device channels per source channel: 2 for mono sent to both channels of a stereo device, else 1. */
  readonly upmix: number;
  /** The DSD transport (null for PCM). */
  readonly dsd: DsdPlan | null;
  /** Why the device forced a rate or depth change ('' when it did not). */
  readonly forcedReason: string;
}

export class ChainBuilder {
  /** Capabilities of the output in use, probed once per output name and mode. */
  private caps: { key: string; caps: OutputCapabilities } | null = null;
  /** The EQ prepared from the preset in the settings. */
  private eq: { path: string; autoPreamp: boolean; stamp: number; filter: PreparedFilter } | null = null;

  /** `warn`: a preset's warnings, each prefixed with its path. */
  constructor(private readonly outputPlugin: (name: string) => OutputPlugin, private readonly warn: (message: string) => void) {}

  /** The output may have changed (another output or mode, a device that went away): probe it again next time. */
  forgetCapabilities(): void {
    this.caps = null;
  }

  /**
   * The chain for a source format on the output the settings name, as the plan decides it. `track`
   * brings its own gain (ReplayGain), the first step of the chain.
   */
  async build(format: AudioFormat, settings: EngineSettings, track: EngineTrack): Promise<BuiltChain> {
    const caps = await this.capabilities(settings);
    const s = settings;
    const plan = planTrack(format, { eq: s.eqPreset !== null, crossfeed: s.crossfeed, volumeDb: s.volumeDb, missingRate: s.missingRate, dsd: s.dsd, trackGain: track.gain, downmix: s.downmix }, caps);
    const filters: PreparedFilter[] = [];
    // The filters load on first use: a bit-perfect path never needs them (~5 MiB of the worker's memory).
    const prepareFilter = plan.steps.length > 0 ? (await import('../dsp/registry.ts')).prepareFilter : null;
    for (const step of plan.steps) filters.push(step.kind === 'eq' ? await this.eqFilter(s.eqPreset!, settings) : prepareFilter!(step.kind, step.settings));
    let chain = buildChain(filters, format, { output: chainOutput(plan) });
    if (!chain.bitPerfect && plan.processedBits !== null) chain = buildChain(filters, format, { output: chainOutput(plan, true) });
    return { chain, upmix: plan.upmix, dsd: plan.dsd, forcedReason: plan.forcedReason };
  }

  /** The EQ of a preset file (Equalizer APO / AutoEq), parsed once per path. */
  private async eqFilter(presetPath: string, settings: EngineSettings): Promise<PreparedFilter> {
    if (this.eq?.path !== presetPath || this.eq.autoPreamp !== settings.eqAutoPreamp || this.eq.stamp !== settings.eqStamp) {
      // The one preset loader of every command: Equalizer APO / AutoEq text, or JSON EQ settings.
      const { loadEqPreset } = await import('../dsp/presets/load.ts');
      const config = await loadEqPreset(presetPath);
      for (const w of config.warnings) this.warn(`${presetPath}: ${w}`);
      const autoPreamp = settings.eqAutoPreamp;
      const { prepareFilter } = await import('../dsp/registry.ts');
      this.eq = { path: presetPath, autoPreamp, stamp: settings.eqStamp, filter: prepareFilter('eq', autoPreamp ? { ...config.settings, autoPreamp: true } : config.settings) };
    }
    return this.eq.filter;
  }

  private async capabilities(settings: EngineSettings): Promise<OutputCapabilities> {
    const key = `${settings.output}|${settings.mode}`;
    if (this.caps?.key !== key) {
      let caps: OutputCapabilities;
      try {
        caps = await this.outputPlugin(settings.output).capabilities({ mode: settings.mode });
      } catch (e) {
        throw withOutputHint(e, settings.output);
      }
      this.caps = { key, caps };
    }
    return this.caps.caps;
  }
}
