import { computeBudgetFigures } from '../../../schemas/budget.ts';
import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import { RECONCILIATION_STATUS_LABELS, budgetOfYear, reconcileYear, type PartnerActionFigures, type PartnerReconciliation } from '../../../schemas/finance.ts';
import { MAX_CENTS, formatBelgianNumber, formatEuros, formatUnitValue, unitBounds, unitScale } from '../../../schemas/numbers.ts';
import type { Transfer } from '../../../schemas/transfer.ts';
import { h } from '../../dom.ts';
import { createGrid } from '../../grid/grid.ts';
import type { Column } from '../../grid/columns.ts';
import { ficheHref, financeHref, sectionHref } from '../../router.ts';
import type { CellOp } from '../../state/save-queue.ts';
import type { Page, PageContext } from '../context.ts';
import { yearSelector } from './common.ts';
import { permissionsOf } from '../../state/permissions.ts';
import { valueCells, watchRefusals } from '../value-cells.ts';

/**
 * "Transferts par année": what each partner receives in each programme year. A blank year means the fiche plan's
 * annual amount (shown greyed in the cell); a typed amount replaces it for that year only. Below, for the chosen
 * year, the convention amount and the part du budget of each fiche the partner operates — the fiches' own target
 * cells, edited here next to the transfer they must match.
 */

type YearRow =
  | { kind: 'partner'; transfer: Transfer }
  | { kind: 'sum'; label: string; art20Only: boolean }
  | { kind: 'budget'; label: string; line: 'subventionsInstitutions' | 'subventionsArt20' };

type ConventionRow = { transferId: string; partenaire: string; first: boolean; action: PartnerActionFigures };

const TRANSFER_GRID_LABEL = 'Transferts par partenaire et par année';
const CONVENTION_GRID_LABEL = 'Conventions des fiches liées aux partenaires';

