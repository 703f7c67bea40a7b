import { Hono } from 'hono';
import { allow, type AppEnv } from './access.ts';
import {
  CatalogueActionBody,
  CatalogueActionDeleteQuery,
  CatalogueActionParam,
  CreateProgrammeBody,
  ProgrammeParam,
  PublishProgrammeBody,
  ReplaceCatalogueBody,
  UpdateProgrammeBody,
} from '../../schemas/requests/programmes.ts';
import {
  createProgramme,
  deleteCatalogueAction,
  getCatalogue,
  getProgramme,
  listProgrammes,
  publishProgramme,
  putCatalogueAction,
  replaceCatalogue,
  updateProgramme,
} from '../services/programmes.ts';
import { validate } from './validate.ts';

/** The programmes and their catalogues, read by everyone signed in; an administrator writes the drafts. */
export function programmeRoutes() {
  return new Hono<AppEnv>()
    .get('/', allow('read'), (c) => c.json(listProgrammes(c.var.ctx)))
    .post('/', allow('manage-programmes'), validate('json', CreateProgrammeBody), (c) =>
      c.json(createProgramme({ ...c.var.ctx, input: c.req.valid('json') }), 201),
    )
    .get('/:programmeId', allow('read'), validate('param', ProgrammeParam), (c) => c.json(getProgramme({ ...c.var.ctx, ...c.req.valid('param') })))
    .put('/:programmeId', allow('manage-programmes'), validate('param', ProgrammeParam), validate('json', UpdateProgrammeBody), (c) =>
      c.json(updateProgramme({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .get('/:programmeId/catalogue', allow('read'), validate('param', ProgrammeParam), (c) => c.json(getCatalogue({ ...c.var.ctx, ...c.req.valid('param') })))
    .put('/:programmeId/catalogue', allow('manage-programmes'), validate('param', ProgrammeParam), validate('json', ReplaceCatalogueBody), (c) =>
      c.json(replaceCatalogue({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .put(
      '/:programmeId/catalogue/actions/:code',
      allow('manage-programmes'),
      validate('param', CatalogueActionParam),
      validate('json', CatalogueActionBody),
      (c) => c.json(putCatalogueAction({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .delete(
      '/:programmeId/catalogue/actions/:code',
      allow('manage-programmes'),
      validate('param', CatalogueActionParam),
      validate('query', CatalogueActionDeleteQuery),
      (c) => c.json(deleteCatalogueAction({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('query') })),
    )
    .post('/:programmeId/publish', allow('manage-programmes'), validate('param', ProgrammeParam), validate('json', PublishProgrammeBody), (c) =>
      c.json(publishProgramme({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    );
}
