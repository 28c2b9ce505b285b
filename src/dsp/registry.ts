// The list of DSP filter kinds, and preparing a filter from a kind and raw settings.
// Adding a filter is a folder in plugins/ plus one line here.
//
// Kinds other code looks up by name (keep them stable):
//   'eq'        parametric EQ (plugins/eq), settings EqSettings
//   'volume'    software volume (plugins/volume), settings { db }
//   'resample'  sample-rate converter, settings { rate } (`auris convert --rate` uses it)
//   'crossfeed' bs2b, 'dsd2pcm', 'dop', 'downmix' (ITU-R BS.775 to stereo)

import { AurisError } from '../util/errors.ts';
import type { FilterPlugin, PreparedFilter } from './interface.ts';
import { eqPlugin } from './plugins/eq/index.ts';
import { volumePlugin } from './plugins/volume/index.ts';
import { resamplePlugin } from './plugins/resampler/index.ts';
import { crossfeedPlugin } from './plugins/crossfeed/index.ts';
import { dsdToPcmPlugin } from './plugins/dsd2pcm/index.ts';
import { dopPlugin } from './plugins/dop/index.ts';
import { downmixPlugin } from './plugins/downmix/index.ts';

/** Every filter plugin, in the order `auris debug filter --list` shows them. */
export const FILTER_PLUGINS: FilterPlugin[] = [
  eqPlugin,
  volumePlugin,
  crossfeedPlugin,
  resamplePlugin,
  dsdToPcmPlugin,
  dopPlugin,
  downmixPlugin,
];

/** The plugin of `kind`, or null when none is registered. */
export function findFilterPlugin(kind: string): FilterPlugin | null {
  return FILTER_PLUGINS.find((p) => p.kind === kind) ?? null;
}

/** Validates `settings` with the plugin of `kind` and prepares the filter; E_UNSUPPORTED_FEATURE when no plugin has that kind. */
export function prepareFilter(kind: string, settings: unknown): PreparedFilter {
  const plugin = findFilterPlugin(kind);
  if (!plugin) {
    const known = FILTER_PLUGINS.map((p) => p.kind).join(', ') || 'none';
    throw new AurisError('E_UNSUPPORTED_FEATURE', `no '${kind}' filter is registered (registered: ${known})`, { kind });
  }
  return plugin.prepare(plugin.parseSettings(settings));
}
