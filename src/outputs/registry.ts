// Output names and the ordered list of output kinds. An output name is `<kind>:<target>`:
// `alsa:<PCM name>`, `wasapi:<endpoint id or name>`, `file:<path>.wav`, or `null` / `null:unpaced`.
// Adding a kind is a folder under src/outputs/ plus one entry in OUTPUT_KINDS.

import { AurisError } from '../util/errors.ts';
import { ALSA_PREFIX, AlsaOutputPlugin, alsaStatus, listAlsaDevices } from './plugins/alsa/index.ts';
import { FILE_PREFIX, FileOutputPlugin } from './plugins/file/index.ts';
import type { OutputCapabilities, OutputMode, OutputPlugin } from './interface.ts';
import { NullOutputPlugin } from './plugins/null/index.ts';
import { WASAPI_PREFIX, WasapiOutputPlugin, listWasapiDevices, wasapiStatus } from './plugins/wasapi/index.ts';

/** One output a user can pick, as `auris devices` lists it. */
export interface OutputListing {
  readonly name: string;
  readonly description: string;
  readonly modes: readonly OutputMode[];
  readonly isDefault: boolean;
  /** Probed capabilities, or why probing failed (busy, gone). */
  readonly capabilities: OutputCapabilities | null;
  readonly error: { code: string; message: string } | null;
}

/** An output kind: how its names look, how to make a plugin, how to list its devices. */
export interface OutputKind {
  readonly kind: string;
  /** True when `name` belongs to this kind. */
  matches(name: string): boolean;
  create(name: string): OutputPlugin;
  /** Devices of this kind (names without probing); empty when the backend is unavailable. */
  list(): { name: string; description: string; modes: OutputMode[]; isDefault: boolean }[];
  /** Why this kind has no devices here ('' when available). */
  unavailableReason(): string;
}

export const OUTPUT_KINDS: OutputKind[] = [
  {
    kind: 'alsa',
    matches: (n) => n.startsWith(ALSA_PREFIX),
    create: (n) => new AlsaOutputPlugin(n.slice(ALSA_PREFIX.length)),
    list: () => {
      if (!alsaStatus().available) return [];
      return listAlsaDevices().map((d) => ({
        name: ALSA_PREFIX + d.id,
        description: `${d.name}${d.description ? ` — ${d.description}` : ''}`,
        modes: d.shared ? ['shared'] : ['exclusive', 'shared'],
        isDefault: d.isDefault,
      }));
    },
    unavailableReason: () => alsaStatus().reason,
  },
  {
    kind: 'wasapi',
    matches: (n) => n.startsWith(WASAPI_PREFIX),
    create: (n) => new WasapiOutputPlugin(n.slice(WASAPI_PREFIX.length)),
    list: () => {
      if (!wasapiStatus().available) return [];
      return listWasapiDevices().map((d) => ({
        name: WASAPI_PREFIX + d.id,
        description: `${d.name} (WASAPI endpoint)`,
        modes: ['exclusive', 'shared'],
        isDefault: d.isDefault,
      }));
    },
    unavailableReason: () => wasapiStatus().reason,
  },
  {
    kind: 'file',
    matches: (n) => n.startsWith(FILE_PREFIX),
    create: (n) => new FileOutputPlugin(n.slice(FILE_PREFIX.length)),
    list: () => [],
    unavailableReason: () => '',
  },
  {
    kind: 'null',
    matches: (n) => n === 'null' || n === 'null:unpaced',
    create: (n) => new NullOutputPlugin(n, n === 'null'),
    list: () => [
      { name: 'null', description: 'discards the audio, paced at real time', modes: ['exclusive'], isDefault: false },
      { name: 'null:unpaced', description: 'discards the audio as fast as it comes', modes: ['exclusive'], isDefault: false },
    ],
    unavailableReason: () => '',
  },
];

/** The plugin for an output name; E_INVALID_ARGUMENT for a name no kind claims. */
export function outputPlugin(name: string): OutputPlugin {
  const kind = OUTPUT_KINDS.find((k) => k.matches(name));
  if (!kind) {
    throw new AurisError('E_INVALID_ARGUMENT', `unknown output ${JSON.stringify(name)}: use alsa:<pcm>, wasapi:<device>, file:<path>.wav or null`, { name });
  }
  return kind.create(name);
}

/** Every output of every available kind, each probed (probe errors are reported, not thrown). */
export async function listOutputs(options: { probe?: boolean } = {}): Promise<{ outputs: OutputListing[]; unavailable: { kind: string; reason: string }[] }> {
  const outputs: OutputListing[] = [];
  const unavailable: { kind: string; reason: string }[] = [];
  for (const kind of OUTPUT_KINDS) {
    const why = kind.unavailableReason();
    if (why) {
      unavailable.push({ kind: kind.kind, reason: why });
      continue;
    }
    for (const d of kind.list()) {
      let capabilities: OutputCapabilities | null = null;
      let error: { code: string; message: string } | null = null;
      if (options.probe !== false) {
        try {
          capabilities = await kind.create(d.name).capabilities();
        } catch (e) {
          const err = e as { code?: string; message?: string };
          error = { code: err.code ?? 'E_INTERNAL', message: err.message ?? String(e) };
        }
      }
      outputs.push({ ...d, capabilities, error });
    }
  }
  return { outputs, unavailable };
}
