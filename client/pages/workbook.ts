import type { ApiIssue } from '../../schemas/errors.ts';
import { formatBelgianNumber } from '../../schemas/numbers.ts';
import type { Plan } from '../../schemas/plan.ts';
import { MAX_IMPORT_BYTES, type ImportChange, type ImportPreview, type ImportResult } from '../../schemas/workbook-import.ts';
import { api, send, ApiFailure, NetworkFailure } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import { toast } from '../ui/dialog.ts';
import type { PageContext } from './context.ts';

/**
 * The official workbook in the plan header: "Exporter en XLSX" downloads it; "Importer un XLSX…" sends an edited
 * export back, shows every value that differs from the stored plan (or the problems of the workbook), and writes
 * them all at once when the user applies them, then reloads the plan in the page.
 */

/** How long the export and the import wait for the edits still being saved before going on. */
const SAVE_WAIT_MS = 15_000;

const MAX_IMPORT_MB = MAX_IMPORT_BYTES / 1024 / 1024;

/** "1 modification", "12 modifications", "1.204 modifications". */
export function countChanges(n: number, suffix = ''): string {
  return `${formatBelgianNumber(n, 0)} modification${n > 1 ? 's' : ''}${suffix ? ` ${suffix}${n > 1 ? 's' : ''}` : ''}`;
}

function applyLabel(n: number): string {
  return n === 1 ? 'Appliquer la modification' : `Appliquer les ${formatBelgianNumber(n, 0)} modifications`;
}

