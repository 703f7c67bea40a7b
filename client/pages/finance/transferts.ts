import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import { financeLinePath, indicatorValuePath, transferPath, transferYearPath } from '../../../schemas/plan-path.ts';
import { RECONCILIATION_STATUS_LABELS } from '../../../schemas/finance.ts';
import { formatBelgianNumber, formatUnitValue, unitBounds, unitScale } from '../../../schemas/numbers.ts';
import { h } from '../../dom.ts';
import { createGrid } from '../../grid/grid.ts';
import type { Column } from '../../grid/columns.ts';
import { ficheHref, financeHref, sectionHref } from '../../router.ts';
import type { Page, PageContext } from '../context.ts';
import { yearSelector } from './common.ts';
import { permissionsOf } from '../../state/permissions.ts';
import type { CellOp } from '../../state/save-queue.ts';
import { valueCells, watchRefusals } from '../value-cells.ts';
import { createTransfertsModel, type ConventionRow, type TransfertsModel, type YearRow } from './transferts-model.ts';

/**
 * "Transferts par année", the view: the grids of `transferts-model.ts` — what each partner receives in each programme
 * year (a blank year shows the fiche plan's annual amount greyed), then, for the chosen year, the convention amount
 * and the part du budget of each fiche the partner operates, edited next to the transfer they must match.
 */

const TRANSFER_GRID_LABEL = 'Transferts par partenaire et par année';
const CONVENTION_GRID_LABEL = 'Conventions des fiches liées aux partenaires';

export function renderTransfertsParAnnee(ctx: PageContext, year: number): Page {
  const { store, queue, planId } = ctx;
  const years = store.years;
  const model = createTransfertsModel({ store, year });
  const permissions = permissionsOf(store);
  const save = (cells: CellOp[]) => {
    if (cells.length === 0) return;
    queue.enqueue({ kind: 'cells', cells });
    store.emit('local');
  };

  // ——— Transfers per year ———
  const pathOf = (row: YearRow, key: string) =>
    row.kind !== 'partner'
      ? null
      : /^\d{4}$/.test(key)
        ? transferYearPath(row.transfer.id, key)
        : key === 'montant'
          ? transferPath(row.transfer.id, 'montant')
          : null;
  const values = valueCells<YearRow>(ctx, pathOf);
  const transfersHost = h('div', { class: 'grid-host', 'data-path': 'transferts' });
  let rows = model.yearRows();
  const grid = createGrid<YearRow>(transfersHost, {
    label: TRANSFER_GRID_LABEL,
    columns: transferColumns(model),
    rows,
    fixedColumns: 1,
    fixedRowsBottom: 4,
    height: Math.min(620, 34 + rows.length * 29 + 18),
    rowClassName: (row) => (row.kind === 'sum' ? 'row-total' : row.kind === 'budget' ? 'row-budget' : undefined),
    rowLabel: (row) => (row.kind === 'partner' ? row.transfer.partenaire : row.label),
    canEdit: (row, key) =>
      row.kind !== 'partner' || !/^\d{4}$/.test(key) || permissions.canSave(WRITE_CAPABILITIES.cells, transferYearPath(row.transfer.id, key)),
    ...values.options,
    onChange: (changes) => save(model.editTransfers(changes)),
  });
  const unwatchReview = values.watch(grid);
  const refusals = watchRefusals(ctx, grid, () =>
    rows.flatMap((r, rowIndex) =>
      r.kind === 'partner' ? years.map((y) => ({ rowIndex, key: String(y), cell: { grid: 'transfer', row: r.transfer.id, period: String(y) } })) : [],
    ),
  );

  // ——— Conventions of the chosen year ———
  let conventionRows = model.conventionRows();
  const conventionsHost = h('div', { class: 'grid-host', 'data-path': financeLinePath(year, 'conventions') });
  const conventionGrid = createGrid<ConventionRow>(conventionsHost, {
    label: CONVENTION_GRID_LABEL,
    columns: conventionColumns(model),
    rows: conventionRows,
    fixedColumns: 2,
    height: Math.min(560, 34 + Math.max(conventionRows.length, 1) * 29 + 18),
    rowClassName: (r) => (r.first ? 'group-first' : undefined),
    canEdit: (r, key) => {
      const id = model.indicatorOf(r, key);
      return id === null || permissions.canSave(WRITE_CAPABILITIES.cells, indicatorValuePath(r.action.actionId, id, year, 'target'));
    },
    onChange: (changes) => save(model.editConventions(changes)),
  });

  const el = pageView(model, planId, transfersHost, conventionsHost, conventionRows);
  return {
    el,
    refresh() {
      model.refreshPartners();
      const nextRows = model.yearRows();
      if (nextRows.length !== rows.length) {
        rows = nextRows;
        grid.setRows(rows);
        refusals.mark();
      } else {
        grid.refresh();
      }
      const nextConventions = model.conventionRows();
      if (nextConventions.length !== conventionRows.length) {
        conventionRows = nextConventions;
        conventionGrid.setRows(conventionRows);
      } else {
        conventionGrid.refresh();
      }
    },
    focus(path) {
      const m = /^transferts\.(\d+)/.exec(path);
      if (m) {
        grid.focusCell(Number(m[1]), String(year));
        return true;
      }
      return false;
    },
    dispose() {
      unwatchReview();
      refusals.stop();
      grid.destroy();
      conventionGrid.destroy();
    },
  };
}

