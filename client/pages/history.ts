import { CHANGE_ORIGIN_LABELS, actionPathPrefix, describeEvent, describePath, describeScope, type AuditEntry } from '../../schemas/audit.ts';
import { describeAction } from '../../schemas/action.ts';
import { formatDateTime } from '../../schemas/dates.ts';
import { api, send, failureMessage } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import type { GridCellAction } from '../grid/grid.ts';
import { showModal } from '../ui/dialog.ts';
import type { PageContext } from './context.ts';
import { waitForSaves } from './saves.ts';

/**
 * The history panel: who changed what, when, from where and why, newest first, for the whole plan, one fiche action
 * or one cell (`GET /api/plans/:id/history?chemin=…`), with the same entries as an XLSX download.
 */

/** Entries shown in the panel; the export goes further back. */
const PANEL_LIMIT = 200;
const EXPORT_LIMIT = 5000;
/** Values listed at once under an entry (loading the sample writes thousands in one entry). */
const VALUES_SHOWN = 25;

export type HistoryScope = { kind: 'plan' } | { kind: 'fiche'; actionId: string } | { kind: 'cell'; path: string };

function chemin(scope: HistoryScope): string | null {
  return scope.kind === 'plan' ? null : scope.kind === 'fiche' ? actionPathPrefix(scope.actionId) : scope.path;
}

function titleOf(ctx: PageContext, scope: HistoryScope): { title: string; subject: string | null } {
  const plan = ctx.store.plan;
  if (scope.kind === 'plan') return { title: 'Historique du plan', subject: `Plan de Cohésion sociale — ${plan.commune}` };
  if (scope.kind === 'fiche') {
    const action = plan.actions.find((a) => a.id === scope.actionId);
    return { title: 'Historique de la fiche', subject: action ? describeAction(action) : describeScope(describePath(plan, chemin(scope)!)) };
  }
  return { title: 'Historique de la cellule', subject: describePath(plan, scope.path) };
}

/** `/api/plans/<id>/history.xlsx?chemin=…`: the download of the panel's entries (and older ones). */
export function historyExportHref(planId: string, scope: HistoryScope): string {
  const query = new URLSearchParams({ limite: String(EXPORT_LIMIT) });
  const path = chemin(scope);
  if (path) query.set('chemin', path);
  return `/api/plans/${encodeURIComponent(planId)}/history.xlsx?${query}`;
}

function valueItem(v: AuditEntry['values'][number]): HTMLElement {
  return h(
    'li',
    { 'data-path': v.path },
    h('span', { class: 'history-label' }, v.label),
    ' : ',
    h('span', { class: 'history-old' }, v.oldText),
    ' → ',
    h('span', { class: 'history-new' }, v.newText),
  );
}

function valuesList(entry: AuditEntry): HTMLElement | null {
  if (!entry.values.length) return null;
  const list = h('ul', { class: 'history-values' }, entry.values.slice(0, VALUES_SHOWN).map(valueItem));
  const rest = entry.values.length - VALUES_SHOWN;
  if (rest <= 0) return list;
  const more = h('button', { type: 'button', class: 'link-button' }, `Afficher les ${rest} autres valeurs`);
  more.addEventListener('click', () => {
    list.append(...entry.values.slice(VALUES_SHOWN).map(valueItem));
    more.remove();
  });
  return h('div', null, list, more);
}

function entryItem(entry: AuditEntry): HTMLElement {
  const headingId = uid('history-entry');
  return h(
    'li',
    { class: 'history-entry', 'data-testid': 'history-entry', 'aria-labelledby': headingId },
    h(
      'h3',
      { id: headingId },
      h('time', { datetime: entry.at }, formatDateTime(entry.at)),
      ' — ',
      h('span', { class: 'history-person' }, entry.userName),
      h('span', { class: 'history-role' }, ` (${entry.userRole})`),
    ),
    h(
      'p',
      { class: 'history-meta' },
      h('span', { class: 'history-origin' }, `Origine : ${CHANGE_ORIGIN_LABELS[entry.origin] ?? entry.origin}`),
      entry.event !== 'modification' || entry.summary ? h('span', { class: 'history-event' }, ` · ${describeEvent(entry)}`) : null,
    ),
    entry.reason ? h('p', { class: 'history-reason' }, `Motif : ${entry.reason}`) : null,
    valuesList(entry),
  );
}

