import { renderIsadfRadar } from '../../../schemas/charts/radar.ts';
import { h, replaceChildren, svgNode } from '../../dom.ts';
import type { Column } from '../../grid/columns.ts';
import { promptText } from '../../ui/dialog.ts';
import { embeddedGrid } from '../embedded-grid.ts';
import { focusPath, sectionBinder, type Page, type PageContext } from '../context.ts';

type Dimension = { label: string; valeur: number | null };

const isadfCheck = (v: unknown) => (typeof v === 'number' && (v < 0 || v > 1000) ? 'L’ISADF est compris entre 0 et 1 (ex. 0,10)' : null);

/** "Radar ISADF": the commune's synthetic index, its dimensions, and the radar drawn from them. */
export function renderIsadf(ctx: PageContext): Page {
  const isadf = sectionBinder(ctx, 'isadf');

  // The radar is drawn from the plan as edited; the shell calls refresh() after every change.
  const radar = h('figure', { class: 'radar', 'data-testid': 'isadf-radar' });
  const drawRadar = () => replaceChildren(radar, svgNode(renderIsadfRadar(ctx.store.plan.isadf)));

  const anneeField = isadf.number('annee', 'Année de référence de l’ISADF', 0, { plain: true });

  // Dimensions: a small grid inside the section, saved with it.
  const columns: Column<Dimension>[] = [
    { key: 'label', title: 'Dimension', kind: 'text', maxLength: 300, width: 360 },
    { key: 'valeur', title: 'Valeur (entre 0 et 1)', kind: 'number', scale: 3, width: 160, check: isadfCheck },
  ];
  const dimensions = embeddedGrid<Dimension>({
    binder: isadf,
    path: 'dimensions',
    label: 'Dimensions de l’ISADF',
    columns,
    newRow: async () => {
      const label = await promptText('Nouvelle dimension de l’ISADF', 'Libellé de la dimension');
      return label ? { label, valeur: null } : null;
    },
    addLabel: 'Ajouter une dimension',
    removeLabel: 'Retirer la dimension sélectionnée',
    focusKey: 'valeur',
    confirmRemove: (row) => `Retirer la dimension « ${row.label} » ?`,
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
      dimensions.el,
    ),
    h('section', null, h('h2', null, 'Radar'), radar),
  );
  return {
    el,
    refresh: drawRadar,
    focus(path) {
      const m = /^isadf\.dimensions\.(\d+)(?:\.(\w+))?/.exec(path);
      if (m && Number(m[1]) < dimensions.rows().length) {
        dimensions.grid.focusCell(Number(m[1]), m[2] ?? 'label');
        return true;
      }
      return focusPath(el, path);
    },
    dispose() {
      isadf.flush();
      dimensions.grid.destroy();
    },
  };
}
