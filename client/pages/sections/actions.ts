import { deleteQuery, deleteRow } from '../references.ts';
import { ActionEditSchema, describeAction, type Action } from '../../../schemas/action.ts';
import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import { actionFieldPath } from '../../../schemas/plan-path.ts';
import { DROIT_VISE_LABELS, STATUTS_ACTION } from '../../../schemas/enums.ts';
import { resolveCatalogueEntry, type Catalogue, type CatalogueEntry } from '../../../schemas/reference.ts';
import { api, send, failureMessage } from '../../api.ts';
import { h, replaceChildren } from '../../dom.ts';
import { createGrid } from '../../grid/grid.ts';
import type { Column } from '../../grid/columns.ts';
import { ficheHref } from '../../router.ts';
import { confirmDialog, openDialog, toast } from '../../ui/dialog.ts';
import { focusPath, type Page, type PageContext } from '../context.ts';
import { permissionsOf } from '../../state/permissions.ts';
import { guardButton } from '../read-only.ts';

/**
 * "Liste des actions": N° et intitulé, statut, droits visés, priorité; add an action from the catalogue (search by
 * code or words), open its fiche, move it, remove it after confirmation. Several actions may share a code: the
 * operator tells them apart.
 */

const normalise = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** Catalogue entries matching a query: a code prefix ("1.3") or every word in the title, thématique or axe. */
export function searchCatalogue(catalogue: Catalogue, query: string): CatalogueEntry[] {
  const entries = catalogue.actions.map((a) => resolveCatalogueEntry(catalogue, a.code)!);
  const q = normalise(query.trim());
  if (!q) return entries;
  if (/^[\d.]+$/.test(q)) return entries.filter((e) => e.code.startsWith(q));
  const words = q.split(/\s+/);
  return entries.filter((e) => {
    const text = normalise(`${e.code} ${e.intitule} ${e.objectif ?? ''} ${e.thematique?.title ?? ''} ${e.axe?.title ?? ''}`);
    return words.every((w) => text.includes(w));
  });
}

export function actionEditOf(a: Action) {
  return { code: a.code, statut: a.statut, droitVise: a.droitVise, priorite: a.priorite, fiche: a.fiche };
}

async function chooseCatalogueAction(catalogue: Catalogue): Promise<{ entry: CatalogueEntry; organisme: string | null; equipePcs: boolean } | null> {
  const search = h('input', { type: 'search', id: 'catalogue-search', autocomplete: 'off', placeholder: 'ex. 1.3 ou « langue »' });
  const results = h('ul', { class: 'catalogue-results', role: 'listbox', 'aria-label': 'Actions du catalogue' });
  const organisme = h('input', { type: 'text', id: 'new-action-operator', autocomplete: 'off' });
  const equipe = h('input', { type: 'checkbox', id: 'new-action-equipe' });
  let chosen: CatalogueEntry | null = null;
  const show = () => {
    const found = searchCatalogue(catalogue, search.value);
    replaceChildren(
      results,
      found.length === 0
        ? h('li', null, 'Aucune action du catalogue ne correspond.')
        : found.map((e) => {
            const option = h(
              'li',
              { role: 'option', tabindex: '0', 'aria-selected': String(chosen?.code === e.code), 'data-code': e.code },
              h('strong', null, e.code),
              ' ',
              e.intitule,
              h('span', { class: 'muted' }, ` — ${e.thematique?.title ?? ''}`),
            );
            const pick = () => {
              chosen = e;
              for (const li of results.querySelectorAll('li')) li.setAttribute('aria-selected', String(li === option));
            };
            option.addEventListener('click', pick);
            option.addEventListener('keydown', (ev) => {
              if (ev.key === 'Enter' || ev.key === ' ') {
                ev.preventDefault();
                pick();
              }
            });
            return option;
          }),
    );
  };
  search.addEventListener('input', show);
  show();
  const r = await openDialog({
    title: 'Ajouter une action du catalogue',
    body: [
      h('div', { class: 'field' }, h('label', { for: 'catalogue-search' }, 'Rechercher par code ou par mots'), search),
      results,
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'new-action-operator' }, 'Opérateur / partenaire principal (Association/Organisme/Administration)'),
        organisme,
      ),
      h('div', { class: 'field' }, h('label', { class: 'inline', for: 'new-action-equipe' }, equipe, 'L’action est portée par l’équipe PCS')),
    ],
    buttons: [
      { value: 'cancel', label: 'Annuler' },
      { value: 'ok', label: 'Ajouter l’action', primary: true },
    ],
    cancelValue: 'cancel',
    testId: 'add-action-dialog',
  });
  if (r !== 'ok') return null;
  if (!chosen) {
    toast('Choisissez une action dans la liste du catalogue', 'error');
    return null;
  }
  return { entry: chosen, organisme: organisme.value.trim() || null, equipePcs: equipe.checked };
}

