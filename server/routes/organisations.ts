import { Hono } from 'hono';
import { allow, type AppEnv } from './access.ts';
import { CreateOrganisationBody, CreateOrganisationPlanBody, OrganisationParam, UpdateOrganisationBody } from '../../schemas/requests/organisations.ts';
import { createOrganisation, getOrganisation, listOrganisations, updateOrganisation } from '../services/organisations.ts';
import { createPlan } from '../services/plans.ts';
import { validate } from './validate.ts';

/** Communes, associations of communes and CPAS, kept by an administrator or the DiCS; a plan created for one. */
export function organisationRoutes() {
  return new Hono<AppEnv>()
    .get('/', allow('manage-organisations'), (c) => c.json(listOrganisations(c.var.ctx)))
    .post('/', allow('manage-organisations'), validate('json', CreateOrganisationBody), (c) =>
      c.json(createOrganisation({ ...c.var.ctx, input: c.req.valid('json') }), 201),
    )
    .get('/:organisationId', allow('manage-organisations'), validate('param', OrganisationParam), (c) =>
      c.json(getOrganisation({ ...c.var.ctx, ...c.req.valid('param') })),
    )
    .put('/:organisationId', allow('manage-organisations'), validate('param', OrganisationParam), validate('json', UpdateOrganisationBody), (c) =>
      c.json(updateOrganisation({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') })),
    )
    .post('/:organisationId/plans', allow('manage-organisations'), validate('param', OrganisationParam), validate('json', CreateOrganisationPlanBody), (c) =>
      c.json(createPlan({ ...c.var.ctx, input: { ...c.req.valid('json'), organisationId: c.req.valid('param').organisationId } }), 201),
    );
}
