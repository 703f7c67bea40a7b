import { formatBelgianNumber } from '../../schemas/numbers.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import { MAX_IMPORT_BYTES, applicableChanges, type ImportChange, type ImportPreview, type ImportResult } from '../../schemas/workbook-import.ts';
import { api, send } from '../api.ts';
import { h } from '../dom.ts';
import { toast } from '../ui/dialog.ts';
import type { PageContext } from './context.ts';
import { openFileImportDialog } from './import-dialog.ts';
import { waitForSaves } from './saves.ts';
import { permissionsOf } from '../state/permissions.ts';
import { guardButton } from './read-only.ts';

/**
 * The official workbook in the plan header: "Exporter en XLSX" downloads it; "Importer un XLSX…" sends an edited
 * export back, shows every value that differs from the stored plan (or the problems of the workbook), and writes
 * them all at once when the user applies them, then reloads the plan in the page. A partner operator or a finance
 * officer imports too: the values their role may not write are listed apart, each with its reason, and only the
 * others are applied.
 */

const MAX_IMPORT_MB = MAX_IMPORT_BYTES / 1024 / 1024;

/** "1 modification", "12 modifications", "1.204 modifications". */
export function countChanges(n: number, suffix = ''): string {
  return `${formatBelgianNumber(n, 0)} modification${n > 1 ? 's' : ''}${suffix ? ` ${suffix}${n > 1 ? 's' : ''}` : ''}`;
}

function applyLabel(n: number): string {
  return n === 1 ? 'Appliquer la modification' : `Appliquer les ${formatBelgianNumber(n, 0)} modifications`;
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

  const importButton = h('button', { type: 'button', class: 'header-button', 'data-testid': 'import-xlsx', 'aria-haspopup': 'dialog' }, 'Importer un XLSX…');
  importButton.addEventListener('click', () => void openImportDialog(ctx));
  const permissions = permissionsOf(ctx.store);
  guardButton(importButton, permissions.can(WRITE_CAPABILITIES.workbookImport), permissions.denial('importer un classeur dans ce plan'));
  return h('div', { class: 'workbook-controls', role: 'group', 'aria-label': 'Classeur XLSX' }, exportLink, importButton);
}

/** "3 modifications refusées" / "1 modification refusée". */
function countRefused(n: number): string {
  return `${formatBelgianNumber(n, 0)} modification${n > 1 ? 's' : ''} refusée${n > 1 ? 's' : ''}`;
}

