// The ordered list of analyser plugins. Adding an analysis is a folder in plugins/ plus one line here.
import type { AnalyserPlugin } from './interface.ts';
import { drPlugin } from './plugins/dr/index.ts';
import { loudnessPlugin } from './plugins/loudness/index.ts';
import { authenticityPlugin } from './plugins/authenticity/index.ts';
import { AurisError } from '../util/errors.ts';

export const ANALYSER_PLUGINS: readonly AnalyserPlugin<unknown, never>[] = [drPlugin, loudnessPlugin, authenticityPlugin];

/** The plugin called `name`; E_INVALID_ARGUMENT for an unknown name. */
export function analyserPlugin(name: string): AnalyserPlugin<unknown, never> {
  const p = ANALYSER_PLUGINS.find((x) => x.name === name);
  if (!p) throw new AurisError('E_INVALID_ARGUMENT', `no analyser called "${name}" (known: ${ANALYSER_PLUGINS.map((x) => x.name).join(', ')})`);
  return p;
}
