import { deleteQuery } from '../references.ts';
import { listsOf } from '../../../schemas/programme-lists.ts';
import { ReunionInviteFieldsSchema, ReunionOrganiseeFieldsSchema, type Plan } from '../../../schemas/plan.ts';
import { api, send } from '../../api.ts';
import { h } from '../../dom.ts';
import type { Column } from '../../grid/columns.ts';
import { focusPath, type Page, type PageContext } from '../context.ts';
import { rowsEditor } from '../rows-editor.ts';

type ReunionOrganisee = Plan['reunionsOrganisees'][number];
type ReunionInvite = Plan['reunionsInvite'][number];
type Collection = 'reunionsOrganisees' | 'reunionsInvite';

const TITLE_ORGANISEES = 'Réunions/plateformes/groupes de travail thématiques organisés par le PCS';
const TITLE_INVITE = "Participation à des réunions/plateformes/groupes de travail thématiques en tant qu'invité";
const THEMATIQUE = "Champs d'action/thématique/domaine de réflexion";

/** Creation and deletion of a row of one of the two meeting lists. */
function rowApi<R extends { id: string; version: number }>(planId: string, collection: Collection) {
  return {
    create: async (data: Record<string, unknown>) =>
      (await send(api.plans[':planId'].lists[':collection'].$post({ param: { planId, collection }, json: { data } }))) as R,
    remove: async (row: R, detacher: boolean) => {
      await send(
        api.plans[':planId'].lists[':collection'][':rowId'].$delete({
          param: { planId, collection, rowId: row.id },
          query: deleteQuery(row.version, detacher),
        }),
      );
    },
  };
}

const required = (v: unknown) => (v === null ? 'La thématique est obligatoire' : null);

/** The two meeting lists of the fiche plan: meetings organised by the PCS and meetings attended as a guest. */
export function renderReunions(ctx: PageContext): Page {
  const { planId } = ctx;
  const plusValues = listsOf(ctx.store.programme).plusValuesReunions;

  const organiseesApi = rowApi<ReunionOrganisee>(planId, 'reunionsOrganisees');
  const organiseesColumns: Column<ReunionOrganisee>[] = [
    { key: 'thematique', title: THEMATIQUE, kind: 'text', maxLength: 300, width: 320, check: required },
    { key: 'roleChefDeProjet', title: 'Rôle du chef de projet', kind: 'text', maxLength: 300, width: 220 },
    { key: 'dates', title: 'Dates réunions', kind: 'list', itemKind: 'date', width: 320 },
    { key: 'nombre', title: 'Nombre de réunions', kind: 'number', scale: 0, readOnly: true, width: 110, get: (row) => row.dates.length },
  ];
  const organisees = rowsEditor<ReunionOrganisee>({
    ctx,
    label: TITLE_ORGANISEES,
    path: 'reunionsOrganisees',
    columns: organiseesColumns,
    rows: () => ctx.store.plan.reunionsOrganisees,
    target: (row) => ({ type: 'list', collection: 'reunionsOrganisees', id: row.id }),
    schema: ReunionOrganiseeFieldsSchema,
    create: { field: 'thematique', label: THEMATIQUE, send: organiseesApi.create },
    remove: organiseesApi.remove,
    describe: (row) => `la réunion « ${row.thematique} »`,
    // The number of meetings is computed from the dates.
    onChanged: () => organisees.grid.refresh(),
  });

  const inviteApi = rowApi<ReunionInvite>(planId, 'reunionsInvite');
  const inviteColumns: Column<ReunionInvite>[] = [
    { key: 'thematique', title: THEMATIQUE, kind: 'text', maxLength: 300, width: 300, check: required },
    { key: 'institution', title: 'Institution organisatrice', kind: 'text', maxLength: 300, width: 220 },
    {
      key: 'plusValues',
      title: 'Plus values principales pour le PCS',
      kind: 'list',
      itemKind: 'option',
      options: plusValues,
      width: 340,
    },
    { key: 'dates', title: 'Dates réunions', kind: 'list', itemKind: 'date', width: 260 },
    { key: 'nombre', title: 'Nombre de réunions', kind: 'number', scale: 0, readOnly: true, width: 110, get: (row) => row.dates.length },
  ];
  const invite = rowsEditor<ReunionInvite>({
    ctx,
    label: TITLE_INVITE,
    path: 'reunionsInvite',
    columns: inviteColumns,
    rows: () => ctx.store.plan.reunionsInvite,
    target: (row) => ({ type: 'list', collection: 'reunionsInvite', id: row.id }),
    schema: ReunionInviteFieldsSchema,
    create: { field: 'thematique', label: THEMATIQUE, send: inviteApi.create },
    remove: inviteApi.remove,
    describe: (row) => `la réunion « ${row.thematique} »`,
    onChanged: () => invite.grid.refresh(),
  });

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, 'Réunions et plateformes'),
    h('p', { class: 'hint' }, 'Dates au format JJ/MM/AAAA et plus-values séparées par « ; ».'),
    h('section', null, h('h2', null, TITLE_ORGANISEES), organisees.el),
    h('section', null, h('h2', null, TITLE_INVITE), h('p', { class: 'hint' }, `Plus values possibles : ${plusValues.join(' ; ')}.`), invite.el),
  );
  const editors = [
    { collection: 'reunionsOrganisees' as const, editor: organisees },
    { collection: 'reunionsInvite' as const, editor: invite },
  ];
  return {
    el,
    focus(path) {
      for (const { collection, editor } of editors) {
        const m = new RegExp(`^${collection}\\.(\\d+)(?:\\.(\\w+))?`).exec(path);
        if (m && Number(m[1]) < ctx.store.plan[collection].length) {
          editor.focusRow(Number(m[1]), m[2]);
          return true;
        }
      }
      return focusPath(el, path);
    },
    dispose() {
      organisees.grid.destroy();
      invite.grid.destroy();
    },
  };
}
