// The EQ editor (web/src/views/eq.tsx): the current EQ, saving the editor's preset, importing
// Equalizer APO / AutoEq text, and the response plot, each one call of src/core/eq.ts.

import type { FastifyInstance } from 'fastify';
import type { AurisCore } from '../../core/api.ts';
import { eqResponseCurve, eqState, importEqText, saveCustomEq } from '../../core/eq.ts';
import { EqImportSchema, EqResponseRequestSchema, EqSaveSchema, type EqResponseWire } from '../../protocol/http.ts';
import { AurisError } from '../../util/errors.ts';
import { parseRequest } from '../validate.ts';

/** `dataFolder`: where PUT /api/eq saves; null (a core without one) answers PUT with E_STATE. */
export function eqRoutes(app: FastifyInstance, core: AurisCore, dataFolder: string | null): void {
  app.get('/api/eq', async () => eqState(core));
  app.put('/api/eq', async (req) => {
    const edit = parseRequest(EqSaveSchema, req.body, 'eq');
    if (dataFolder === null) throw new AurisError('E_STATE', 'this server has no data folder to save an EQ preset in');
    return saveCustomEq(core, dataFolder, edit);
  });
  app.post('/api/eq/import', async (req) => {
    const { text, name } = parseRequest(EqImportSchema, req.body, 'eq import');
    return importEqText(text, name);
  });
  app.post('/api/eq/response', async (req): Promise<EqResponseWire> => {
    const { settings, points, rate } = parseRequest(EqResponseRequestSchema, req.body, 'eq response');
    return eqResponseCurve(settings, points, rate);
  });
}