/** Waits until every edit of the page is saved; false when some are still waiting after `SAVE_WAIT_MS`. */
export async function waitForSaves(ctx: PageContext): Promise<boolean> {
  const deadline = Date.now() + SAVE_WAIT_MS;
  while (ctx.queue.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return ctx.queue.pending === 0;
}

/** Replaces the plan of the page with the server's and redraws the page, the navigation and the checks. */
export async function reloadPlan(ctx: PageContext): Promise<void> {
  const plan = (await send(api.plans[':planId'].$get({ param: { planId: ctx.planId } }))) as unknown as Plan;
  ctx.store.plan = plan;
  ctx.store.emit('external');
}

/** The two header controls: the export link and the import button. */
export function workbookControls(ctx: PageContext): HTMLElement {
  const exportLink = h(
    'a',
    {
      href: `/api/plans/${encodeURIComponent(ctx.planId)}/export.xlsx`,
      download: true,
      class: 'button-link header-button',
      'data-testid': 'export-xlsx',
      title: 'Télécharger le plan au format du classeur officiel (XLSX)',
    },
    'Exporter en XLSX',
  );
  // Edits still being saved would be missing from the workbook: wait for them, then download.
  let waited = false;
  exportLink.addEventListener('click', (e) => {
    if (waited || ctx.queue.pending === 0) {
      waited = false;
      return;
    }
    e.preventDefault();
    toast('Enregistrement des modifications en cours : l’export suivra.');
    void waitForSaves(ctx).then((saved) => {
      if (!saved) {
        toast('Des modifications ne sont pas encore enregistrées : l’export ne les contiendra pas.', 'error');
      }
      waited = true;
      exportLink.click();
    });
  });

  const importButton = h(
    'button',
    { type: 'button', class: 'header-button', 'data-testid': 'import-xlsx', 'aria-haspopup': 'dialog' },
    'Importer un XLSX…',
  );
  importButton.addEventListener('click', () => void openImportDialog(ctx));
  return h('div', { class: 'workbook-controls', role: 'group', 'aria-label': 'Classeur XLSX' }, exportLink, importButton);
}

type Phase = 'idle' | 'busy' | 'preview' | 'conflict';

/** The import dialog: choose a file, see the preview or the problems, apply or cancel. Resolves when closed. */
export function openImportDialog(ctx: PageContext): Promise<void> {
  return new Promise((resolve) => {
    const titleId = uid('import-title');
    const inputId = uid('import-file');
    const hintId = uid('import-hint');
    const dialog = h('dialog', { class: 'dialog import-dialog', 'aria-labelledby': titleId, 'data-testid': 'import-dialog' });
    const input = h('input', {
      type: 'file',
      id: inputId,
      accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'aria-describedby': hintId,
      'data-testid': 'import-file',
    });
    const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
    const cancelButton = h('button', { type: 'button' }, 'Annuler');
    const retryButton = h('button', { type: 'button', hidden: true, 'data-testid': 'import-retry' }, 'Relancer l’aperçu');
    const applyButton = h('button', { type: 'button', class: 'primary', hidden: true, 'data-testid': 'import-apply' }, '');

    dialog.append(
      h('h2', { id: titleId }, 'Importer un classeur XLSX'),
      h(
        'p',
        { class: 'hint', id: hintId },
        `Choisissez un classeur exporté par Cohésio puis modifié (${MAX_IMPORT_MB} Mo au plus). `,
        'Les différences avec le plan enregistré sont affichées avant toute écriture.',
      ),
      h('div', { class: 'field' }, h('label', { for: inputId }, 'Classeur (.xlsx)'), input),
      result,
      h('div', { class: 'dialog-buttons' }, cancelButton, retryButton, applyButton),
    );

    let file: File | null = null;
    let preview: ImportPreview | null = null;
    let phase: Phase = 'idle';
    let closed = false;
    /** Answers of a superseded request (another file chosen meanwhile) are ignored. */
    let requestId = 0;

    function setPhase(next: Phase): void {
      phase = next;
      const busy = next === 'busy';
      dialog.setAttribute('aria-busy', String(busy));
      input.disabled = busy;
      const count = preview?.changes.length ?? 0;
      applyButton.hidden = next !== 'preview' || count === 0;
      applyButton.disabled = busy;
      applyButton.textContent = applyLabel(count);
      retryButton.hidden = next !== 'conflict';
    }

    function showMessage(message: string, kind: 'info' | 'error' = 'info'): void {
      replaceChildren(result, h('p', { class: `import-message ${kind}`, role: kind === 'error' ? 'alert' : null }, message));
    }

    function showFailure(err: unknown): void {
      if (err instanceof ApiFailure) {
        if (err.status === 409) {
          preview = null;
          setPhase('conflict');
          showMessage('Le plan a été modifié depuis l’aperçu : relancez l’aperçu.', 'error');
          retryButton.focus();
          return;
        }
        setPhase('idle');
        preview = null;
        if (err.status === 413) {
          showMessage(err.body.message || `Le fichier dépasse ${MAX_IMPORT_MB} Mo.`, 'error');
          return;
        }
        showErrors(err.body.message, err.body.issues);
        return;
      }
      preview = null;
      setPhase('idle');
      showMessage(
        err instanceof NetworkFailure
          ? 'Le serveur ne répond pas : vérifiez la connexion puis choisissez à nouveau le fichier.'
          : `Erreur inattendue : ${err instanceof Error ? err.message : String(err)}`,
        'error',
      );
    }

    function showErrors(message: string, all: ApiIssue[]): void {
      // An issue of the upload itself (path "file") repeats the message: only places in the workbook are listed.
      const issues = all.filter((i) => i.path.includes('!') || !message.includes(i.message));
      replaceChildren(
        result,
        h(
          'div',
          { class: 'import-errors', role: 'alert', 'data-testid': 'import-errors' },
          h(
            'p',
            { class: 'import-message error' },
            // The listed places say it all; the server's sentence (which repeats the first one) is for the other cases.
            issues.length > 0
              ? `Import refusé : ${formatBelgianNumber(issues.length, 0)} problème${issues.length > 1 ? 's' : ''} dans le classeur.`
              : message || 'Le classeur ne peut pas être importé.',
          ),
          issues.length > 0 &&
            h(
              'ul',
              null,
              issues.map((i) => h('li', null, i.path && h('span', { class: 'import-place' }, i.path), i.path && ' — ', i.message)),
            ),
          h('p', { class: 'hint' }, 'Rien n’a été enregistré. Corrigez le classeur puis choisissez-le à nouveau.'),
        ),
      );
    }

    function showPreview(p: ImportPreview): void {
      const n = p.changes.length;
      if (n === 0) {
        replaceChildren(
          result,
          h('p', { class: 'import-message', 'data-testid': 'import-preview', 'data-count': 0 }, 'Aucune différence : le classeur correspond au plan enregistré.'),
        );
        return;
      }
      const cell = (value: string, testId: string) =>
        h('td', { class: value === '' ? 'blank' : null, 'data-testid': testId }, value === '' ? '(vide)' : value);
      const row = (c: ImportChange) =>
        h(
          'tr',
          { 'data-path': c.path },
          h('td', { class: 'import-place' }, `${c.sheet}!${c.cell}`),
          h('td', null, c.label),
          cell(c.before, 'import-before'),
          cell(c.after, 'import-after'),
        );
      replaceChildren(
        result,
        h(
          'div',
          { class: 'import-preview', 'data-testid': 'import-preview', 'data-count': n },
          h('p', { class: 'import-count', 'data-testid': 'import-count' }, countChanges(n), ' à importer'),
          h(
            'div',
            { class: 'import-table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Modifications à importer' },
            h(
              'table',
              { class: 'import-table' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  h('th', { scope: 'col' }, 'Feuille!Cellule'),
                  h('th', { scope: 'col' }, 'Champ'),
                  h('th', { scope: 'col' }, 'Avant'),
                  h('th', { scope: 'col' }, 'Après'),
                ),
              ),
              h('tbody', null, p.changes.map(row)),
            ),
          ),
        ),
      );
    }

    async function upload(apply: boolean): Promise<void> {
      if (!file) return;
      const id = ++requestId;
      const chosen = file;
      const fingerprint = preview?.fingerprint;
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
      showMessage(apply ? 'Import en cours…' : 'Lecture du classeur…');
      try {
        const form = apply && fingerprint ? { file: chosen, apply: 'true' as const, fingerprint } : { file: chosen };
        const answer = (await send(api.plans[':planId']['import.xlsx'].$post({ param: { planId: ctx.planId }, form }))) as ImportPreview | ImportResult;
        if (id !== requestId || closed) return;
        if (apply && 'applied' in answer && answer.applied) {
          await finishApplied(answer);
          return;
        }
        preview = answer;
        setPhase('preview');
        showPreview(answer);
        if (answer.changes.length > 0) applyButton.focus();
      } catch (err) {
        if (id !== requestId || closed) return;
        showFailure(err);
      }
    }

    async function finishApplied(answer: ImportResult): Promise<void> {
      const n = answer.changes.length;
      close();
      toast(`${countChanges(n, 'importée')}`);
      try {
        await reloadPlan(ctx);
      } catch {
        toast('Le plan n’a pas pu être rechargé : rechargez la page pour voir les valeurs importées.', 'error');
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
      if (!/\.xlsx$/i.test(file.name)) {
        setPhase('idle');
        showMessage(`« ${file.name} » n’est pas un classeur XLSX : choisissez un fichier .xlsx exporté par Cohésio.`, 'error');
        return;
      }
      if (file.size > MAX_IMPORT_BYTES) {
        setPhase('idle');
        const size = formatBelgianNumber(Math.round((file.size / 1024 / 1024) * 10), 1);
        showMessage(`Le fichier fait ${size} Mo : un classeur importé ne peut dépasser ${MAX_IMPORT_MB} Mo.`, 'error');
        return;
      }
      void upload(false);
    }

    function close(): void {
      if (closed) return;
      closed = true;
      dialog.close();
      dialog.remove();
      resolve();
    }

    input.addEventListener('change', choose);
    applyButton.addEventListener('click', () => void upload(true));
    retryButton.addEventListener('click', () => void upload(false));
    cancelButton.addEventListener('click', () => {
      // Once the writing has started, it completes (or fails) as a whole: the dialog waits for its answer.
      if (phase === 'busy' && preview) return;
      close();
    });
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      if (phase === 'busy' && preview) return;
      close();
    });

    setPhase('idle');
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
