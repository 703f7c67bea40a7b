import type { ApiIssue } from '../../schemas/errors.ts';
import { ApiFailure, NetworkFailure } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import { showModal, toast } from '../ui/dialog.ts';
import type { PageContext } from './context.ts';
import { reloadPlan, waitForSaves } from './saves.ts';

/**
 * The dialog of a file import with a preview (the edited workbook, the E-compte imputations): choose a file, wait
 * for the page's pending saves, see the preview or every problem of the file, apply with the preview's fingerprint
 * or cancel; a plan changed since the preview asks for a new one; once applied, the plan is reloaded in the page.
 * What differs between imports (the request, the preview's table, the wording) is given by `spec`.
 */

type Preview = { fingerprint: string };

export type FileImportSpec<P extends Preview> = {
  /** Prefix of the data-testid of the dialog and its parts (`import` → `import-dialog`, `import-apply`…). */
  testId: string;
  title: string;
  hint: (string | Node)[];
  fileLabel: string;
  accept: string;
  /** Why the chosen file is not even sent (its name or size), or null. */
  refuseFile: (file: File) => string | null;
  /** Sends the file: a preview, or with `fingerprint` the applied import. */
  send: (file: File, fingerprint: string | null) => Promise<P | (P & { applied: true })>;
  renderPreview: (preview: P) => Node;
  /** The apply button's label, or null when there is nothing to apply. */
  applyLabel: (preview: P) => string | null;
  /** Toast once applied. */
  appliedMessage: (answer: P) => string;
  reloadFailedMessage: string;
  conflictMessage: string;
  tooLargeMessage: string;
  /** The lines of the refusal: every issue worth listing, and the sentence above them. */
  describeRefusal: (message: string, issues: ApiIssue[]) => { heading: string; issues: ApiIssue[] };
  /** Where an issue is, shown before its message (a workbook's `Sheet!A1`); absent when the message says it. */
  placeOf?: (issue: ApiIssue) => string | null;
  retryHint: string;
};

type Phase = 'idle' | 'busy' | 'preview' | 'conflict';

