import { IndicateursPlanSchema } from '../../../schemas/plan.ts';
import { h, newRowId, uid } from '../../dom.ts';
import { createGrid } from '../../grid/grid.ts';
import type { Column } from '../../grid/columns.ts';
import { confirmDialog, openDialog, toast } from '../../ui/dialog.ts';
import { focusPath, sectionBinder, type Page, type PageContext } from '../context.ts';

type PlanIndicator = { id: string; libelle: string; exAnte: string | null; exPost: string | null };

/** One row of the plan's own indicators, validated like the server does. */
const RowSchema = IndicateursPlanSchema.shape.rows.unwrap().element;

/** Asks for the required name of a new row; null when cancelled or left blank. */
async function askText(title: string, label: string): Promise<string | null> {
  const id = uid('ask');
  const input = h('input', { type: 'text', id, autocomplete: 'off', maxlength: 300 });
  const value = await openDialog({
    title,
    body: [h('div', { class: 'field' }, h('label', { for: id }, label), input)],
    buttons: [
      { value: 'cancel', label: 'Annuler' },
      { value: 'ok', label: 'Ajouter', primary: true },
    ],
    cancelValue: 'cancel',
    testId: 'add-row-dialog',
  });
  const text = input.value.trim();
  return value === 'ok' && text ? text : null;
}

/** "Indicateurs de suivi du plan": the commune's own (subjective) indicators, ex-ante and ex-post, and a remark. */
export function renderIndicateursPlan(ctx: PageContext): Page {
  const section = sectionBinder(ctx, 'indicateursPlan');
  const doc = section.binding.doc;
  const rows = () => (doc.rows as PlanIndicator[] | undefined) ?? [];

  const columns: Column<PlanIndicator>[] = [
    { key: 'libelle', title: 'Indicateur', kind: 'text', maxLength: 300, width: 320 },
    { key: 'exAnte', title: 'Situation ex-ante', kind: 'text', maxLength: 2000, width: 240 },
    { key: 'exPost', title: 'Situation ex-post', kind: 'text', maxLength: 2000, width: 240 },
  ];
  const gridHost = h('div', { class: 'grid-host', 'data-path': 'indicateursPlan.rows' });
  const grid = createGrid<PlanIndicator>(gridHost, {
    label: 'Indicateurs subjectifs et/ou propres à la commune',
    columns,
    rows: rows(),
    onChange(changes) {
      for (const c of changes) {
        const next = { ...c.row, [c.key]: c.value };
        const r = RowSchema.safeParse(next);
        if (!r.success) {
          grid.setError(c.rowIndex, c.key, r.error.issues[0]?.message ?? 'Valeur refusée');
          continue;
        }
        Object.assign(c.row, { [c.key]: c.value });
      }
      section.commit('rows', rows());
    },
  });

  const add = h('button', { type: 'button' }, 'Ajouter un indicateur');
  add.addEventListener('click', async () => {
    const libelle = await askText('Nouvel indicateur de suivi du plan', 'Libellé de l’indicateur');
    if (!libelle) return;
    const list: PlanIndicator[] = [...rows(), { id: newRowId(), libelle, exAnte: null, exPost: null }];
    section.commit('rows', list);
    grid.setRows(list);
    grid.focusCell(list.length - 1, 'exAnte');
  });
  const remove = h('button', { type: 'button' }, 'Retirer l’indicateur sélectionné');
  remove.addEventListener('click', async () => {
    const i = grid.selectedRowIndex();
    const row = i === null ? undefined : rows()[i];
    if (i === null || !row) {
      toast('Sélectionnez d’abord une ligne dans le tableau');
      return;
    }
    if (!(await confirmDialog('Retirer l’indicateur', `Retirer l’indicateur « ${row.libelle} » ?`, 'Retirer'))) return;
    const list = rows().filter((_, j) => j !== i);
    section.commit('rows', list);
    grid.setRows(list);
  });

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, 'Indicateurs de suivi du plan'),
    h(
      'section',
      null,
      h('h2', null, 'Indicateurs subjectifs et/ou propres à la commune'),
      h('div', { class: 'toolbar' }, add, remove),
      gridHost,
      section.text('remarque', 'Remarque sur les indicateurs du plan', {
        long: true,
        hint: 'Par exemple : « Les indicateurs propres à la commune se trouvent dans le diagnostic »',
      }),
    ),
  );
  return {
    el,
    focus(path) {
      const m = /^indicateursPlan\.rows\.(\d+)(?:\.(\w+))?/.exec(path);
      if (m && Number(m[1]) < rows().length) {
        grid.focusCell(Number(m[1]), m[2] ?? 'libelle');
        return true;
      }
      return focusPath(el, path);
    },
    dispose() {
      section.flush();
      grid.destroy();
    },
  };
}