/** The page around the two grids: the transfers, then the conventions of the year and the fiches lacking a line. */
function pageView(model: TransfertsModel, planId: string, transfersHost: HTMLElement, conventionsHost: HTMLElement, conventionRows: readonly ConventionRow[]) {
  const { year } = model;
  const fichesList = h(
    'ul',
    { class: 'inline-links' },
    model.fichesMissingLines(conventionRows).map((r) => h('li', null, h('a', { href: ficheHref(planId, r.action.actionId) }, r.action.label))),
  );
  return h(
    'article',
    { class: 'section-page wide finance-page', 'data-testid': 'transferts-page' },
    h('div', { class: 'finance-title' }, h('h1', null, 'Transferts par année'), yearSelector(planId, 'transferts', model.years, year)),
    h(
      'p',
      { class: 'hint' },
      'Le montant transféré à chaque partenaire, année par année (ex. 35.082,00). ',
      h('span', { class: 'placeholder-sample' }, 'En gris'),
      ' : case vide, le montant annuel de la fiche plan s’applique. Les montants annuels se modifient dans ',
      h('a', { href: sectionHref(planId, 'transferts') }, 'Transferts par partenaire (fiche plan)'),
      '.',
    ),
    transfersHost,
    h(
      'section',
      { 'aria-labelledby': 'conventions-title' },
      h('h2', { id: 'conventions-title' }, `Conventions des fiches liées — ${year}`),
      h(
        'p',
        { class: 'hint' },
        `Pour ${year}, le montant de convention (€) et la part du budget PCS (%) de chaque fiche liée à un partenaire : cibles ${year} de la fiche. `,
        'La somme des conventions doit égaler le transfert, à moins de 1 € par fiche près (arrondi des fiches). ',
        'Une case « pas de ligne » : la fiche n’a pas cet indicateur ; ajoutez-le dans la fiche.',
      ),
      conventionsHost,
      fichesList.childElementCount ? h('details', null, h('summary', null, 'Fiches sans ligne de convention ou de part du budget'), fichesList) : null,
      h('p', null, h('a', { href: financeHref(planId, 'rapprochement', year) }, `Voir le rapprochement ${year}`)),
    ),
  );
}