/** Opens the history of the plan, a fiche or a cell in a dialog; edits still being saved are waited for first. */
export function openHistory(ctx: PageContext, scope: HistoryScope): void {
  const { title, subject } = titleOf(ctx, scope);
  const titleId = uid('history-title');
  const status = h('p', { class: 'hint', role: 'status', 'data-testid': 'history-status' }, 'Chargement de l’historique…');
  const list = h('ol', { class: 'history-list', 'aria-label': title, 'data-testid': 'history-list' });
  const exportLink = h(
    'a',
    { href: historyExportHref(ctx.planId, scope), download: true, class: 'button-link', 'data-testid': 'history-export' },
    'Exporter (XLSX)',
  );
  const closeButton = h('button', { type: 'button' }, 'Fermer');
  const dialog = h(
    'dialog',
    { class: 'dialog history-dialog', 'aria-labelledby': titleId, 'data-testid': 'history-dialog', 'data-scope': scope.kind },
    h('h2', { id: titleId }, title),
    subject ? h('p', { class: 'history-subject' }, subject) : null,
    h('div', { class: 'toolbar' }, exportLink, h('span', { class: 'hint' }, 'Toutes les modifications, de la plus récente à la plus ancienne.')),
    status,
    list,
    h('div', { class: 'dialog-buttons' }, closeButton),
  );
  let open = true;
  showModal(dialog, { onClosed: () => (open = false), focus: closeButton, dismissWith: closeButton });

  void (async () => {
    const saved = await waitForSaves(ctx);
    if (!open) return;
    try {
      const path = chemin(scope);
      const query = path ? { chemin: path, limite: String(PANEL_LIMIT) } : { limite: String(PANEL_LIMIT) };
      const entries = await send(api.plans[':planId'].history.$get({ param: { planId: ctx.planId }, query }));
      if (!open) return;
      replaceChildren(list, entries.map(entryItem));
      const pending = saved ? '' : ' Des modifications en cours d’enregistrement n’y figurent pas encore.';
      status.textContent =
        entries.length === 0
          ? `Aucune modification enregistrée.${pending}`
          : `${entries.length === PANEL_LIMIT ? `Les ${PANEL_LIMIT} dernières modifications` : `${entries.length} modification${entries.length > 1 ? 's' : ''}`}.${pending}`;
    } catch (err) {
      status.textContent = failureMessage(err);
      status.classList.add('field-error');
    }
  })();
}

/** "Historique" in the plan's frame: the history of the whole plan. */
export function planHistoryButton(ctx: PageContext): HTMLElement {
  const button = h('button', { type: 'button', class: 'header-button', 'aria-haspopup': 'dialog', 'data-testid': 'plan-history' }, 'Historique');
  button.addEventListener('click', () => openHistory(ctx, { kind: 'plan' }));
  return button;
}

/** "Historique de la fiche" on a fiche action's page. */
export function ficheHistoryButton(ctx: PageContext, actionId: string): HTMLElement {
  const button = h('button', { type: 'button', 'aria-haspopup': 'dialog', 'data-testid': 'fiche-history' }, 'Historique de la fiche');
  button.addEventListener('click', () => openHistory(ctx, { kind: 'fiche', actionId }));
  return h(
    'p',
    { class: 'history-hint' },
    button,
    h('span', { class: 'hint' }, ' Pour une case d’un tableau : clic droit (ou Maj+F10) › « Historique de la cellule ».'),
  );
}

/**
 * The grid's context-menu entry "Historique de la cellule", for a page that names the audit path of its cells
 * (`null` for a computed cell, which has no history of its own).
 */
export function cellHistoryAction<R>(ctx: PageContext, pathOf: (row: R, key: string) => string | null): GridCellAction<R> {
  return {
    label: 'Historique de la cellule',
    isAvailable: (row, key) => pathOf(row, key) !== null,
    run(row, key) {
      const path = pathOf(row, key);
      if (path) openHistory(ctx, { kind: 'cell', path });
    },
  };
}
