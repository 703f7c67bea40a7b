import { Hono } from 'hono';
import {
  createImputation,
  deleteImputation,
  getReconciliation,
  importImputationFile,
  justifyFinding,
  recordBudgetVersion,
  removeJustification,
  updateImputation,
} from '../services/finance.ts';
import { allow, type AppEnv } from './access.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import {
  ImputationParam,
  CreateImputationBody,
  CreateBudgetVersionBody,
  ImportImputationsForm,
  JustificationQuery,
  JustifyBody,
  ReconciliationQuery,
  UpdateImputationBody,
} from '../../schemas/requests/finance.ts';
import { DeleteQuery, PlanParam, isDetach } from '../../schemas/requests/shared.ts';
import { validate } from './validate.ts';

/** The finance officer's records: budget versions, E-compte imputations (rows and file import), justifications, reconciliation. */
export function financeRoutes() {
  return new Hono<AppEnv>()
    .post('/:planId/budget-versions', allow(WRITE_CAPABILITIES.budgetVersion), validate('param', PlanParam), validate('json', CreateBudgetVersionBody), (c) =>
      c.json(recordBudgetVersion({ ...c.var.ctx, planId: c.req.valid('param').planId, data: c.req.valid('json').data }), 201),
    )
    .post('/:planId/imputations', allow(WRITE_CAPABILITIES.imputationLine), validate('param', PlanParam), validate('json', CreateImputationBody), (c) =>
      c.json(createImputation({ ...c.var.ctx, planId: c.req.valid('param').planId, data: c.req.valid('json').data }), 201),
    )
    .post(
      '/:planId/imputations/import',
      allow(WRITE_CAPABILITIES.imputationLine),
      validate('param', PlanParam),
      validate('form', ImportImputationsForm),
      async (c) => {
        const { file, apply, fingerprint } = c.req.valid('form');
        const bytes = new Uint8Array(await file.arrayBuffer());
        return c.json(
          await importImputationFile({
            ...c.var.ctx,
            origin: 'import',
            planId: c.req.valid('param').planId,
            bytes,
            apply: apply === 'true',
            fingerprint: fingerprint ?? null,
          }),
        );
      },
    )
    .put(
      '/:planId/imputations/:lineId',
      allow(WRITE_CAPABILITIES.imputationLine),
      validate('param', ImputationParam),
      validate('json', UpdateImputationBody),
      (c) => c.json(updateImputation({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') })),
    )
    .delete(
      '/:planId/imputations/:lineId',
      allow(WRITE_CAPABILITIES.imputationLine),
      validate('param', ImputationParam),
      validate('query', DeleteQuery),
      (c) => {
        deleteImputation({ ...c.var.ctx, ...c.req.valid('param'), version: c.req.valid('query').version, detach: isDetach(c.req.valid('query')) });
        return c.body(null, 204);
      },
    )
    .put('/:planId/justifications', allow(WRITE_CAPABILITIES.justification), validate('param', PlanParam), validate('json', JustifyBody), (c) =>
      c.json(justifyFinding({ ...c.var.ctx, planId: c.req.valid('param').planId, ...c.req.valid('json') })),
    )
    .delete('/:planId/justifications', allow(WRITE_CAPABILITIES.justification), validate('param', PlanParam), validate('query', JustificationQuery), (c) => {
      removeJustification({ ...c.var.ctx, planId: c.req.valid('param').planId, ...c.req.valid('query') });
      return c.body(null, 204);
    })
    .get('/:planId/reconciliation', allow('read'), validate('param', PlanParam), validate('query', ReconciliationQuery), (c) =>
      c.json(getReconciliation({ ...c.var.ctx, planId: c.req.valid('param').planId, annee: c.req.valid('query').annee })),
    );
}