/** Partner, art.20, the fiche plan's annual amount, then one column per programme year (the chosen one highlighted). */
function transferColumns(model: TransfertsModel): Column<YearRow>[] {
  const yearColumns = model.years.map(
    (y): Column<YearRow> => ({
      key: String(y),
      title: String(y),
      kind: 'number',
      scale: 2,
      width: 100,
      series: true,
      get: (row) => model.yearValue(row, y),
      readOnly: (row) => row.kind !== 'partner',
      computed: (row) => row.kind !== 'partner',
      placeholder: (row) => (row.kind === 'partner' && row.transfer.montant !== null ? formatBelgianNumber(row.transfer.montant, 2) : null),
      note: (row) => model.yearNote(row, y),
      className: (row) => {
        const classes = [y === model.year ? 'selected-year' : ''];
        // Σ of the year against the budget line it must equal.
        if (row.kind === 'sum') classes.push(model.sumAgreement(row, y) ?? '');
        return classes.filter(Boolean).join(' ') || undefined;
      },
      check: (v) => model.checkAmount(v),
    }),
  );
  return [
    { key: 'partenaire', title: 'Partenaire', kind: 'text', readOnly: true, width: 200, get: (r) => (r.kind === 'partner' ? r.transfer.partenaire : r.label) },
    { key: 'art20', title: 'Art.20', kind: 'yesno', readOnly: true, width: 58, get: (r) => (r.kind === 'partner' ? r.transfer.art20 : null) },
    { key: 'montant', title: 'Annuel (fiche plan)', kind: 'number', scale: 2, width: 134, readOnly: true, get: (r) => model.annualValue(r) },
    ...yearColumns,
  ];
}

/** Partner, fiche, the fiche's convention and part du budget of the year, then the partner's transfer, Σ, gap and status. */
function conventionColumns(model: TransfertsModel): Column<ConventionRow>[] {
  const { year } = model;
  const targetColumn = (key: 'convention' | 'partBudget', title: string, missing: string): Column<ConventionRow> => {
    const unitOf = (r: ConventionRow) => model.unitOf(model.indicatorOf(r, key));
    return {
      key,
      title,
      kind: 'number',
      width: key === 'convention' ? 110 : 100,
      scale: (r) => unitScale(unitOf(r) ?? (key === 'convention' ? 'money' : 'percent')),
      format: (v, r) => {
        const unit = unitOf(r);
        return unit === 'money' ? formatBelgianNumber(v, 2) : unit ? formatUnitValue(v, unit) : String(v);
      },
      get: (r) => model.targetValue(r, key),
      readOnly: (r) => model.indicatorOf(r, key) === null,
      placeholder: (r) => (model.indicatorOf(r, key) === null ? 'pas de ligne' : null),
      note: (r) => (model.indicatorOf(r, key) === null ? missing : `Cible ${year} de la fiche (indicateur standard)`),
      check: (v, r) => {
        const unit = unitOf(r);
        if (typeof v !== 'number' || !unit) return null;
        const { min, max } = unitBounds(unit);
        return v < min || v > max ? 'Valeur hors des limites de l’indicateur' : null;
      },
    };
  };
  return [
    { key: 'partenaire', title: 'Partenaire', kind: 'text', readOnly: true, width: 140, get: (r) => (r.first ? r.partenaire : '') },
    { key: 'fiche', title: 'Fiche liée', kind: 'text', readOnly: true, width: 180, get: (r) => r.action.label.replace(/^Fiche /, '') },
    targetColumn(
      'convention',
      'Convention (€)',
      'La fiche n’a pas de ligne « Montant du transfert financier dans le cadre d’une convention » : ajoutez l’indicateur dans la fiche pour le saisir.',
    ),
    targetColumn(
      'partBudget',
      'Part budget (%)',
      'La fiche n’a pas de ligne « Part du budget PCS affecté à l’action » : ajoutez l’indicateur dans la fiche pour la saisir.',
    ),
    {
      key: 'transfer',
      title: 'Transfert (€)',
      kind: 'number',
      scale: 2,
      readOnly: true,
      width: 105,
      get: (r) => model.partnerFigure(r, (p) => p.transfer.amount),
    },
    { key: 'sum', title: 'Σ conv. (€)', kind: 'number', scale: 2, readOnly: true, width: 105, get: (r) => model.partnerFigure(r, (p) => p.conventionsSum) },
    { key: 'difference', title: 'Écart (€)', kind: 'number', scale: 2, readOnly: true, width: 90, get: (r) => model.partnerFigure(r, (p) => p.difference) },
    {
      key: 'status',
      title: 'Statut',
      kind: 'text',
      readOnly: true,
      width: 125,
      get: (r) => {
        const status = model.partnerStatus(r);
        return status ? RECONCILIATION_STATUS_LABELS[status] : '';
      },
      className: (r) => {
        const status = model.partnerStatus(r);
        return status ? `status-${status}` : undefined;
      },
    },
  ];
}
