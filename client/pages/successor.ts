import { formatDateTime } from '../../schemas/dates.ts';
import { programmeSpan, type Catalogue, type Programme } from '../../schemas/reference.ts';
import type { PlanLineage, SuccessorPreview } from '../../schemas/requests/successor.ts';
import { api, failureMessage, send } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import { sectionHref } from '../router.ts';
import { meCan } from '../state/me.ts';
import { confirmDialog, showModal, toast } from '../ui/dialog.ts';
import type { PageContext } from './context.ts';
import { describeLink, loadSuccessorModel, nextProgrammesOf, type CarryOverRow, type SuccessorModel } from './successor-model.ts';

/**
 * The plan's lineage in its frame: « Plan précédent : … » and « Plan suivant préparé : … » links under the title,
 * the « Préparer le plan suivant » button (the rules and the request are `successor-model.ts`), and, on a plan just
 * prepared, the banner that undoes the preparation until the plan is first saved.
 */

/** What the frame knows of the plan's place among programmes (from `GET /api/plans/:planId` and the programmes). */
export type LineageContext = { lineage: PlanLineage; programmes: readonly Programme[]; catalogue(programmeId: string): Promise<Catalogue> };

type Link = NonNullable<PlanLineage['predecessor']>;

const planLink = (link: Link, text = describeLink(link)) => h('a', { href: sectionHref(link.id, 'porteur'), title: describeLink(link) }, text);

/** « Plan précédent : PCS 3 (2020-2026) · Plan suivant préparé : PCS 4 (2027-2032) », or null for a plan with neither. */
export function lineageLinks({ lineage, programmes }: LineageContext): HTMLElement | null {
  if (!lineage.predecessor && !lineage.successor) return null;
  const short = (link: Link) => {
    const programme = programmes.find((p) => p.id === link.programmeId);
    return planLink(link, programme ? `${programme.shortName} (${programmeSpan(programme)})` : link.programmeLabel);
  };
  return h(
    'p',
    { class: 'plan-lineage', 'data-testid': 'plan-lineage' },
    lineage.predecessor ? h('span', null, 'Plan précédent : ', short(lineage.predecessor)) : null,
    lineage.predecessor && lineage.successor ? ' · ' : null,
    lineage.successor ? h('span', null, 'Plan suivant préparé : ', short(lineage.successor)) : null,
  );
}

/**
 * « Plan préparé depuis … le JJ/MM/AAAA — Annuler la préparation », while the plan is not saved since. Gone at the
 * first edit of the plan (the server then refuses the undoing anyway).
 */
export function preparationBanner(ctx: PageContext, { lineage }: LineageContext): HTMLElement | null {
  const from = lineage.predecessor;
  if (!lineage.preparedAt || !from || !meCan('create-plan')) return null;
  const undo = h('button', { type: 'button', 'data-testid': 'undo-preparation' }, 'Annuler la préparation');
  const banner = h(
    'p',
    { class: 'permission-banner preparation-banner', role: 'note', 'data-testid': 'preparation-banner' },
    'Plan préparé depuis ',
    planLink(from),
    ` le ${formatDateTime(lineage.preparedAt).split(' à ')[0]} : tant qu’il n’est pas modifié, la préparation peut être annulée. `,
    undo,
  );
  const unsubscribe = ctx.store.subscribe((reason) => {
    if (reason !== 'local') return;
    banner.hidden = true;
    unsubscribe();
  });
  undo.addEventListener('click', async () => {
    if (!(await confirmDialog('Annuler la préparation', `Le plan ${ctx.store.plan.commune} préparé sera supprimé.`, 'Supprimer le plan préparé'))) return;
    try {
      await send(api.plans[':planId'].preparation.$delete({ param: { planId: ctx.planId } }));
      toast('Préparation annulée.');
      location.hash = sectionHref(from.id, 'porteur');
    } catch (err) {
      toast(failureMessage(err), 'error');
    }
  });
  return banner;
}

/** « Préparer le plan suivant »: shown to the roles that make plans, when a programme follows the plan's. */
export function prepareSuccessorButton(ctx: PageContext, lineageCtx: LineageContext): HTMLElement | null {
  const [next] = nextProgrammesOf(lineageCtx.programmes, ctx.store.programme.id);
  if (!next || !meCan('create-plan')) return null;
  const button = h(
    'button',
    { type: 'button', class: 'header-button', 'aria-haspopup': 'dialog', 'data-testid': 'prepare-successor' },
    'Préparer le plan suivant',
  );
  button.addEventListener('click', async () => {
    try {
      const model = await loadSuccessorModel(next.id, {
        preview: (programmeId) =>
          send(api.plans[':planId'].successor.preview.$post({ param: { planId: ctx.planId }, json: { programmeId } })) as Promise<SuccessorPreview>,
        catalogue: lineageCtx.catalogue,
        prepare: (programmeId, fiches) => send(api.plans[':planId'].successor.$post({ param: { planId: ctx.planId }, json: { programmeId, fiches } })),
      });
      openSuccessorDialog(model);
    } catch (err) {
      toast(failureMessage(err), 'error');
    }
  });
  return button;
}

