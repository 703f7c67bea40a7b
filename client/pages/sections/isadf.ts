import { IsadfSchema } from '../../../schemas/plan.ts';
import { renderIsadfRadar } from '../../charts/radar.ts';
import { h, replaceChildren, svgNode, uid } from '../../dom.ts';
import { createGrid } from '../../grid/grid.ts';
import type { Column } from '../../grid/columns.ts';
import { confirmDialog, openDialog, toast } from '../../ui/dialog.ts';
import { focusPath, sectionBinder, type Page, type PageContext } from '../context.ts';

type Dimension = { label: string; valeur: number | null };

/** One dimension of the ISADF, validated like the server does. */
const DimensionSchema = IsadfSchema.shape.dimensions.unwrap().element;

const isadfCheck = (v: unknown) => (typeof v === 'number' && (v < 0 || v > 1000) ? 'L’ISADF est compris entre 0 et 1 (ex. 0,10)' : null);

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

/** "Radar ISADF": the commune's synthetic index, its dimensions, and the radar drawn from them. */
export function renderIsadf(ctx: PageContext): Page {
  const isadf = sectionBinder(ctx, 'isadf');
  const doc = isadf.binding.doc;

  // Redraw the radar from the saved section after every valid local change (the shell also calls refresh()).
  const radar = h('figure', { class: 'radar', 'data-testid': 'isadf-radar' });
  const drawRadar = () => replaceChildren(radar, svgNode(renderIsadfRadar(ctx.store.plan.isadf)));
  const save = isadf.binding.save;
  isadf.binding.save = (data) => {
    save(data);
    drawRadar();
  };

  // The year is an integer without thousands separator: "2018", not "2.018".
  const anneeField = isadf.number('annee', 'Année de référence de l’ISADF', 0);
  const anneeInput = anneeField.querySelector('input');
  if (anneeInput) {
    const plainYear = () => {
      if (/^\d{1,3}(\.\d{3})+$/.test(anneeInput.value)) anneeInput.value = anneeInput.value.replace(/\./g, '');
    };
    plainYear();
    anneeInput.addEventListener('change', plainYear);
  }

  // Dimensions: a small grid inside the section, saved with it.
  const rows = () => (doc.dimensions as Dimension[] | undefined) ?? [];
  const columns: Column<Dimension>[] = [
    { key: 'label', title: 'Dimension', kind: 'text', maxLength: 300, width: 360 },
    { key: 'valeur', title: 'Valeur (entre 0 et 1)', kind: 'number', scale: 3, width: 160, check: isadfCheck },
  ];
  const gridHost = h('div', { class: 'grid-host', 'data-path': 'isadf.dimensions' });
  const grid = createGrid<Dimension>(gridHost, {
    label: 'Dimensions de l’ISADF',
    columns,
    rows: rows(),
    onChange(changes) {
      for (const c of changes) {
        const next = { ...c.row, [c.key]: c.value };
        const r = DimensionSchema.safeParse(next);
        if (!r.success) {
          grid.setError(c.rowIndex, c.key, r.error.issues[0]?.message ?? 'Valeur refusée');
          continue;
        }
        Object.assign(c.row, { [c.key]: c.value });
      }
      isadf.commit('dimensions', rows());
    },
  });
  const add = h('button', { type: 'button' }, 'Ajouter une dimension');
  add.addEventListener('click', async () => {
    const label = await askText('Nouvelle dimension de l’ISADF', 'Libellé de la dimension');
    if (!label) return;
    const list: Dimension[] = [...rows(), { label, valeur: null }];
    isadf.commit('dimensions', list);
    grid.setRows(list);
    grid.focusCell(list.length - 1, 'valeur');
  });
  const remove = h('button', { type: 'button' }, 'Retirer la dimension sélectionnée');
  remove.addEventListener('click', async () => {
    const i = grid.selectedRowIndex();
    const row = i === null ? undefined : rows()[i];
    if (i === null || !row) {
      toast('Sélectionnez d’abord une ligne dans le tableau');
      return;
    }
    if (!(await confirmDialog('Retirer la dimension', `Retirer la dimension « ${row.label} » ?`, 'Retirer'))) return;
    const list = rows().filter((_, j) => j !== i);
    isadf.commit('dimensions', list);
    grid.setRows(list);
  });

  drawRadar();

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, 'Radar ISADF'),
    h(
      'section',
      null,
      h('h2', null, 'Indicateur synthétique d’accès aux droits fondamentaux (ISADF)'),
      anneeField,
      isadf.number('valeur', 'ISADF de la commune (entre 0 et 1)', 3),
      h('h3', null, 'Dimensions'),
      h('p', { class: 'hint' }, 'Le radar est dessiné à partir d’au moins trois dimensions ; une valeur vide reste « non renseigné ».'),
      h('div', { class: 'toolbar' }, add, remove),
      gridHost,
    ),
    h('section', null, h('h2', null, 'Radar'), radar),
  );
  return {
    el,
    refresh: drawRadar,
    focus(path) {
      const m = /^isadf\.dimensions\.(\d+)(?:\.(\w+))?/.exec(path);
      if (m && Number(m[1]) < rows().length) {
        grid.focusCell(Number(m[1]), m[2] ?? 'label');
        return true;
      }
      return focusPath(el, path);
    },
    dispose() {
      isadf.flush();
      grid.destroy();
    },
  };
}
