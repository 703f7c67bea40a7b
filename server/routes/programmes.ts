import { Hono } from 'hono';
import { allow, type AppEnv } from './access.ts';
import { ProgrammeParam } from '../../schemas/requests/programmes.ts';
import { getCatalogue, listProgrammes } from '../services/programmes.ts';
import { validate } from './validate.ts';

/** The programmes and their catalogues, read by everyone signed in. */
export function programmeRoutes() {
  return new Hono<AppEnv>()
    .get('/', allow('read'), (c) => c.json(listProgrammes(c.var.ctx)))
    .get('/:programmeId/catalogue', allow('read'), validate('param', ProgrammeParam), (c) => c.json(getCatalogue({ ...c.var.ctx, ...c.req.valid('param') })));
}