/** One table of changes: the applicable ones, or the refused ones with the reason of each. */
function changesTable(changes: readonly ImportChange[], refused: boolean): Node {
  const cell = (value: string, testId: string) => h('td', { class: value === '' ? 'blank' : null, 'data-testid': testId }, value === '' ? '(vide)' : value);
  const row = (c: ImportChange) =>
    h(
      'tr',
      { 'data-path': c.path, class: refused ? 'import-refused' : null },
      h('td', { class: 'import-place' }, `${c.sheet}!${c.cell}`),
      h('td', null, c.label),
      cell(c.before, 'import-before'),
      cell(c.after, 'import-after'),
      refused ? h('td', { 'data-testid': 'import-refusal' }, c.refusal) : null,
    );
  const heads = ['Feuille!Cellule', 'Champ', 'Avant', 'Après', ...(refused ? ['Refusée parce que'] : [])];
  return h(
    'div',
    { class: 'import-table-wrap', tabindex: 0, role: 'region', 'aria-label': refused ? 'Modifications refusées' : 'Modifications à importer' },
    h(
      'table',
      { class: 'import-table', 'data-testid': refused ? 'import-refused' : 'import-applicable' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          heads.map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h('tbody', null, changes.map(row)),
    ),
  );
}

/**
 * The preview: every value of the workbook that differs from the stored plan — those that applying writes, then
 * those the person's role may not write, each with its reason (never silently dropped).
 */
export function renderChanges(p: ImportPreview): Node {
  const n = p.changes.length;
  if (n === 0) {
    return h(
      'p',
      { class: 'import-message', 'data-testid': 'import-preview', 'data-count': 0 },
      'Aucune différence : le classeur correspond au plan enregistré.',
    );
  }
  const applicable = applicableChanges(p.changes);
  const refused = p.changes.filter((c) => c.refusal !== null);
  return h(
    'div',
    { class: 'import-preview', 'data-testid': 'import-preview', 'data-count': applicable.length, 'data-refused': refused.length },
    applicable.length > 0
      ? [h('p', { class: 'import-count', 'data-testid': 'import-count' }, countChanges(applicable.length), ' à importer'), changesTable(applicable, false)]
      : h('p', { class: 'import-count', 'data-testid': 'import-count' }, 'Aucune modification que votre rôle permet d’importer.'),
    refused.length > 0 && [
      h(
        'p',
        { class: 'import-message error', 'data-testid': 'import-refused-count' },
        `${countRefused(refused.length)} : votre rôle ne permet pas de modifier ces valeurs. Elles ne seront pas importées et restent telles qu’enregistrées.`,
      ),
      changesTable(refused, true),
    ],
  );
}

/** The import dialog: choose a file, see the preview or the problems, apply or cancel. Resolves when closed. */
export function openImportDialog(ctx: PageContext): Promise<void> {
  return openFileImportDialog<ImportPreview>(ctx, {
    testId: 'import',
    title: 'Importer un classeur XLSX',
    hint: [
      `Choisissez un classeur exporté par Cohésio puis modifié (${MAX_IMPORT_MB} Mo au plus). `,
      'Les différences avec le plan enregistré sont affichées avant toute écriture.',
    ],
    fileLabel: 'Classeur (.xlsx)',
    accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    refuseFile(file) {
      if (!/\.xlsx$/i.test(file.name)) return `« ${file.name} » n’est pas un classeur XLSX : choisissez un fichier .xlsx exporté par Cohésio.`;
      if (file.size > MAX_IMPORT_BYTES) {
        const size = formatBelgianNumber(Math.round((file.size / 1024 / 1024) * 10), 1);
        return `Le fichier fait ${size} Mo : un classeur importé ne peut dépasser ${MAX_IMPORT_MB} Mo.`;
      }
      return null;
    },
    send: async (file, fingerprint) => {
      const form = fingerprint ? { file, apply: 'true' as const, fingerprint } : { file };
      return (await send(api.plans[':planId']['import.xlsx'].$post({ param: { planId: ctx.planId }, form }))) as ImportPreview | ImportResult;
    },
    renderPreview: renderChanges,
    applyLabel: (p) => {
      const n = applicableChanges(p.changes).length;
      if (n === 0) return null;
      if (n === p.changes.length) return applyLabel(n);
      return n === 1 ? 'Appliquer la modification permise' : `${applyLabel(n)} permises`;
    },
    appliedMessage: (answer) => {
      const { changes } = answer as ImportResult;
      const applied = applicableChanges(changes).length;
      const refused = changes.length - applied;
      return `${countChanges(applied, 'importée')}${refused ? ` ; ${countRefused(refused)} (non permise${refused > 1 ? 's' : ''} pour votre rôle)` : ''}`;
    },
    reloadFailedMessage: 'Le plan n’a pas pu être rechargé : rechargez la page pour voir les valeurs importées.',
    conflictMessage: 'Le plan a été modifié depuis l’aperçu : relancez l’aperçu.',
    tooLargeMessage: `Le fichier dépasse ${MAX_IMPORT_MB} Mo.`,
    describeRefusal(message, all) {
      // An issue of the upload itself (path "file") repeats the message: only places in the workbook are listed.
      const issues = all.filter((i) => i.path.includes('!') || !message.includes(i.message));
      return {
        issues,
        // The listed places say it all; the server's sentence (which repeats the first one) is for the other cases.
        heading:
          issues.length > 0
            ? `Import refusé : ${formatBelgianNumber(issues.length, 0)} problème${issues.length > 1 ? 's' : ''} dans le classeur.`
            : message || 'Le classeur ne peut pas être importé.',
      };
    },
    placeOf: (i) => i.path || null,
    retryHint: 'Rien n’a été enregistré. Corrigez le classeur puis choisissez-le à nouveau.',
  });
}