export function renderTransfertsParAnnee(ctx: PageContext, year: number): Page {
  const { store, queue, planId } = ctx;
  const years = store.years;
  const partners = () => store.plan.transferts;
  const permissions = permissionsOf(store);

  const yearTotal = (y: number, art20Only: boolean) => {
    const { transferred } = reconcileYear(store.plan, y);
    return art20Only ? transferred.art20 : transferred.total;
  };

  // ——— Transfers per year ———
  const buildRows = (): YearRow[] => [
    ...partners().map((transfer): YearRow => ({ kind: 'partner', transfer })),
    { kind: 'sum', label: 'Σ transferts', art20Only: false },
    { kind: 'sum', label: 'Σ transferts art.20', art20Only: true },
    { kind: 'budget', label: 'Budget : subventions aux institutions et associations', line: 'subventionsInstitutions' },
    { kind: 'budget', label: 'Budget : subvention(s) art.20', line: 'subventionsArt20' },
  ];
  const budgetLine = (row: YearRow & { kind: 'budget' }, y: number) =>
    row.line === 'subventionsArt20'
      ? budgetOfYear(store.plan, y).budget.recettes.subventionsArt20
      : budgetOfYear(store.plan, y).budget.depenses.subventionsInstitutions;

  const yearColumns = years.map(
    (y): Column<YearRow> => ({
      key: String(y),
      title: String(y),
      kind: 'number',
      scale: 2,
      width: 100,
      series: true,
      get: (row) =>
        row.kind === 'partner'
          ? store.cellValue('transfer', row.transfer.id, String(y))
          : row.kind === 'sum'
            ? yearTotal(y, row.art20Only)
            : budgetLine(row, y),
      readOnly: (row) => row.kind !== 'partner',
      computed: (row) => row.kind !== 'partner',
      placeholder: (row) => (row.kind === 'partner' && row.transfer.montant !== null ? formatBelgianNumber(row.transfer.montant, 2) : null),
      note: (row) => {
        if (row.kind === 'budget') return `Budget ${y} : ${budgetOfYear(store.plan, y).label}`;
        if (row.kind !== 'partner') return null;
        const typed = store.cellValue('transfer', row.transfer.id, String(y));
        if (typed !== null) return `Montant saisi pour ${y}`;
        return row.transfer.montant === null
          ? 'Vide : aucun montant annuel dans la fiche plan'
          : `Vide : montant annuel de la fiche plan (${formatEuros(row.transfer.montant)})`;
      },
      className: (row) => {
        const classes = [y === year ? 'selected-year' : ''];
        if (row.kind === 'sum') {
          // Σ of the year against the budget line it must equal.
          const budget = budgetLine({ kind: 'budget', label: '', line: row.art20Only ? 'subventionsArt20' : 'subventionsInstitutions' }, y);
          const total = yearTotal(y, row.art20Only);
          if (budget !== null || total !== null) classes.push((budget ?? 0) === (total ?? 0) ? 'total-ok' : 'total-wrong');
        }
        return classes.filter(Boolean).join(' ') || undefined;
      },
      check: (v) => (typeof v !== 'number' ? null : v < 0 ? 'Le montant ne peut pas être négatif' : v > MAX_CENTS ? 'Montant trop grand' : null),
    }),
  );
  const columns: Column<YearRow>[] = [
    { key: 'partenaire', title: 'Partenaire', kind: 'text', readOnly: true, width: 200, get: (r) => (r.kind === 'partner' ? r.transfer.partenaire : r.label) },
    { key: 'art20', title: 'Art.20', kind: 'yesno', readOnly: true, width: 58, get: (r) => (r.kind === 'partner' ? r.transfer.art20 : null) },
    {
      key: 'montant',
      title: 'Annuel (fiche plan)',
      kind: 'number',
      scale: 2,
      width: 134,
      readOnly: true,
      get: (r) =>
        r.kind === 'partner'
          ? r.transfer.montant
          : r.kind === 'sum'
            ? r.art20Only
              ? computeBudgetFigures(store.plan).art20Sum
              : computeBudgetFigures(store.plan).transfersSum
            : r.line === 'subventionsArt20'
              ? store.plan.budget.recettes.subventionsArt20
              : store.plan.budget.depenses.subventionsInstitutions,
    },
    ...yearColumns,
  ];

  const pathOf = (row: YearRow, key: string) =>
    row.kind !== 'partner'
      ? null
      : /^\d{4}$/.test(key)
        ? `transferts.${row.transfer.id}.parAnnee.${key}`
        : key === 'montant'
          ? `transferts.${row.transfer.id}.montant`
          : null;
  const values = valueCells<YearRow>(ctx, pathOf);
  const transfersHost = h('div', { class: 'grid-host', 'data-path': 'transferts' });
  let rows = buildRows();
  const grid = createGrid<YearRow>(transfersHost, {
    label: TRANSFER_GRID_LABEL,
    columns,
    rows,
    fixedColumns: 1,
    fixedRowsBottom: 4,
    height: Math.min(620, 34 + rows.length * 29 + 18),
    rowClassName: (row) => (row.kind === 'sum' ? 'row-total' : row.kind === 'budget' ? 'row-budget' : undefined),
    rowLabel: (row) => (row.kind === 'partner' ? row.transfer.partenaire : row.label),
    canEdit: (row, key) =>
      row.kind !== 'partner' || !/^\d{4}$/.test(key) || permissions.canSave(WRITE_CAPABILITIES.cells, `transferts.${row.transfer.id}.parAnnee.${key}`),
    ...values.options,
    onChange(changes) {
      const cells: CellOp[] = [];
      for (const c of changes) {
        if (c.row.kind !== 'partner') continue;
        const value = c.value as number | null;
        store.setCell('transfer', c.row.transfer.id, c.key, value);
        cells.push({ grid: 'transfer', row: c.row.transfer.id, period: c.key, value, version: store.cellVersion('transfer', c.row.transfer.id, c.key) });
      }
      if (cells.length === 0) return;
      queue.enqueue({ kind: 'cells', cells });
      store.emit('local');
    },
  });
  const unwatchReview = values.watch(grid);
  const refusals = watchRefusals(ctx, grid, () =>
    rows.flatMap((r, rowIndex) =>
      r.kind === 'partner' ? years.map((y) => ({ rowIndex, key: String(y), cell: { grid: 'transfer', row: r.transfer.id, period: String(y) } })) : [],
    ),
  );

  // ——— Conventions of the chosen year ———
  let partnersOfYear = new Map<string, PartnerReconciliation>();
  const buildConventionRows = (): ConventionRow[] =>
    reconcileYear(store.plan, year).partners.flatMap((p) =>
      p.actions.map((action, i): ConventionRow => ({ transferId: p.transferId, partenaire: p.partenaire, first: i === 0, action })),
    );
  const unitOf = (indicatorId: string | null) => (indicatorId ? (store.indicator(indicatorId)?.indicator.unit ?? null) : null);
  const targetColumn = (key: 'convention' | 'partBudget', title: string, missing: string): Column<ConventionRow> => {
    const idOf = (r: ConventionRow) => (key === 'convention' ? r.action.conventionIndicatorId : r.action.partBudgetIndicatorId);
    return {
      key,
      title,
      kind: 'number',
      width: key === 'convention' ? 110 : 100,
      scale: (r) => unitScale(unitOf(idOf(r)) ?? (key === 'convention' ? 'money' : 'percent')),
      format: (v, r) => {
        const unit = unitOf(idOf(r));
        return unit === 'money' ? formatBelgianNumber(v, 2) : unit ? formatUnitValue(v, unit) : String(v);
      },
      get: (r) => {
        const id = idOf(r);
        return id ? store.cellValue('indicator-target', id, String(year)) : null;
      },
      readOnly: (r) => idOf(r) === null,
      placeholder: (r) => (idOf(r) === null ? 'pas de ligne' : null),
      note: (r) => (idOf(r) === null ? missing : `Cible ${year} de la fiche (indicateur standard)`),
      check: (v, r) => {
        const unit = unitOf(idOf(r));
        if (typeof v !== 'number' || !unit) return null;
        const { min, max } = unitBounds(unit);
        return v < min || v > max ? 'Valeur hors des limites de l’indicateur' : null;
      },
    };
  };
  const groupFigure = (r: ConventionRow, read: (p: PartnerReconciliation) => number | null) => (r.first ? read(partnersOfYear.get(r.transferId)!) : null);
  const conventionColumns: Column<ConventionRow>[] = [
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
    { key: 'transfer', title: 'Transfert (€)', kind: 'number', scale: 2, readOnly: true, width: 105, get: (r) => groupFigure(r, (p) => p.transfer.amount) },
    { key: 'sum', title: 'Σ conv. (€)', kind: 'number', scale: 2, readOnly: true, width: 105, get: (r) => groupFigure(r, (p) => p.conventionsSum) },
    { key: 'difference', title: 'Écart (€)', kind: 'number', scale: 2, readOnly: true, width: 90, get: (r) => groupFigure(r, (p) => p.difference) },
    {
      key: 'status',
      title: 'Statut',
      kind: 'text',
      readOnly: true,
      width: 125,
      get: (r) => (r.first ? RECONCILIATION_STATUS_LABELS[partnersOfYear.get(r.transferId)!.status] : ''),
      className: (r) => (r.first ? `status-${partnersOfYear.get(r.transferId)!.status}` : undefined),
    },
  ];
  const refreshPartners = () => {
    partnersOfYear = new Map(reconcileYear(store.plan, year).partners.map((p) => [p.transferId, p]));
  };
  refreshPartners();
  let conventionRows = buildConventionRows();
  const conventionsHost = h('div', { class: 'grid-host', 'data-path': `finance.${year}.conventions` });
  const conventionGrid = createGrid<ConventionRow>(conventionsHost, {
    label: CONVENTION_GRID_LABEL,
    columns: conventionColumns,
    rows: conventionRows,
    fixedColumns: 2,
    height: Math.min(560, 34 + Math.max(conventionRows.length, 1) * 29 + 18),
    rowClassName: (r) => (r.first ? 'group-first' : undefined),
    canEdit: (r, key) => {
      const id = key === 'convention' ? r.action.conventionIndicatorId : key === 'partBudget' ? r.action.partBudgetIndicatorId : null;
      return id === null || permissions.canSave(WRITE_CAPABILITIES.cells, `actions.${r.action.actionId}.indicators.${id}.values.${year}.target`);
    },
    onChange(changes) {
      const cells: CellOp[] = [];
      for (const c of changes) {
        const id = c.key === 'convention' ? c.row.action.conventionIndicatorId : c.key === 'partBudget' ? c.row.action.partBudgetIndicatorId : null;
        if (!id) continue;
        const value = c.value as number | null;
        store.setCell('indicator-target', id, String(year), value);
        cells.push({ grid: 'indicator-target', row: id, period: String(year), value, version: store.cellVersion('indicator-target', id, String(year)) });
      }
      if (cells.length === 0) return;
      queue.enqueue({ kind: 'cells', cells });
      store.emit('local');
    },
  });

  const fichesList = h(
    'ul',
    { class: 'inline-links' },
    conventionRows
      .filter((r) => r.action.conventionIndicatorId === null || r.action.partBudgetIndicatorId === null)
      .map((r) => h('li', null, h('a', { href: ficheHref(planId, r.action.actionId) }, r.action.label))),
  );

  const el = h(
    'article',
    { class: 'section-page wide finance-page', 'data-testid': 'transferts-page' },
    h('div', { class: 'finance-title' }, h('h1', null, 'Transferts par année'), yearSelector(planId, 'transferts', years, year)),
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

  return {
    el,
    refresh() {
      refreshPartners();
      const nextRows = buildRows();
      if (nextRows.length !== rows.length) {
        rows = nextRows;
        grid.setRows(rows);
        refusals.mark();
      } else {
        grid.refresh();
      }
      const nextConventions = buildConventionRows();
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
