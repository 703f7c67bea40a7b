import { h, newRowId } from '../../dom.ts';
import type { Column } from '../../grid/columns.ts';
import { promptText } from '../../ui/dialog.ts';
import { embeddedGrid } from '../embedded-grid.ts';
import { focusPath, sectionBinder, type Page, type PageContext } from '../context.ts';

type PlanIndicator = { id: string; libelle: string; exAnte: string | null; exPost: string | null };

/** "Indicateurs de suivi du plan": the commune's own (subjective) indicators, ex-ante and ex-post, and a remark. */
export function renderIndicateursPlan(ctx: PageContext): Page {
  const section = sectionBinder(ctx, 'indicateursPlan');
  const columns: Column<PlanIndicator>[] = [
    { key: 'libelle', title: 'Indicateur', kind: 'text', maxLength: 300, width: 320 },
    { key: 'exAnte', title: 'Situation ex-ante', kind: 'text', maxLength: 2000, width: 240 },
    { key: 'exPost', title: 'Situation ex-post', kind: 'text', maxLength: 2000, width: 240 },
  ];
  const indicators = embeddedGrid<PlanIndicator>({
    binder: section,
    path: 'rows',
    label: 'Indicateurs subjectifs et/ou propres à la commune',
    columns,
    newRow: async () => {
      const libelle = await promptText('Nouvel indicateur de suivi du plan', 'Libellé de l’indicateur');
      return libelle ? { id: newRowId(), libelle, exAnte: null, exPost: null } : null;
    },
    addLabel: 'Ajouter un indicateur',
    removeLabel: 'Retirer l’indicateur sélectionné',
    focusKey: 'exAnte',
    confirmRemove: (row) => `Retirer l’indicateur « ${row.libelle} » ?`,
  });

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, 'Indicateurs de suivi du plan'),
    h(
      'section',
      null,
      h('h2', null, 'Indicateurs subjectifs et/ou propres à la commune'),
      indicators.el,
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
      if (m && Number(m[1]) < indicators.rows().length) {
        indicators.grid.focusCell(Number(m[1]), m[2] ?? 'libelle');
        return true;
      }
      return focusPath(el, path);
    },
    dispose() {
      section.flush();
      indicators.grid.destroy();
    },
  };
}
