// Runs inside Windows node.exe under Wine (bundled by scripts/win/wine.ts): the WASAPI output
// through the real addon and src/outputs, against the prefix's only endpoint, winealsa's
// `auriscap` (an ALSA file capture). Prints one JSON report on stdout; the Linux side
// (test/outputs/wasapi-wine.test.ts) asserts on it and on the capture files.

import { pcmFormat } from '../../src/audio/format.ts';
import { NativeOutput } from '../../src/outputs/native-output.ts';
import { writeAll } from '../../src/outputs/pump.ts';
import { outputPlugin } from '../../src/outputs/registry.ts';
import { WasapiOutputPlugin, listWasapiDevices, wasapiStatus } from '../../src/outputs/plugins/wasapi/index.ts';
import { isAurisError } from '../../src/util/errors.ts';
import { aurisFolders, isInsideRoot } from '../../src/util/platform-paths.ts';
import { WINE_CASES, payload } from './cases.ts';

/** An error as the report carries it. */
function errorJson(e: unknown): { code: string; message: string; details: unknown } {
  if (isAurisError(e)) return { code: e.code, message: e.message, details: e.details };
  return { code: 'NOT_AURIS', message: String((e as Error)?.stack ?? e), details: null };
}

async function attempt<T>(fn: () => Promise<T> | T): Promise<{ ok: true; value: T } | { ok: false; error: ReturnType<typeof errorJson> }> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: errorJson(e) };
  }
}

async function main(): Promise<void> {
  const report: Record<string, unknown> = { platform: process.platform, arch: process.arch, node: process.version };
  // Windows folders and paths as a real Windows process sees them (Wine's C: drive, Z: = Linux /).
  report.folders = aurisFolders();
  report.cwdInsideZ = isInsideRoot(process.cwd(), 'z:\\');
  report.status = wasapiStatus();
  report.devices = listWasapiDevices();
  const plugin = outputPlugin('wasapi:');
  if (!(plugin instanceof WasapiOutputPlugin)) throw new Error('wasapi: did not give the WASAPI plugin');
  report.capabilities = await plugin.capabilities();
  report.mixFormat = plugin.mixFormat();
  report.sharedCapabilities = await plugin.capabilities({ mode: 'shared' });

  const cases: unknown[] = [];
  for (const c of WINE_CASES) {
    const r = await attempt(async () => {
      const out = await plugin.open(c.format, c.mode, { strategy: c.strategy || undefined, container: c.container });
      if (!(out instanceof NativeOutput)) throw new Error('the WASAPI output is not a NativeOutput');
      await writeAll(out, payload(c));
      await out.drain();
      if (c.twice) {
        await writeAll(out, payload(c));
        await out.drain();
      }
      const stats = out.stats();
      await out.close();
      return { container: out.container, bitPerfect: out.bitPerfect, negotiated: out.negotiated, stage: out.stage, stats, volume: out.volume };
    });
    cases.push({ id: c.id, ...r });
  }
  report.cases = cases;

  // Wine implements no event-driven exclusive mode: asking for it alone must fail, typed.
  report.eventOnly = await attempt(() => plugin.open(pcmFormat(32000, 2, 16), 'exclusive', { strategy: 'event' }).then((o) => o.close()));
  report.sharedNotMix = await attempt(() => plugin.open(pcmFormat(32000, 2, 16), 'shared').then((o) => o.close()));
  report.unknownEndpoint = await attempt(() =>
    outputPlugin('wasapi:{0.0.0.00000000}.{00000000-0000-0000-0000-000000000000}').open(pcmFormat(32000, 2, 16), 'exclusive').then((o) => o.close()));
  report.byName = await attempt(async () => {
    const o = await outputPlugin('wasapi:name=Out: auriscap').open(pcmFormat(32000, 2, 16), 'exclusive', { strategy: 'push' });
    const name = o.name;
    await o.close();
    return name;
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

await main();