/** Opens the dialog; resolves when it is closed. */
export function openFileImportDialog<P extends Preview>(ctx: PageContext, spec: FileImportSpec<P>): Promise<void> {
  return new Promise((resolve) => {
    const titleId = uid(`${spec.testId}-title`);
    const inputId = uid(`${spec.testId}-file`);
    const hintId = uid(`${spec.testId}-hint`);
    const dialog = h('dialog', { class: 'dialog import-dialog', 'aria-labelledby': titleId, 'data-testid': `${spec.testId}-dialog` });
    const input = h('input', { type: 'file', id: inputId, accept: spec.accept, 'aria-describedby': hintId, 'data-testid': `${spec.testId}-file` });
    const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
    const cancelButton = h('button', { type: 'button', 'data-testid': `${spec.testId}-cancel` }, 'Annuler');
    const retryButton = h('button', { type: 'button', hidden: true, 'data-testid': `${spec.testId}-retry` }, 'Relancer l’aperçu');
    const applyButton = h('button', { type: 'button', class: 'primary', hidden: true, 'data-testid': `${spec.testId}-apply` }, '');
    dialog.append(
      h('h2', { id: titleId }, spec.title),
      h('p', { class: 'hint', id: hintId }, ...spec.hint),
      h('div', { class: 'field' }, h('label', { for: inputId }, spec.fileLabel), input),
      result,
      h('div', { class: 'dialog-buttons' }, cancelButton, retryButton, applyButton),
    );

    let file: File | null = null;
    let preview: P | null = null;
    let phase: Phase = 'idle';
    let closed = false;
    /** Answers of a superseded request (another file chosen meanwhile) are ignored. */
    let requestId = 0;

    function setPhase(next: Phase): void {
      phase = next;
      const busy = next === 'busy';
      dialog.setAttribute('aria-busy', String(busy));
      input.disabled = busy;
      const label = preview ? spec.applyLabel(preview) : null;
      applyButton.hidden = next !== 'preview' || label === null;
      applyButton.disabled = busy;
      applyButton.textContent = label ?? '';
      retryButton.hidden = next !== 'conflict';
    }

    function showMessage(message: string, kind: 'info' | 'error' = 'info'): void {
      replaceChildren(result, h('p', { class: `import-message ${kind}`, role: kind === 'error' ? 'alert' : null }, message));
    }

    function showErrors(message: string, all: ApiIssue[]): void {
      const { heading, issues } = spec.describeRefusal(message, all);
      replaceChildren(
        result,
        h(
          'div',
          { class: 'import-errors', role: 'alert', 'data-testid': `${spec.testId}-errors` },
          h('p', { class: 'import-message error' }, heading),
          issues.length > 0 &&
            h(
              'ul',
              null,
              issues.map((i) => {
                const place = spec.placeOf?.(i) ?? null;
                return h('li', { 'data-path': i.path }, place && h('span', { class: 'import-place' }, place), place && ' — ', i.message);
              }),
            ),
          h('p', { class: 'hint' }, spec.retryHint),
        ),
      );
    }

    function showFailure(err: unknown): void {
      preview = null;
      if (err instanceof ApiFailure) {
        if (err.status === 409) {
          setPhase('conflict');
          showMessage(spec.conflictMessage, 'error');
          retryButton.focus();
          return;
        }
        setPhase('idle');
        if (err.status === 413) showMessage(err.body.message || spec.tooLargeMessage, 'error');
        else showErrors(err.body.message, err.body.issues);
        return;
      }
      setPhase('idle');
      showMessage(
        err instanceof NetworkFailure
          ? 'Le serveur ne répond pas : vérifiez la connexion puis choisissez à nouveau le fichier.'
          : `Erreur inattendue : ${err instanceof Error ? err.message : String(err)}`,
        'error',
      );
    }

    async function upload(apply: boolean): Promise<void> {
      if (!file) return;
      const id = ++requestId;
      const chosen = file;
      const fingerprint = apply ? (preview?.fingerprint ?? null) : null;
      setPhase('busy');
      if (ctx.queue.pending > 0) {
        showMessage('Enregistrement des modifications en cours…');
        if (!(await waitForSaves(ctx))) {
          if (id !== requestId || closed) return;
          preview = null;
          setPhase('idle');
          showMessage('Des modifications du plan ne sont pas encore enregistrées : attendez « Enregistré » puis choisissez à nouveau le fichier.', 'error');
          return;
        }
      }
      if (id !== requestId || closed) return;
      showMessage(apply ? 'Import en cours…' : 'Lecture du fichier…');
      try {
        const answer = await spec.send(chosen, fingerprint);
        if (id !== requestId || closed) return;
        if (apply && 'applied' in answer && answer.applied) {
          close();
          toast(spec.appliedMessage(answer));
          try {
            await reloadPlan(ctx);
          } catch {
            toast(spec.reloadFailedMessage, 'error');
          }
          return;
        }
        preview = answer;
        setPhase('preview');
        replaceChildren(result, spec.renderPreview(answer));
        if (!applyButton.hidden) applyButton.focus();
      } catch (err) {
        if (id !== requestId || closed) return;
        showFailure(err);
      }
    }

    function choose(): void {
      requestId += 1;
      preview = null;
      file = input.files?.[0] ?? null;
      if (!file) {
        setPhase('idle');
        replaceChildren(result);
        return;
      }
      const refused = spec.refuseFile(file);
      if (refused) {
        setPhase('idle');
        showMessage(refused, 'error');
        return;
      }
      void upload(false);
    }

    input.addEventListener('change', choose);
    applyButton.addEventListener('click', () => void upload(true));
    retryButton.addEventListener('click', () => void upload(false));
    setPhase('idle');
    const close = showModal(dialog, {
      onClosed: () => {
        closed = true;
        resolve();
      },
      focus: input,
      dismissWith: cancelButton,
      // Once the writing has started, it completes (or fails) as a whole: the dialog waits for its answer.
      canDismiss: () => !(phase === 'busy' && preview),
    });
  });
}
