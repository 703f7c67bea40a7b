import { Hono } from 'hono';
import {
  createBookedLine,
  deleteBookedLine,
  getReconciliation,
  importBookedFile,
  justifyFinding,
  recordBudgetVersion,
  removeJustification,
  updateBookedLine,
} from '../services/finance.ts';
import { allow, type AppEnv } from './access.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import {
  BookedLineParam,
  CreateBookedLineBody,
  CreateBudgetVersionBody,
  ImportBookedLinesForm,
  JustificationQuery,
  JustifyBody,
  ReconciliationQuery,
  UpdateBookedLineBody,
} from '../../schemas/requests/finance.ts';
import { DeleteQuery, PlanParam, isDetach } from '../../schemas/requests/shared.ts';
import { validate } from './validate.ts';

/** The finance officer's records: budget versions, E-compte imputations (rows and file import), justifications, reconciliation. */
export function financeRoutes() {
  return new Hono<AppEnv>()
    .post('/:planId/budget-versions', allow(WRITE_CAPABILITIES.budgetVersion), validate('param', PlanParam), validate('json', CreateBudgetVersionBody), (c) =>
      c.json(recordBudgetVersion({ ...c.var.ctx, planId: c.req.valid('param').planId, data: c.req.valid('json').data }), 201),
    )
    .post('/:planId/booked-lines', allow(WRITE_CAPABILITIES.bookedLine), validate('param', PlanParam), validate('json', CreateBookedLineBody), (c) =>
      c.json(createBookedLine({ ...c.var.ctx, planId: c.req.valid('param').planId, data: c.req.valid('json').data }), 201),
    )
    .post(
      '/:planId/booked-lines/import',
      allow(WRITE_CAPABILITIES.bookedLine),
      validate('param', PlanParam),
      validate('form', ImportBookedLinesForm),
      async (c) => {
        const { file, apply, fingerprint } = c.req.valid('form');
        const bytes = new Uint8Array(await file.arrayBuffer());
        return c.json(
          await importBookedFile({
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
      '/:planId/booked-lines/:lineId',
      allow(WRITE_CAPABILITIES.bookedLine),
      validate('param', BookedLineParam),
      validate('json', UpdateBookedLineBody),
      (c) => c.json(updateBookedLine({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') })),
    )
    .delete('/:planId/booked-lines/:lineId', allow(WRITE_CAPABILITIES.bookedLine), validate('param', BookedLineParam), validate('query', DeleteQuery), (c) => {
      deleteBookedLine({ ...c.var.ctx, ...c.req.valid('param'), version: c.req.valid('query').version, detach: isDetach(c.req.valid('query')) });
      return c.body(null, 204);
    })
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
