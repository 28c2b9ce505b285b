// Volume, outputs, settings and doctor: the core's VolumeApi, OutputsApi, SettingsApi one for one.

import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AurisCore } from '../../core/api.ts';
import { diagnose, gatherFacts } from '../../core/doctor.ts';
import type { OutputListingWire } from '../../protocol/formats.ts';
import { OutputSelectSchema, OutputVerifyRequestSchema, VolumeRequestSchema, type DoctorFindingWire } from '../../protocol/http.ts';
import { SettingsPatchSchema } from '../../protocol/settings.ts';
import { checkEqPreset, checkOutputName } from '../sources.ts';
import { parseRequest } from '../validate.ts';

/** The file offered in the capture folder. */
export const CAPTURE_FILE = 'capture.wav';

/**
 * `fileOutputDir`: the only folder a `file:` output chosen here may write to (null: none), see
 * checkOutputName; `dataFolder`: the only folder an EQ preset chosen here may be read from, see checkEqPreset.
 */
export function systemRoutes(app: FastifyInstance, core: AurisCore, fileOutputDir: string | null, dataFolder: string | null): void {
  app.get('/api/volume', async () => ({ db: core.volume.get() }));
  app.put('/api/volume', async (req) => {
    const { db } = parseRequest(VolumeRequestSchema, req.body, 'volume');
    await core.volume.set(db);
    return { db: core.volume.get() };
  });

  /**
   * The core's outputs, plus a WAV file in the capture folder when none of them is there yet: the
   * one file output this server lets its clients choose, offered where they choose outputs.
   */
  app.get('/api/outputs', async (): Promise<OutputListingWire[]> => {
    const listed = await core.outputs.list();
    if (fileOutputDir === null) return listed;
    const inFolder = (o: OutputListingWire): boolean => o.name.startsWith('file:') && path.dirname(o.name.slice('file:'.length)) === fileOutputDir;
    if (listed.some(inFolder)) return listed;
    return [...listed, {
      name: `file:${path.join(fileOutputDir, CAPTURE_FILE)}`, description: 'WAV file in the capture folder: exactly the bytes a device would get',
      modes: ['exclusive'], isDefault: false, selected: false,
      capabilities: { formats: 'any', rateRange: null, hardwareVolume: false }, error: null,
    }];
  });
  app.post('/api/outputs/select', async (req, reply) => {
    const { name, mode } = parseRequest(OutputSelectSchema, req.body, 'output select');
    checkOutputName(name, fileOutputDir);
    await core.outputs.select(name, mode);
    return reply.code(204).send();
  });

  /** Plays the test signal into an output (default: the settings'); a file: output only in the capture folder, as for select. */
  app.post('/api/outputs/verify', async (req) => {
    const request = parseRequest(OutputVerifyRequestSchema, req.body, 'output verify');
    checkOutputName(request.name ?? core.settings.get().output.name, fileOutputDir);
    return core.outputs.verify(request);
  });

  app.get('/api/settings', async () => core.settings.get());
  app.patch('/api/settings', async (req) => {
    const patch = parseRequest(SettingsPatchSchema, req.body, 'settings');
    if (patch.output?.name !== undefined) checkOutputName(patch.output.name, fileOutputDir);
    if (typeof patch.dsp?.eqPreset === 'string') checkEqPreset(patch.dsp.eqPreset, dataFolder);
    return core.settings.update(patch);
  });

  app.get('/api/doctor', async (): Promise<{ findings: DoctorFindingWire[] }> => ({ findings: diagnose(await gatherFacts()) }));
}
