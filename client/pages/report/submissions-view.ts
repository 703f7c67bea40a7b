import { formatDateTime } from '../../../schemas/dates.ts';
import { ANNUAL_REPORT_KIND } from '../../../schemas/reference.ts';
import { MESSAGE_KIND_LABELS, SUBMISSION_STATUS_LABELS, THREAD_STATUS_LABELS, type ReviewThread, type Submission } from '../../../schemas/submission.ts';
import { h } from '../../dom.ts';
import type { ReportView } from './checklist-view.ts';
import { decisionDialog } from './decision-dialog.ts';
import { fileHref, type DecisionKind, type SubmissionEntry } from './model.ts';

function fileLink(planId: string, s: Submission, kind: 'pdf' | 'xlsx'): HTMLElement {
  const hash = kind === 'pdf' ? s.pdfSha256 : s.xlsxSha256;
  return h(
    'li',
    { class: 'submission-file' },
    h('a', { href: fileHref(planId, s, kind), download: true, 'data-testid': `submission-${kind}` }, kind === 'pdf' ? 'PDF' : 'XLSX'),
    ' — SHA-256 : ',
    h('code', { class: 'sha256', 'data-testid': `submission-${kind}-sha256` }, hash ?? '—'),
  );
}

function filesOf(planId: string, s: Submission): HTMLElement {
  if (s.fichiers === 'prets') return h('ul', { class: 'submission-files' }, fileLink(planId, s, 'pdf'), fileLink(planId, s, 'xlsx'));
  // Files generated at their first download (regional demonstration data), or again after a failed generation: the
  // links work, the hashes come then.
  if (s.fichiers === 'a-generer' || s.fichiers === 'echec')
    return h(
      'div',
      null,
      h('p', { class: s.fichiers === 'echec' ? 'import-message error' : 'hint' }, s.message),
      h('ul', { class: 'submission-files' }, fileLink(planId, s, 'pdf'), fileLink(planId, s, 'xlsx')),
    );
  return h('p', { class: 'hint' }, s.message);
}

function changesOf(s: Submission): HTMLElement | null {
  if (s.numero === 1) return null;
  const n = s.changements.length;
  if (n === 0) return h('p', { class: 'hint', 'data-testid': 'submission-changes' }, 'Aucune valeur modifiée depuis la soumission précédente.');
  return h(
    'details',
    { class: 'submission-changes', 'data-testid': 'submission-changes' },
    h('summary', null, `${n} valeur${n > 1 ? 's' : ''} modifiée${n > 1 ? 's' : ''} depuis la soumission précédente`),
    h(
      'ul',
      null,
      s.changements.map((c) =>
        h('li', null, `${c.label} : `, h('span', { class: 'old' }, c.oldText || 'vide'), ' → ', h('span', { class: 'new' }, c.newText || 'vide')),
      ),
    ),
  );
}

/** Each decision's button and dialog (its texts, whether its motif is required); `name` says what is decided on (« le rapport 2021 »). */
function decisionSpec(kind: DecisionKind, year: number, name: string, s: Submission) {
  const Name = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  switch (kind) {
    case 'approve':
      return {
        label: 'Approuver',
        testId: 'report-approve',
        cls: 'primary',
        title: `Approuver ${name}`,
        text: `${Name} (soumission n°${s.numero}) sera approuvé ; ses valeurs restent en lecture seule.`,
        fieldLabel: 'Commentaire (facultatif)',
        required: false,
        dialogTestId: 'approve-dialog',
      };
    case 'return':
      return {
        label: 'Retourner à la commune',
        testId: 'report-return',
        cls: '',
        title: `Retourner ${name} à la commune`,
        text: `La commune pourra à nouveau modifier les valeurs ${year}, puis soumettre ${name} une nouvelle fois. Dites-lui ce qu’il faut revoir.`,
        fieldLabel: 'Motif du retour',
        required: true,
        dialogTestId: 'return-dialog',
      };
    case 'reopen':
      return {
        label: s.kind === ANNUAL_REPORT_KIND ? 'Rouvrir le rapport' : 'Rouvrir',
        testId: 'report-reopen',
        cls: '',
        title: `Rouvrir ${name}`,
        text: `Les valeurs ${year} redeviendront modifiables ; ${name} devra être soumis à nouveau. Le motif est enregistré dans l’historique du plan.`,
        fieldLabel: 'Motif de la réouverture',
        required: true,
        dialogTestId: 'reopen-dialog',
      };
  }
}

