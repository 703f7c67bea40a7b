import { Hono } from 'hono';
import { z } from 'zod';
import { BookedImportFormSchema } from '../../schemas/booked-import.ts';
import { RowId, Version } from '../../schemas/primitives.ts';
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
import { CreateBody, EditBody, PlanParam, VersionQuery, DeleteQuery, isDetach, validate } from './validate.ts';

const LineParam = z.object({ planId: RowId, lineId: RowId });
const YearQuery = z.object({ annee: z.coerce.number().int().min(2000).max(2100).optional() }).strict();
const JustificationQuery = VersionQuery.extend({ cle: z.string().min(1).max(400) });

/** The finance officer's records: budget versions, E-compte imputations (rows and file import), justifications, reconciliation. */
export function financeRoutes() {
  return new Hono<AppEnv>()
    .post('/:planId/budget-versions', allow(WRITE_CAPABILITIES.budgetVersion), validate('param', PlanParam), validate('json', CreateBody), (c) =>
      c.json(recordBudgetVersion({ ...c.var.ctx, planId: c.req.valid('param').planId, data: c.req.valid('json').data }), 201),
    )
    .post('/:planId/booked-lines', allow(WRITE_CAPABILITIES.bookedLine), validate('param', PlanParam), validate('json', CreateBody), (c) =>
      c.json(createBookedLine({ ...c.var.ctx, planId: c.req.valid('param').planId, data: c.req.valid('json').data }), 201),
    )
    .post(
      '/:planId/booked-lines/import',
      allow(WRITE_CAPABILITIES.bookedLine),
      validate('param', PlanParam),
      validate('form', BookedImportFormSchema),
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
      validate('param', LineParam),
      validate('json', EditBody.omit({ position: true })),
      (c) => c.json(updateBookedLine({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') })),
    )
    .delete('/:planId/booked-lines/:lineId', allow(WRITE_CAPABILITIES.bookedLine), validate('param', LineParam), validate('query', DeleteQuery), (c) => {
      deleteBookedLine({ ...c.var.ctx, ...c.req.valid('param'), version: c.req.valid('query').version, detach: isDetach(c.req.valid('query')) });
      return c.body(null, 204);
    })
    .put(
      '/:planId/justifications',
      allow(WRITE_CAPABILITIES.justification),
      validate('param', PlanParam),
      validate('json', z.object({ version: Version, data: z.unknown() }).strict()),
      (c) => c.json(justifyFinding({ ...c.var.ctx, planId: c.req.valid('param').planId, ...c.req.valid('json') })),
    )
    .delete('/:planId/justifications', allow(WRITE_CAPABILITIES.justification), validate('param', PlanParam), validate('query', JustificationQuery), (c) => {
      removeJustification({ ...c.var.ctx, planId: c.req.valid('param').planId, ...c.req.valid('query') });
      return c.body(null, 204);
    })
    .get('/:planId/reconciliation', allow('read'), validate('param', PlanParam), validate('query', YearQuery), (c) =>
      c.json(getReconciliation({ ...c.var.ctx, planId: c.req.valid('param').planId, annee: c.req.valid('query').annee })),
    );
}
