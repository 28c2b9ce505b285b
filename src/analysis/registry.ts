// The ordered list of analyser plugins. Adding an analysis is a folder in plugins/ plus one line here.
// A plugin's module loads when it is first asked for: an analysis worker running only the DR meter
// does not load the loudness and authenticity code (~11 ms of a worker's start-up).
import type { AnalyserPlugin } from './interface.ts';
import { AurisError } from '../util/errors.ts';

type AnyAnalyserPlugin = AnalyserPlugin<unknown, never>;

/** A registered analyser: its name and how to load its plugin. */
interface AnalyserEntry {
  readonly name: string;
  readonly load: () => Promise<AnyAnalyserPlugin>;
}

export const ANALYSERS: readonly AnalyserEntry[] = [
  { name: 'dr', load: async () => (await import('./plugins/dr/index.ts')).drPlugin as AnyAnalyserPlugin },
  { name: 'loudness', load: async () => (await import('./plugins/loudness/index.ts')).loudnessPlugin as AnyAnalyserPlugin },
  { name: 'authenticity', load: async () => (await import('./plugins/authenticity/index.ts')).authenticityPlugin as AnyAnalyserPlugin },
];

/** The plugin called `name`; E_INVALID_ARGUMENT for an unknown name. */
export async function analyserPlugin(name: string): Promise<AnyAnalyserPlugin> {
  const entry = ANALYSERS.find((x) => x.name === name);
  if (!entry) throw new AurisError('E_INVALID_ARGUMENT', `no analyser called "${name}" (known: ${ANALYSERS.map((x) => x.name).join(', ')})`);
  const plugin = await entry.load();
  if (plugin.name !== name) throw new AurisError('E_INTERNAL', `the analyser registered as "${name}" calls itself "${plugin.name}"`);
  return plugin;
}