/** The buttons of the decisions the person may take on the latest submission. */
function decisionsOf({ model }: ReportView, s: Submission, kinds: readonly DecisionKind[]): HTMLElement | null {
  if (kinds.length === 0) return null;
  const buttons = kinds.map((kind) => {
    const spec = decisionSpec(kind, model.year, model.name(), s);
    const b = h('button', { type: 'button', class: spec.cls, 'data-testid': spec.testId, 'aria-haspopup': 'dialog', disabled: model.isBusy() }, spec.label);
    const ask = (run: (motif: string | null) => Promise<unknown>) => decisionDialog({ ...spec, confirmLabel: spec.label, testId: spec.dialogTestId, run });
    b.addEventListener('click', () => void model.decide(kind, s, ask));
    return b;
  });
  return h('div', { class: 'submission-decisions' }, buttons);
}

/** One submission: its number and status, who submitted it and when, the decision, its files and changes. */
export function submissionView(view: ReportView, { submission: s, isLatest, decisions }: SubmissionEntry): HTMLElement {
  const decision = s.decideLe
    ? [
        h('dt', null, s.statut === 'approuve' ? 'Approbation' : s.statut === 'retourne' ? 'Retour' : 'Réouverture'),
        h('dd', { 'data-testid': 'submission-decision' }, `${s.decidePar ?? '—'}, le ${formatDateTime(s.decideLe)}`),
        s.motif ? h('dt', null, s.statut === 'approuve' ? 'Commentaire' : 'Motif') : null,
        s.motif ? h('dd', { 'data-testid': 'submission-motif' }, h('q', null, s.motif)) : null,
      ]
    : [];
  return h(
    'li',
    { class: `submission submission-${s.statut}`, 'data-testid': 'submission', 'data-numero': s.numero, 'data-status': s.statut },
    h(
      'h3',
      null,
      `Soumission n°${s.numero}`,
      ' ',
      h('span', { class: `status-badge submission-status-${s.statut}`, 'data-testid': 'submission-status' }, SUBMISSION_STATUS_LABELS[s.statut]),
    ),
    h(
      'dl',
      { class: 'submission-meta' },
      h('dt', null, 'Soumise'),
      h('dd', null, `le ${formatDateTime(s.soumisLe)} par ${s.soumisPar}`),
      decision,
      h('dt', null, 'Fichiers'),
      h('dd', null, filesOf(view.ctx.planId, s)),
    ),
    changesOf(s),
    isLatest ? decisionsOf(view, s, decisions) : null,
  );
}

/** One of the DiCS's questions: the value it is on, its status, who asked, and the latest message. */
export function threadView(view: ReportView, t: ReviewThread): HTMLElement {
  const last = t.messages[t.messages.length - 1];
  // The question alone is said once; after an answer, the latest message follows it.
  const latestMessage =
    last && t.messages.length > 1
      ? h(
          'p',
          { class: 'report-thread-last' },
          `${MESSAGE_KIND_LABELS[last.nature]} de ${last.auteur}, le ${formatDateTime(last.at)} : `,
          h('q', null, last.texte),
        )
      : last
        ? h('p', { class: 'report-thread-last' }, h('q', null, last.texte))
        : null;
  return h(
    'li',
    { class: `report-thread report-thread-${t.statut}`, 'data-testid': 'report-thread', 'data-status': t.statut },
    h('a', { href: view.href(t.chemin) }, t.libelle),
    ' ',
    h('span', { class: `status-badge thread-status-${t.statut}` }, THREAD_STATUS_LABELS[t.statut]),
    h('p', { class: 'hint' }, `Question de ${t.ouvertPar}, le ${formatDateTime(t.ouvertLe)}`),
    latestMessage,
  );
}