export function renderActionsList(ctx: PageContext): Page {
  const { store, planId, queue } = ctx;
  const catalogue = store.catalogue;
  const title = (a: Action) => `${a.code} ${resolveCatalogueEntry(catalogue, a.code)?.intitule ?? '(code absent du catalogue)'}`;
  const operator = (a: Action) => describeAction(a).match(/\((.*)\)$/)?.[1] ?? '';
  const columns: Column<Action>[] = [
    { key: 'title', title: 'N° et intitulé de l’action', kind: 'text', readOnly: true, width: 380, get: title },
    { key: 'operator', title: 'Opérateur', kind: 'text', readOnly: true, width: 220, get: operator },
    { key: 'statut', title: 'Statut', kind: 'select', options: STATUTS_ACTION, width: 110 },
    { key: 'droitVise', title: 'Droits visés', kind: 'select', options: DROIT_VISE_LABELS, width: 190 },
    { key: 'priorite', title: 'Priorité', kind: 'number', scale: 0, width: 80 },
  ];
  const permissions = permissionsOf(store);
  const host = h('div', { class: 'grid-host', 'data-path': 'actions' });
  const grid = createGrid<Action>(host, {
    label: 'Liste des actions',
    columns,
    rows: store.plan.actions,
    fixedColumns: 1,
    height: 520,
    canEdit: (a, key) => permissions.canSave(WRITE_CAPABILITIES.action, actionFieldPath(a.id, key)),
    onChange(changes) {
      const touched = new Set<Action>();
      for (const c of changes) {
        const next = { ...actionEditOf(c.row), [c.key]: c.value };
        const r = ActionEditSchema.safeParse(next);
        if (!r.success) {
          grid.setError(c.rowIndex, c.key, r.error.issues[0]?.message ?? 'Valeur refusée');
          continue;
        }
        Object.assign(c.row, { [c.key]: c.value });
        touched.add(c.row);
      }
      for (const a of touched) {
        queue.enqueue({ kind: 'row', target: { type: 'action', id: a.id }, label: describeAction(a), data: actionEditOf(a), version: a.version });
      }
      if (touched.size) store.emit('local');
    },
  });

  const selected = () => {
    const i = grid.selectedRowIndex();
    const a = i === null ? undefined : store.plan.actions[i];
    if (!a) toast('Sélectionnez d’abord une action dans le tableau');
    return a ? { i: i!, a } : null;
  };
  const failed = (err: unknown) => toast(failureMessage(err), 'error');
  const reloadPlan = async () => {
    store.plan = await send(api.plans[':planId'].$get({ param: { planId } }));
    store.emit('external');
  };

  const add = h('button', { type: 'button', class: 'primary' }, 'Ajouter une action…');
  add.addEventListener('click', async () => {
    const choice = await chooseCatalogueAction(catalogue);
    if (!choice) return;
    try {
      const created = await send(
        api.plans[':planId'].actions.$post({
          param: { planId },
          json: { code: choice.entry.code, operateur: { organisme: choice.organisme, equipePcs: choice.equipePcs } },
        }),
      );
      store.plan.actions.push(created);
      grid.setRows(store.plan.actions);
      store.emit('local');
      toast(`Action ${created.code} ajoutée`);
      location.hash = ficheHref(planId, created.id);
    } catch (err) {
      failed(err);
    }
  });
  const open = h('button', { type: 'button' }, 'Ouvrir la fiche');
  open.addEventListener('click', () => {
    const s = selected();
    if (s) location.hash = ficheHref(planId, s.a.id);
  });
  const remove = h('button', { type: 'button' }, 'Supprimer l’action');
  remove.addEventListener('click', async () => {
    const s = selected();
    if (!s) return;
    const ok = await confirmDialog(
      'Supprimer l’action',
      `Supprimer ${describeAction(s.a)} avec sa fiche et toutes ses valeurs d’indicateurs ? Cette suppression est définitive.`,
      'Supprimer l’action',
    );
    if (!ok) return;
    try {
      await queue.idle();
      const outcome = await deleteRow(
        (detacher) =>
          send(api.plans[':planId'].actions[':actionId'].$delete({ param: { planId, actionId: s.a.id }, query: deleteQuery(s.a.version, detacher) })),
        permissions,
      );
      if (outcome !== 'kept') await reloadPlan();
    } catch (err) {
      failed(err);
    }
  });
  const move = (delta: number) => () => {
    const s = selected();
    if (!s) return;
    const to = s.i + delta;
    const list = store.plan.actions;
    if (to < 0 || to >= list.length) return;
    list.splice(s.i, 1);
    list.splice(to, 0, s.a);
    queue.enqueue({
      kind: 'row',
      target: { type: 'action', id: s.a.id },
      label: describeAction(s.a),
      data: actionEditOf(s.a),
      version: s.a.version,
      position: to,
    });
    grid.setRows(list);
    grid.focusCell(to, 'title');
    store.emit('local');
  };
  const up = h('button', { type: 'button', 'aria-label': 'Monter l’action sélectionnée' }, '↑ Monter');
  up.addEventListener('click', move(-1));
  const down = h('button', { type: 'button', 'aria-label': 'Descendre l’action sélectionnée' }, '↓ Descendre');
  down.addEventListener('click', move(1));

  guardButton(add, permissions.can(WRITE_CAPABILITIES.actionList), permissions.denial('ajouter une action'));
  guardButton(remove, permissions.can(WRITE_CAPABILITIES.actionList), permissions.denial('supprimer une action'));
  for (const button of [up, down]) guardButton(button, permissions.can(WRITE_CAPABILITIES.actionList), permissions.denial('changer l’ordre des actions'));

  const el = h(
    'article',
    { class: 'section-page wide' },
    h('h1', null, 'Liste des actions'),
    h('div', { class: 'toolbar' }, add, open, up, down, remove),
    host,
  );
  return {
    el,
    refresh: () => grid.refresh(),
    focus(path) {
      const m = /^actions\.(\d+)(?:\.(\w+))?/.exec(path);
      if (m) {
        grid.focusCell(Number(m[1]), m[2] === 'droitVise' || m[2] === 'statut' || m[2] === 'priorite' ? m[2] : 'title');
        return true;
      }
      return focusPath(el, path);
    },
    dispose: () => grid.destroy(),
  };
}
