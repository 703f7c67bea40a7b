import type { ChecklistDetail, ChecklistItem, JustifiedDetail } from '../../../schemas/submission.ts';
import { h, uid } from '../../dom.ts';
import type { PageContext } from '../context.ts';
import { justificationView, openJustifyDialog } from '../finance/justify.ts';
import { guardButton } from '../read-only.ts';
import { completenessFinding, type ReportModel, type SubmitState } from './model.ts';

/** A checklist item's values listed openly up to this many; more are behind a disclosure. */
const OPEN_DETAILS = 8;

/** What the parts of the report page draw with: the page's context, its model, and the address of a value. */
export type ReportView = { ctx: PageContext; model: ReportModel; href(path: string): string };

/**
 * "Justifier" next to a missing value the form allows to excuse (a fiche printed with its header only, an actual
 * that cannot be measured): the same justification as a finding's, in the signed-in person's name.
 */
function justifyButton({ ctx, model }: ReportView, d: ChecklistDetail, justification: JustifiedDetail['justification'] | null): HTMLElement | null {
  const key = d.key;
  if (key === null) return null;
  const button = h(
    'button',
    { type: 'button', class: 'justify-button', 'data-testid': 'checklist-justify', 'aria-haspopup': 'dialog' },
    justification ? 'Modifier la justification' : 'Justifier',
  );
  button.addEventListener('click', () => void openJustifyDialog(ctx, completenessFinding({ ...d, key }, justification)));
  guardButton(button, model.canJustify(), model.justifyDenial());
  return button;
}

function detailsOf(view: ReportView, item: ChecklistItem): HTMLElement[] {
  const out: HTMLElement[] = [];
  const link = (d: ChecklistDetail) => h('a', { href: view.href(d.path), 'data-path': d.path }, d.message);
  if (item.details.length > 0) {
    const list = h(
      'ul',
      { class: 'checklist-details' },
      item.details.map((d) => h('li', { 'data-testid': 'checklist-detail', 'data-key': d.key }, link(d), ' ', justifyButton(view, d, null))),
    );
    out.push(
      item.details.length <= OPEN_DETAILS
        ? list
        : h('details', { class: 'checklist-more' }, h('summary', null, `Voir les ${item.details.length} valeurs à compléter`), list),
    );
  }
  if (item.justified.length > 0) {
    const n = item.justified.length;
    out.push(
      h(
        'details',
        { class: 'checklist-justified', 'data-testid': 'checklist-justified' },
        h('summary', null, `${n} exception${n > 1 ? 's' : ''} justifiée${n > 1 ? 's' : ''}`),
        h(
          'ul',
          null,
          item.justified.map((d) => h('li', { 'data-key': d.key }, link(d), justificationView(d.justification), justifyButton(view, d, d.justification))),
        ),
      ),
    );
  }
  return out;
}

/** What is still missing before the submission: one line per item, ✓ or ✗, with the values to fill. */
export function checklistView(view: ReportView): HTMLElement {
  return h(
    'ul',
    { class: 'report-checklist', 'data-testid': 'report-checklist' },
    view.model
      .checklist()
      .map((item) =>
        h(
          'li',
          { class: item.ok ? 'checklist-ok' : 'checklist-missing', 'data-item': item.id, 'data-ok': String(item.ok), 'data-testid': 'checklist-item' },
          h('span', { class: 'checklist-mark', 'aria-hidden': 'true' }, item.ok ? '✓' : '✗'),
          h('span', { class: 'visually-hidden' }, item.ok ? 'Complet : ' : 'À compléter : '),
          h('span', { class: 'checklist-label' }, item.label),
          item.ok ? null : h('span', { class: 'checklist-count', 'data-testid': 'checklist-count' }, ` — ${item.details.length} à compléter`),
          detailsOf(view, item),
        ),
      ),
  );
}

/** "Soumettre le rapport {année}" (« Soumettre « Plan initial 2027 » »), disabled with its reason, or why the role may not submit. */
export function submitView(name: string, state: SubmitState, onSubmit: () => void): HTMLElement[] {
  if (state.kind === 'unavailable') return [h('p', { class: 'hint', 'data-testid': 'submit-unavailable' }, state.text)];
  const { reason } = state;
  const reasonId = uid('submit-reason');
  const button = h(
    'button',
    { type: 'button', class: 'primary', 'data-testid': 'report-submit', 'aria-describedby': reason ? reasonId : null, 'aria-haspopup': 'dialog' },
    `Soumettre ${name}`,
  );
  button.disabled = state.disabled;
  if (reason) button.title = reason;
  button.addEventListener('click', onSubmit);
  return reason ? [button, h('p', { class: 'hint', id: reasonId, 'data-testid': 'submit-reason' }, reason)] : [button];
}
