// What the file commands (info, decode, convert, eq, verify, the analysis commands) use of the
// layers below the core: formats, WAV writing, the decoder registry, tags, the DSP chain and EQ,
// and the analysers' results. The front ends import only src/core (scripts/eslint-layers.js), so
// this module names those pieces for them; it re-exports and adds no logic.

// Audio formats and WAV files.
export type { AudioFormat } from '../audio/format.ts';
export { formatToString, framesPerSecond, isIntegerKind, lengthToString, sameFormat } from '../audio/format.ts';
export { wavDataBytes, wavHeader, wavTrailer } from '../audio/wav.ts';

// Decoders and tags.
export type { Damage, Decoder, IntegrityReport, StreamInfo } from '../decoders/interface.ts';
export { damageError, damageFound } from '../decoders/damage.ts';
export { openFile, supportedExtensions } from '../decoders/registry.ts';
export { readTags, type Tags } from '../decoders/tags.ts';

// The DSP chain, its filters and EQ presets (one preset loader for every command).
export { buildChain, type ChainOptions, type FilterChain } from '../dsp/chain.ts';
export type { PreparedFilter } from '../dsp/interface.ts';
export type { DitherMode } from '../dsp/dither/shaping.ts';
export { loadEqPreset } from '../dsp/presets/load.ts';
export { findFilterPlugin, prepareFilter } from '../dsp/registry.ts';
export { biquadF0 } from '../dsp/plugins/eq/biquad.ts';
export { channelNames, resolveChannels } from '../dsp/plugins/eq/channels.ts';
export { autoPreampDb, autoPreampExtraDb, eqResponse, parseEqSettings, planChannels, type EqSettings } from '../dsp/plugins/eq/index.ts';
export { parseApoConfig } from '../dsp/presets/apo.ts';

// Analysis: requests and results of the job service's analysers, album figures, the DR log.
export type { AnalyserRequest, FileAnalysis } from '../analysis/run.ts';
export { analysisChunk } from '../analysis/interface.ts';
export type { AuthenticityResult } from '../analysis/plugins/authenticity/index.ts';
export { BitDepthAnalyser } from '../analysis/plugins/authenticity/bit-depth.ts';
export { spectrogramPng } from '../analysis/plugins/authenticity/spectrogram.ts';
export { albumDr, toDb, type DrResult } from '../analysis/plugins/dr/meter.ts';
export { renderDrLog, type DrLogAlbum, type DrLogTrack } from '../analysis/plugins/dr/log.ts';
export { albumLoudness, type LoudnessResult } from '../analysis/plugins/loudness/meter.ts';
export { replayGainDb } from '../analysis/plugins/loudness/replaygain.ts';