/** One row of the mapping table: « garder », the old fiche, the new code (select of the new catalogue), the proposal. */
function mappingRow(model: SuccessorModel, row: CarryOverRow, changed: () => void): HTMLElement {
  const keepId = uid('keep');
  const keep = h('input', { type: 'checkbox', id: keepId, checked: row.keep, 'data-testid': 'keep' });
  const select = h(
    'select',
    { 'aria-label': `Nouveau code de la fiche ${row.code}`, 'data-testid': 'new-code' },
    h('option', { value: '' }, '— aucun —'),
    model.codes.map((c) => h('option', { value: c.code, selected: c.code === row.chosen }, `${c.code} ${c.intitule}`)),
  );
  keep.addEventListener('change', () => {
    model.setKeep(row.actionId, keep.checked);
    changed();
  });
  select.addEventListener('change', () => {
    model.choose(row.actionId, select.value || null);
    keep.checked = row.keep;
    changed();
  });
  const proposal = row.suggestion ? `${row.suggestion.basis === 'code' ? 'même code' : 'par intitulé'} (${row.suggestion.score} %)` : 'aucune';
  return h(
    'tr',
    { 'data-action-id': row.actionId },
    h('td', null, keep),
    h('td', null, h('label', { for: keepId }, `Fiche ${row.code}`), row.operateur ? h('span', { class: 'hint' }, ` (${row.operateur})`) : null),
    h('td', null, row.intitule ?? 'hors catalogue'),
    h('td', null, select),
    h('td', null, proposal),
  );
}

/** The dialog: the mapping table, the fiches without a proposal, and « Préparer le plan » which opens the new plan. */
function openSuccessorDialog(model: SuccessorModel): void {
  const problem = h('p', { class: 'field-error', role: 'alert', 'data-testid': 'successor-problem' });
  const refresh = () => {
    problem.textContent = model.problem() ?? '';
  };
  const unmapped = model.unmapped();
  const cancel = h('button', { type: 'button' }, 'Annuler');
  const confirm = h('button', { type: 'button', class: 'primary', 'data-testid': 'confirm-successor' }, 'Préparer le plan');
  const dialog = h(
    'dialog',
    { class: 'dialog successor-dialog', 'aria-labelledby': 'successor-title', 'data-testid': 'successor-dialog' },
    h('h2', { id: 'successor-title' }, `Préparer le plan suivant — ${model.programme.label}`),
    h(
      'p',
      null,
      'Le nouveau plan reprend le porteur, l’identité, l’équipe, les partenaires, les transferts (sans montants) et les fiches gardées, avec le dernier réalisé de chaque indicateur comme valeur de référence.',
    ),
    h(
      'table',
      { class: 'successor-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Garder', 'Fiche', 'Intitulé', 'Nouveau code', 'Proposition'].map((t) => h('th', null, t)),
        ),
      ),
      h(
        'tbody',
        null,
        model.rows.map((r) => mappingRow(model, r, refresh)),
      ),
    ),
    unmapped.length
      ? h(
          'p',
          { 'data-testid': 'unmapped' },
          'Sans correspondance proposée : ',
          unmapped.map((r) => `Fiche ${r.code}${r.intitule ? ` (${r.intitule})` : ''}`).join(', '),
        )
      : null,
    problem,
    h('div', { class: 'dialog-buttons' }, cancel, confirm),
  );
  let busy = false;
  const close = showModal(dialog, { onClosed: () => {}, focus: confirm, dismissWith: cancel, canDismiss: () => !busy });
  confirm.addEventListener('click', async () => {
    busy = true;
    confirm.disabled = true;
    try {
      const planId = await model.prepare();
      busy = false;
      close();
      toast('Plan suivant préparé.');
      location.hash = sectionHref(planId, 'porteur');
    } catch (err) {
      busy = false;
      confirm.disabled = false;
      replaceChildren(problem, err instanceof Error && !('body' in err) ? err.message : failureMessage(err));
    }
  });
  refresh();
}
