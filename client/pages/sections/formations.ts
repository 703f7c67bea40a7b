import { deleteQuery } from '../references.ts';
import { CommissionsSchema, FormationFieldsSchema, type Plan } from '../../../schemas/plan.ts';
import { api, send } from '../../api.ts';
import { h } from '../../dom.ts';
import { createGrid } from '../../grid/grid.ts';
import { formatDate } from '../../../schemas/dates.ts';
import { buildPath } from '../../../schemas/plan-path.ts';
import type { Column } from '../../grid/columns.ts';
import { focusPath, sectionBinder, type Page, type PageContext } from '../context.ts';
import { rowsEditor } from '../rows-editor.ts';

type Formation = Plan['formations'][number];
/** One line of the commissions grid: a programme year and the dates of that year. */
type CommissionYear = { year: number; dates: string[] };

/** "Formations suivies en cours de PCS3 par le chef de projet" and "Dates des commissions d'accompagnement". */
export function renderFormations(ctx: PageContext): Page {
  const { planId } = ctx;
  const years = ctx.store.years;
  const yearRange = years.length ? `${years[0]} à ${years[years.length - 1]}` : '';

  // (a) Trainings: one versioned row each.
  const formationColumns: Column<Formation>[] = [
    {
      key: 'thematique',
      title: 'Thématique',
      kind: 'text',
      maxLength: 300,
      width: 360,
      check: (v) => (v === null ? 'La thématique est obligatoire' : null),
    },
    {
      key: 'annee',
      title: 'Année',
      kind: 'number',
      scale: 0,
      width: 90,
      // A year, not a quantity: no thousands separator.
      format: (v) => String(v),
      check: (v) => (typeof v === 'number' && !years.includes(v) ? `L'année doit être une année du programme (${yearRange})` : null),
    },
    { key: 'organisateur', title: 'Organisateur', kind: 'text', maxLength: 300, width: 260 },
    {
      key: 'satisfaction',
      title: 'Satisfaction (de 1 à 10)',
      kind: 'number',
      scale: 0,
      width: 150,
      check: (v) => (typeof v === 'number' && (v < 1 || v > 10) ? 'La satisfaction se note de 1 à 10' : null),
    },
  ];
  const editor = rowsEditor<Formation>({
    ctx,
    label: 'Formations suivies en cours de PCS3 par le chef de projet',
    path: 'formations',
    columns: formationColumns,
    rows: () => ctx.store.plan.formations,
    target: (row) => ({ type: 'list', collection: 'formations', id: row.id }),
    schema: FormationFieldsSchema,
    create: {
      field: 'thematique',
      label: 'Thématique de la formation',
      send: async (data) =>
        (await send(api.plans[':planId'].lists[':collection'].$post({ param: { planId, collection: 'formations' }, json: { data } }))) as Formation,
    },
    remove: async (row, detacher) => {
      await send(
        api.plans[':planId'].lists[':collection'][':rowId'].$delete({
          param: { planId, collection: 'formations', rowId: row.id },
          query: deleteQuery(row.version, detacher),
        }),
      );
    },
    describe: (row) => `la formation « ${row.thematique} »`,
  });

  // (b) Commissions d'accompagnement: one line per programme year, saved with the `commissions` section.
  const commissions = sectionBinder(ctx, 'commissions');
  const currentDates = (): Record<string, string[]> => (commissions.binding.doc.dates as Record<string, string[]> | undefined) ?? {};
  const commissionRows: CommissionYear[] = years.map((year) => ({ year, dates: [...(currentDates()[String(year)] ?? [])] }));
  const commissionColumns: Column<CommissionYear>[] = [
    { key: 'year', title: 'Année', kind: 'text', readOnly: true, width: 90, get: (row) => String(row.year) },
    {
      key: 'dates',
      title: "Dates des réunions de la commission d'accompagnement",
      kind: 'list',
      itemKind: 'date',
      width: 520,
      check: (v, row) => {
        const outside = (v as string[]).find((d) => !d.startsWith(`${row.year}-`));
        return outside ? `« ${formatDate(outside)} » n'est pas une date de ${row.year}` : null;
      },
    },
    { key: 'nombre', title: 'Nombre', kind: 'number', scale: 0, readOnly: true, width: 90, get: (row) => row.dates.length },
  ];
  const commissionsHost = h('div', { class: 'grid-host', 'data-path': 'commissions.dates' });
  const commissionsGrid = createGrid<CommissionYear>(commissionsHost, {
    label: "Dates des commissions d'accompagnement",
    columns: commissionColumns,
    rows: commissionRows,
    canEdit: (row, key) => key !== 'dates' || commissions.canWrite(buildPath('dates', row.year)),
    onChange(changes) {
      let next: Record<string, string[]> | null = null;
      for (const c of changes) {
        if (c.key !== 'dates') continue;
        const dates = c.value as string[];
        const candidate: Record<string, string[]> = { ...(next ?? currentDates()) };
        if (dates.length) candidate[String(c.row.year)] = dates;
        else delete candidate[String(c.row.year)];
        const r = CommissionsSchema.safeParse({ dates: candidate });
        if (!r.success) {
          commissionsGrid.setError(c.rowIndex, c.key, r.error.issues[0]?.message ?? 'Valeur refusée');
          continue;
        }
        c.row.dates = dates;
        next = candidate;
      }
      if (next) {
        commissions.commit('dates', next);
        commissionsGrid.refresh();
      }
    },
  });

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, 'Formations et commissions'),
    h('section', null, h('h2', null, 'Formations suivies en cours de PCS3 par le chef de projet'), editor.el),
    h(
      'section',
      null,
      h('h2', null, "Dates des commissions d'accompagnement"),
      h('p', { class: 'hint' }, 'Dates au format JJ/MM/AAAA, séparées par « ; ».'),
      commissionsHost,
    ),
  );
  return {
    el,
    focus(path) {
      const m = /^formations\.(\d+)(?:\.(\w+))?/.exec(path);
      if (m && Number(m[1]) < ctx.store.plan.formations.length) {
        editor.focusRow(Number(m[1]), m[2]);
        return true;
      }
      // `commissions`, `commissions.dates` or `commissions.dates.<année>(.n)`: the year's line, else the first one.
      const y = /^commissions(?:\.dates(?:\.(\d{4}))?)?(?:\.|$)/.exec(path);
      const index = !y ? -1 : y[1] ? years.indexOf(Number(y[1])) : years.length ? 0 : -1;
      if (index >= 0) {
        commissionsGrid.focusCell(index, 'dates');
        return true;
      }
      return focusPath(el, path);
    },
    dispose() {
      commissions.flush();
      commissionsGrid.destroy();
      editor.grid.destroy();
    },
  };
}
