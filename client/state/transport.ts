import { api, send } from '../api.ts';
import type { Transport } from './save-queue.ts';
import type { JsonObject } from '../../schemas/requests/shared.ts';

/** The save queue's requests, through the typed client. */
export function apiTransport(planId: string): Transport {
  const plan = api.plans[':planId'];
  return {
    saveCells: (cells) => send(plan.cells.$put({ param: { planId }, json: { cells } })),
    // The queue holds sections and rows of every kind, each parsed by its page with its own schema before it is
    // queued: the queue does not keep their types, the server parses them again.
    saveSection: (section, version, data) => send(plan.sections[':section'].$put({ param: { planId, section }, json: { version, data: data as JsonObject } })),
    saveRow(target, version, data, position) {
      const row = data as never;
      const json = position === undefined ? { version, data: row } : { version, data: row, position };
      switch (target.type) {
        case 'list':
          return send(plan.lists[':collection'][':rowId'].$put({ param: { planId, collection: target.collection, rowId: target.id }, json }));
        case 'transfer':
          return send(plan.transfers[':transferId'].$put({ param: { planId, transferId: target.id }, json }));
        case 'action':
          return send(plan.actions[':actionId'].$put({ param: { planId, actionId: target.id }, json }));
        case 'indicator':
          return send(api.plans[':planId'].indicators[':indicatorId'].$put({ param: { planId, indicatorId: target.id }, json }));
        case 'imputation':
          return send(plan['imputations'][':lineId'].$put({ param: { planId, lineId: target.id }, json: { version, data: row } }));
      }
    },
  };
}
