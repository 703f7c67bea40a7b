import { deleteQuery } from '../references.ts';
import { describeAction } from '../../../schemas/action.ts';
import { LISTES_PARTENAIRES } from '../../../schemas/enums.ts';
import { listsOf } from '../../../schemas/programme-lists.ts';
import { PartenaireFieldsSchema, type Plan } from '../../../schemas/plan.ts';
import { email } from '../../../schemas/primitives.ts';
import { api, send } from '../../api.ts';
import { h } from '../../dom.ts';
import type { Column, Option } from '../../grid/columns.ts';
import { focusPath, type Page, type PageContext } from '../context.ts';
import { rowsEditor } from '../rows-editor.ts';

type Partenaire = Plan['partenaires'][number];
type Liste = (typeof LISTES_PARTENAIRES)[number];

/** The headings of the two lists of partner cards, verbatim from the form (spec §1.21). */
const LISTE_LABELS: Record<Liste, string> = {
  portent: "Partenaires qui PORTENT la mise en œuvre d'une ou plusieurs action(s) du plan",
  'part-active': "Partenaires qui prennent UNE PART ACTIVE dans la mise en œuvre d'une ou plusieurs action(s) portée(s) par l'équipe PCS",
};
const LISTE_OPTIONS: Option[] = LISTES_PARTENAIRES.map((value) => ({ value, label: LISTE_LABELS[value] }));

/** Partner cards: who carries or takes part in which actions of the plan. */
export function renderPartenaires(ctx: PageContext): Page {
  const { planId } = ctx;
  // "1.3.03 (CPAS de Liège - SADA)": the action's code and operator, as in describeAction without "Fiche ".
  const actionOptions: Option[] = ctx.store.plan.actions.map((a) => ({ value: a.id, label: describeAction(a).replace(/^Fiche /, '') }));

  const columns: Column<Partenaire>[] = [
    {
      key: 'liste',
      title: 'Liste',
      kind: 'select',
      options: LISTE_OPTIONS,
      width: 300,
      check: (v) => (v === null ? 'Choisissez la liste du partenaire' : null),
    },
    {
      key: 'nom',
      title: 'Nom',
      kind: 'text',
      maxLength: 300,
      width: 220,
      check: (v) => (v === null ? 'Le nom du partenaire est obligatoire' : null),
    },
    { key: 'champAction', title: "Champs d'action", kind: 'select', options: listsOf(ctx.store.programme).champsActionPartenaire, width: 170 },
    { key: 'champActionAutre', title: 'Précisez (si « Autre »)', kind: 'text', maxLength: 300, width: 170 },
    { key: 'telephone', title: 'Tél.', kind: 'text', maxLength: 40, width: 130 },
    { key: 'actionIds', title: 'N°action(s)', kind: 'list', itemKind: 'option', options: actionOptions, width: 300 },
    {
      key: 'nombreActions',
      title: "Nombre d'actions",
      kind: 'number',
      scale: 0,
      readOnly: true,
      width: 100,
      get: (row) => row.actionIds.length,
    },
    {
      key: 'courriels',
      title: 'Courriel',
      kind: 'list',
      itemKind: 'text',
      width: 300,
      check: (v) => {
        const bad = (v as string[]).find((item) => !email.safeParse(item).success);
        if (bad === undefined) return null;
        return /\s/.test(bad) ? `« ${bad} » : séparez les adresses électroniques par « ; »` : `« ${bad} » n'est pas une adresse électronique valide`;
      },
    },
  ];

  const editor = rowsEditor<Partenaire>({
    ctx,
    label: 'Partenaires',
    path: 'partenaires',
    columns,
    rows: () => ctx.store.plan.partenaires,
    target: (row) => ({ type: 'list', collection: 'partenaires', id: row.id }),
    schema: PartenaireFieldsSchema,
    create: {
      field: 'nom',
      label: 'Nom du partenaire',
      // The schema also requires the list: a new card goes to the first list; the grid lets the user change it.
      send: async (data) =>
        (await send(
          api.plans[':planId'].lists[':collection'].$post({
            param: { planId, collection: 'partenaires' },
            json: { data: { liste: 'portent' satisfies Liste, ...data } },
          }),
        )) as Partenaire,
    },
    remove: async (row, detacher) => {
      await send(
        api.plans[':planId'].lists[':collection'][':rowId'].$delete({
          param: { planId, collection: 'partenaires', rowId: row.id },
          query: deleteQuery(row.version, detacher),
        }),
      );
    },
    describe: (row) => `le partenaire « ${row.nom} »`,
    // The number of actions is computed from the list of actions.
    onChanged: () => editor.grid.refresh(),
  });

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, 'Partenaires'),
    h(
      'p',
      { class: 'hint' },
      `Un nouveau partenaire est ajouté à la liste « ${LISTE_LABELS.portent} » ; changez-en la liste dans la colonne « Liste » au besoin. `,
      'Une fiche par champ d’action : un même organisme peut figurer plusieurs fois. ',
      'Séparez les actions et les adresses électroniques par « ; ».',
    ),
    editor.el,
  );
  return {
    el,
    focus(path) {
      const m = /^partenaires\.(\d+)(?:\.(\w+))?/.exec(path);
      if (m && Number(m[1]) < ctx.store.plan.partenaires.length) {
        editor.focusRow(Number(m[1]), m[2]);
        return true;
      }
      return focusPath(el, path);
    },
    dispose: () => editor.grid.destroy(),
  };
}
