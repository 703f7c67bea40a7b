import { Hono } from 'hono';
import { createCollectionRow, createTransfer, deleteCollectionRow, deleteTransfer, updateCollectionRow, updateTransfer } from '../services/collections.ts';
import { allow, type AppEnv } from './access.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import {
  CreateListRowBody,
  CreateTransferBody,
  ListParam,
  ListRowParam,
  TransferParam,
  UpdateListRowBody,
  UpdateTransferBody,
} from '../../schemas/requests/lists.ts';
import { DeleteQuery, PlanParam, isDetach } from '../../schemas/requests/shared.ts';
import { validate } from './validate.ts';

/** Rows of the fiche plan's lists (team, trainings, meetings, partner cards) and partner transfers. */
export function listRoutes() {
  return new Hono<AppEnv>()
    .post('/:planId/lists/:collection', allow(WRITE_CAPABILITIES.listRow), validate('param', ListParam), validate('json', CreateListRowBody), (c) =>
      c.json(createCollectionRow({ ...c.var.ctx, ...c.req.valid('param'), data: c.req.valid('json').data }), 201),
    )
    .put('/:planId/lists/:collection/:rowId', allow(WRITE_CAPABILITIES.listRow), validate('param', ListRowParam), validate('json', UpdateListRowBody), (c) =>
      c.json(updateCollectionRow({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') })),
    )
    .delete('/:planId/lists/:collection/:rowId', allow(WRITE_CAPABILITIES.listRow), validate('param', ListRowParam), validate('query', DeleteQuery), (c) => {
      deleteCollectionRow({ ...c.var.ctx, ...c.req.valid('param'), version: c.req.valid('query').version, detach: isDetach(c.req.valid('query')) });
      return c.body(null, 204);
    })
    .post('/:planId/transfers', allow(WRITE_CAPABILITIES.transfer), validate('param', PlanParam), validate('json', CreateTransferBody), (c) =>
      c.json(createTransfer({ ...c.var.ctx, planId: c.req.valid('param').planId, data: c.req.valid('json').data }), 201),
    )
    .put('/:planId/transfers/:transferId', allow(WRITE_CAPABILITIES.transfer), validate('param', TransferParam), validate('json', UpdateTransferBody), (c) =>
      c.json(updateTransfer({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') })),
    )
    .delete('/:planId/transfers/:transferId', allow(WRITE_CAPABILITIES.transfer), validate('param', TransferParam), validate('query', DeleteQuery), (c) => {
      deleteTransfer({ ...c.var.ctx, ...c.req.valid('param'), version: c.req.valid('query').version, detach: isDetach(c.req.valid('query')) });
      return c.body(null, 204);
    });
}
