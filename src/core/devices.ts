// The outputs as `auris devices` and the output options see them: the registry's listing (the
// one the core's outputs.list() merges with the engine's state) and the output modes. Front ends
// import only src/core; this module re-exports and adds no logic.

export { listOutputs, type OutputListing } from '../outputs/registry.ts';
export type { FormatCaps, OutputMode } from '../outputs/interface.ts';
