import { deleteQuery } from '../references.ts';
import { TransferFieldsSchema, type Transfer } from '../../../schemas/transfer.ts';
import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import { formatEuros } from '../../../schemas/numbers.ts';
import { computeBudgetFigures } from '../../../schemas/budget.ts';
import { api, send } from '../../api.ts';
import { h } from '../../dom.ts';
import type { Column } from '../../grid/columns.ts';
import { focusPath, type Page, type PageContext } from '../context.ts';
import { rowsEditor } from '../rows-editor.ts';
import { totalsBox, type Figure } from '../totals.ts';

/** "Ventilation des transferts par partenaire": amount per partner, art.20 or not, and their totals. */
export function transferFigures(ctx: PageContext): Figure[] {
  const { plan } = ctx.store;
  const figures = computeBudgetFigures(plan);
  const total = figures.transfersSum ?? 0;
  const art20 = figures.art20Sum ?? 0;
  const line = plan.budget.depenses.subventionsInstitutions;
  const art20Budget = plan.budget.recettes.subventionsArt20;
  return [
    { label: 'Total des transferts', value: formatEuros(total), testId: 'total-transferts' },
    {
      label: 'Budget, dépenses « Subventions aux institutions et associations »',
      value: line === null ? 'non renseigné' : formatEuros(line),
      status: line === null ? undefined : line === total ? 'ok' : 'error',
      note: line === null || line === total ? undefined : `écart ${formatEuros(Math.abs(line - total))}`,
    },
    { label: 'Dont transferts art.20', value: formatEuros(art20), testId: 'total-art20' },
    {
      label: 'Budget, recettes « Subvention(s) art.20 »',
      value: art20Budget === null ? 'non renseigné' : formatEuros(art20Budget),
      status: art20Budget === null ? undefined : art20Budget === art20 ? 'ok' : 'error',
      note: art20Budget === null || art20Budget === art20 ? undefined : `écart ${formatEuros(Math.abs(art20Budget - art20))}`,
    },
  ];
}

export function renderTransferts(ctx: PageContext): Page {
  const { planId } = ctx;
  const columns: Column<Transfer>[] = [
    { key: 'partenaire', title: 'Partenaire', kind: 'text', maxLength: 300, width: 340 },
    { key: 'art20', title: 'Art.20', kind: 'yesno', width: 80 },
    { key: 'montant', title: 'Montant (€)', kind: 'number', scale: 2, width: 140 },
  ];
  const totals = totalsBox('Totaux');
  const editor = rowsEditor<Transfer>({
    ctx,
    label: 'Ventilation des transferts par partenaire',
    path: 'transferts',
    columns,
    rows: () => ctx.store.plan.transferts,
    target: (row) => ({ type: 'transfer', id: row.id }),
    schema: TransferFieldsSchema,
    create: {
      field: 'partenaire',
      label: 'Nom du partenaire',
      send: async (data) =>
        (await send(api.plans[':planId'].transfers.$post({ param: { planId }, json: { data: { partenaire: String(data.partenaire) } } }))) as Transfer,
    },
    remove: async (row, detacher) => {
      await send(api.plans[':planId'].transfers[':transferId'].$delete({ param: { planId, transferId: row.id }, query: deleteQuery(row.version, detacher) }));
    },
    describe: (row) => `le transfert à « ${row.partenaire} »`,
    capability: WRITE_CAPABILITIES.transfer,
  });
  const refresh = () => totals.update(transferFigures(ctx));
  refresh();
  const el = h('article', { class: 'section-page' }, h('h1', null, 'Ventilation des transferts par partenaire'), editor.el, totals.el);
  return {
    el,
    refresh,
    focus(path) {
      const m = /^transferts\.(\d+)(?:\.(\w+))?/.exec(path);
      if (m) {
        editor.focusRow(Number(m[1]), m[2]);
        return true;
      }
      return focusPath(el, path);
    },
    dispose: () => editor.grid.destroy(),
  };
}
