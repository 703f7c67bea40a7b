import { reloadPlan } from '../saves.ts';
import { deleteQuery, deleteRow } from '../references.ts';
import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import {
  BOOKED_FILE_COLUMNS,
  MAX_BOOKED_FILE_BYTES,
  type BookedImportPreview,
  type BookedImportResult,
  type BookedImportYear,
} from '../../../schemas/booked-import.ts';
import {
  BOOKED_NATURES,
  BOOKED_NATURE_LABELS,
  BookedLineFieldsSchema,
  FUNCTIONAL_CODES,
  bookedTotals,
  classifyBookedLine,
  type BookedLine,
  type BookedLineFields,
  type BookedNature,
} from '../../../schemas/finance.ts';
import { formatBelgianNumber, formatEuros, parseBelgianNumber } from '../../../schemas/numbers.ts';
import { api, send, ApiFailure } from '../../api.ts';
import { h, replaceChildren, uid } from '../../dom.ts';
import { createGrid } from '../../grid/grid.ts';
import type { Column, Option } from '../../grid/columns.ts';
import { financeHref } from '../../router.ts';
import { confirmDialog, showModal, toast } from '../../ui/dialog.ts';
import type { Page, PageContext } from '../context.ts';
import { openFileImportDialog } from '../import-dialog.ts';
import { eurosOrBlank, yearSelector } from './common.ts';
import { failureMessage } from '../../api.ts';
import { permissionsOf } from '../../state/permissions.ts';
import { guardButton } from '../read-only.ts';

/**
 * "Imputations E-compte": the amounts booked in the municipal accounts, one line per imputation, edited in a grid
 * (each line saved on its own with its version) or replaced year by year from a CSV or XLSX file (preview first,
 * then the import, all or nothing). The nature of a line follows the documented rule (`classifyBookedLine`) unless
 * the officer forces it.
 */

const GRID_LABEL = 'Imputations E-compte';
const AUTO = 'auto';
const MAX_FILE_MB = MAX_BOOKED_FILE_BYTES / 1024 / 1024;

const FUNCTIONAL_OPTIONS: Option[] = Object.entries(FUNCTIONAL_CODES).map(([code, label]) => ({ value: code, label: `${code} — ${label}` }));

/** "Automatique (Subvention PCS)" — the documented rule's answer for this line — then the natures one may force. */
function natureOptions(line: Pick<BookedLineFields, 'codeFonctionnel' | 'articleEconomique'>): Option[] {
  return [
    { value: AUTO, label: `Automatique (${BOOKED_NATURE_LABELS[classifyBookedLine(line)]})` },
    ...BOOKED_NATURES.map((n) => ({ value: n, label: BOOKED_NATURE_LABELS[n] })),
  ];
}

function fieldsOf(line: BookedLine): BookedLineFields {
  const { id: _id, version: _version, ...fields } = line;
  return fields;
}

const plural = (n: number, word: string) => `${formatBelgianNumber(n, 0)} ${word}${n > 1 ? 's' : ''}`;

export function renderImputations(ctx: PageContext, year: number | null): Page {
  const { store, queue, planId } = ctx;
  const years = store.years;
  const visible = () => store.plan.imputations.filter((l) => year === null || l.annee === year);
  const permissions = permissionsOf(store);

  const columns: Column<BookedLine>[] = [
    { key: 'annee', title: 'Année', kind: 'select', width: 80, options: years.map(String), get: (r) => String(r.annee) },
    { key: 'codeFonctionnel', title: 'Code fonctionnel', kind: 'select', width: 210, options: FUNCTIONAL_OPTIONS },
    { key: 'articleEconomique', title: 'Article éco.', kind: 'text', width: 96, maxLength: 6 },
    { key: 'libelle', title: 'Libellé', kind: 'text', width: 250, maxLength: 300 },
    { key: 'montant', title: 'Montant (€)', kind: 'number', scale: 2, width: 120 },
    {
      key: 'nature',
      title: 'Nature',
      kind: 'select',
      width: 210,
      options: (r) => natureOptions(r),
      get: (r) => r.nature ?? AUTO,
      note: (r) =>
        r.nature === null
          ? 'Nature déduite du code fonctionnel et de l’article (règle documentée)'
          : `Nature choisie (la règle donnerait : ${BOOKED_NATURE_LABELS[classifyBookedLine(r)]})`,
      className: (r) => (r.nature === null ? undefined : 'cell-override'),
    },
  ];

  const host = h('div', { class: 'grid-host', 'data-path': 'imputations' });
  let rows = visible();
  const grid = createGrid<BookedLine>(host, {
    label: GRID_LABEL,
    columns,
    rows,
    height: 420,
    canEdit: (line, key) => permissions.canSave(WRITE_CAPABILITIES.bookedLine, `imputations.${line.annee}.${line.id}.${key}`),
    readOnlyNote: (line, key) => permissions.yearLock(`imputations.${line.annee}.${line.id}.${key}`),
    onChange(changes) {
      const touched = new Set<BookedLine>();
      for (const c of changes) {
        const value = c.key === 'annee' ? (c.value === null ? null : Number(c.value)) : c.key === 'nature' ? (c.value === AUTO ? null : c.value) : c.value;
        const parsed = BookedLineFieldsSchema.safeParse({ ...fieldsOf(c.row), [c.key]: value });
        if (!parsed.success) {
          grid.setError(c.rowIndex, c.key, parsed.error.issues[0]?.message ?? 'Valeur refusée');
          continue;
        }
        Object.assign(c.row, parsed.data);
        touched.add(c.row);
      }
      for (const line of touched) {
        queue.enqueue({
          kind: 'row',
          target: { type: 'booked-line', id: line.id },
          label: `l’imputation « ${line.libelle ?? line.articleEconomique} »`,
          data: fieldsOf(line),
          version: line.version,
        });
      }
      if (touched.size === 0) return;
      grid.refresh();
      store.emit('local');
    },
  });

  const totalsHost = h('section', { 'aria-labelledby': 'booked-totals-title' });
  function renderTotals(): void {
    const present = new Set(store.plan.imputations.map((l) => l.annee));
    const shown = [...new Set([...years, ...present])].sort((a, b) => a - b).filter((y) => year === null || y === year);
    replaceChildren(
      totalsHost,
      h('h2', { id: 'booked-totals-title' }, year === null ? 'Totaux par année et par nature' : `Totaux ${year} par nature`),
      h(
        'div',
        { class: 'table-wrap', role: 'region', 'aria-label': 'Totaux des imputations', tabindex: '0' },
        h(
          'table',
          { class: 'finance-table', 'data-testid': 'booked-totals' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Année'),
              BOOKED_NATURES.map((n) => h('th', { scope: 'col' }, BOOKED_NATURE_LABELS[n])),
              h('th', { scope: 'col' }, 'Imputations'),
              h('th', { scope: 'col' }, 'Rapprochement'),
            ),
          ),
          h(
            'tbody',
            null,
            shown.map((y) => {
              const t = bookedTotals(store.plan.imputations, y);
              return h(
                'tr',
                { 'data-testid': `booked-totals-${y}` },
                h('th', { scope: 'row' }, String(y), years.includes(y) ? null : h('span', { class: 'muted' }, ' (hors programme)')),
                BOOKED_NATURES.map((n) => h('td', { class: 'num', 'data-testid': `booked-total-${y}-${n}` }, eurosOrBlank(t[n], '—'))),
                h('td', { class: 'num' }, String(t.lines)),
                h('td', null, years.includes(y) ? h('a', { href: financeHref(planId, 'rapprochement', y) }, `Rapprochement ${y}`) : null),
              );
            }),
          ),
        ),
      ),
    );
  }

  function reload(): void {
    rows = visible();
    grid.setRows(rows);
    renderTotals();
    count.textContent = `${plural(rows.length, 'imputation')}${year === null ? '' : ` en ${year}`}`;
  }

  const add = h('button', { type: 'button', 'data-testid': 'booked-add', 'aria-haspopup': 'dialog' }, 'Ajouter une imputation');
  add.addEventListener('click', () => void openAddDialog());
  const remove = h('button', { type: 'button', 'data-testid': 'booked-remove' }, 'Supprimer l’imputation sélectionnée');
  remove.addEventListener('click', async () => {
    const i = grid.selectedRowIndex();
    const line = i === null ? undefined : rows[i];
    if (!line) {
      toast('Sélectionnez d’abord une imputation dans le tableau');
      return;
    }
    const what = `l’imputation ${line.annee} ${line.articleEconomique} « ${line.libelle ?? ''} » (${formatEuros(line.montant)})`;
    if (!(await confirmDialog('Supprimer l’imputation', `Supprimer ${what} ? Cette suppression est définitive.`, 'Supprimer'))) return;
    try {
      await queue.idle();
      const outcome = await deleteRow(
        (detacher) =>
          send(api.plans[':planId']['booked-lines'][':lineId'].$delete({ param: { planId, lineId: line.id }, query: deleteQuery(line.version, detacher) })),
        permissions,
      );
      if (outcome === 'kept') return;
      if (outcome === 'detached') return await reloadPlan(ctx);
      queue.discardRow({ type: 'booked-line', id: line.id });
      store.plan.imputations = store.plan.imputations.filter((l) => l.id !== line.id);
      reload();
      store.emit('local');
      toast('Imputation supprimée');
    } catch (err) {
      toast(failureMessage(err), 'error');
    }
  });
  const importButton = h('button', { type: 'button', 'data-testid': 'booked-import', 'aria-haspopup': 'dialog' }, 'Importer un fichier (CSV ou XLSX)…');
  importButton.addEventListener('click', () => void openBookedImportDialog(ctx));
  const canChangeLines = permissions.canSave(WRITE_CAPABILITIES.bookedLine, 'imputations');
  guardButton(add, canChangeLines, permissions.denial('ajouter une imputation'));
  guardButton(remove, canChangeLines, permissions.denial('supprimer une imputation'));
  guardButton(importButton, canChangeLines, permissions.denial('importer des imputations'));

  /** A new imputation: every required field at once (the server refuses a line without amount or article). */
  function openAddDialog(): Promise<void> {
    return new Promise((resolve) => {
      const titleId = uid('add-line');
      const ids = { annee: uid('a'), code: uid('a'), article: uid('a'), libelle: uid('a'), montant: uid('a'), nature: uid('a') };
      const anneeSel = h(
        'select',
        { id: ids.annee },
        years.map((y) => h('option', { value: y, selected: y === (year ?? years[years.length - 1]) }, String(y))),
      );
      const codeSel = h(
        'select',
        { id: ids.code },
        FUNCTIONAL_OPTIONS.map((o) => h('option', { value: o.value }, o.label)),
      );
      const article = h('input', { type: 'text', id: ids.article, maxlength: 6, autocomplete: 'off', placeholder: '465-48' });
      const libelle = h('input', { type: 'text', id: ids.libelle, maxlength: 300, autocomplete: 'off' });
      const montant = h('input', { type: 'text', id: ids.montant, inputmode: 'decimal', class: 'num', autocomplete: 'off' });
      const natureSel = h('select', { id: ids.nature });
      const refreshNature = () => {
        const current = natureSel.value || AUTO;
        const opts = natureOptions({
          codeFonctionnel: codeSel.value as BookedLineFields['codeFonctionnel'],
          articleEconomique: article.value.trim() || '000-00',
        });
        replaceChildren(
          natureSel,
          opts.map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)),
        );
      };
      refreshNature();
      codeSel.addEventListener('change', refreshNature);
      article.addEventListener('input', refreshNature);
      const errors = h('div', { 'aria-live': 'polite' });
      const field = (id: string, label: string, control: HTMLElement) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
      const cancel = h('button', { type: 'button' }, 'Annuler');
      const save = h('button', { type: 'submit', class: 'primary' }, 'Ajouter');
      const form = h(
        'form',
        { novalidate: true },
        h('h2', { id: titleId }, 'Nouvelle imputation E-compte'),
        h(
          'div',
          { class: 'columns' },
          field(ids.annee, 'Année', anneeSel),
          field(ids.code, 'Code fonctionnel', codeSel),
          field(ids.article, 'Article économique', article),
        ),
        field(ids.libelle, 'Libellé', libelle),
        h('div', { class: 'columns' }, field(ids.montant, 'Montant (€)', montant), field(ids.nature, 'Nature', natureSel)),
        errors,
        h('div', { class: 'dialog-buttons' }, cancel, save),
      );
      const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': 'booked-add-dialog' }, form);
      const close = showModal(dialog, { onClosed: resolve, focus: article, dismissWith: cancel });
      const showProblems = (messages: string[]) =>
        replaceChildren(
          errors,
          h(
            'div',
            { class: 'import-errors', role: 'alert' },
            h(
              'ul',
              null,
              messages.map((m) => h('li', null, m)),
            ),
          ),
        );
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const amount = montant.value.trim() === '' ? { ok: false as const, message: 'Le montant est obligatoire' } : parseBelgianNumber(montant.value, 2);
        if (!amount.ok) {
          showProblems([`Montant : ${amount.message}`]);
          montant.focus();
          return;
        }
        const parsed = BookedLineFieldsSchema.safeParse({
          annee: Number(anneeSel.value),
          codeFonctionnel: codeSel.value,
          articleEconomique: article.value,
          libelle: libelle.value.trim() === '' ? null : libelle.value,
          montant: amount.value,
          nature: natureSel.value === AUTO ? null : (natureSel.value as BookedNature),
        });
        if (!parsed.success) {
          showProblems(parsed.error.issues.map((i) => i.message));
          return;
        }
        save.disabled = true;
        try {
          const line: BookedLine = await send(api.plans[':planId']['booked-lines'].$post({ param: { planId }, json: { data: parsed.data } }));
          store.plan.imputations = [...store.plan.imputations, line];
          close();
          reload();
          store.emit('local');
          const index = rows.indexOf(line);
          if (index >= 0) grid.focusCell(index, 'montant');
        } catch (err) {
          save.disabled = false;
          showProblems(err instanceof ApiFailure && err.body.issues.length ? err.body.issues.map((i) => i.message) : [failureMessage(err)]);
        }
      });
    });
  }

  const count = h('p', { class: 'booked-count', role: 'status', 'data-testid': 'booked-count' });
  const columnsHelp = BOOKED_FILE_COLUMNS.map((c) => `${c.header}${c.required ? '' : ' (facultative)'}`).join(' ; ');
  const el = h(
    'article',
    { class: 'section-page wide finance-page', 'data-testid': 'imputations-page' },
    h(
      'div',
      { class: 'finance-title' },
      h('h1', null, 'Imputations E-compte'),
      yearSelector(planId, 'imputations', years, year, { allLabel: 'Toutes les années' }),
    ),
    h(
      'p',
      { class: 'hint' },
      'Les montants imputés dans la comptabilité communale (E-compte), un par ligne, au cent près. ',
      'Fonction 84010 : articles 46x = subvention PCS, autres articles = part communale ; fonction 84011 = subsides aux associations (art.20). ',
      'Choisissez une autre nature dans la colonne « Nature » quand la règle ne convient pas.',
    ),
    h('div', { class: 'toolbar' }, add, remove, importButton, count),
    host,
    totalsHost,
    h(
      'details',
      { class: 'file-help', 'data-testid': 'booked-file-help' },
      h('summary', null, 'Format du fichier à importer (CSV ou XLSX)'),
      h('p', null, `Une ligne d’en-tête avec les colonnes : ${columnsHelp}. Puis une imputation par ligne.`),
      h(
        'ul',
        null,
        h('li', null, 'CSV séparé par des points-virgules (export E-compte), encodé en UTF-8 ; ou classeur XLSX (première feuille).'),
        h('li', null, 'Montants au format belge (1.234,56) ; une correction peut être négative.'),
        h('li', null, `Code fonctionnel : ${Object.keys(FUNCTIONAL_CODES).join(' ou ')} ; article économique : 465-48.`),
        h('li', null, `Nature facultative : ${BOOKED_NATURES.map((n) => BOOKED_NATURE_LABELS[n]).join(', ')} ; vide = règle automatique.`),
        h('li', null, `L’import remplace toutes les imputations des années présentes dans le fichier ; ${MAX_FILE_MB} Mo au plus.`),
      ),
      h('p', null, 'Exemple : ', h('code', null, 'Année;Code fonctionnel;Article économique;Libellé;Montant;Nature')),
    ),
  );
  reload();

  return {
    el,
    refresh() {
      // Lines added or removed elsewhere (another page, a reload) redraw the grid; edits only re-read the cells.
      const next = visible();
      if (next.length !== rows.length || next.some((l, i) => l !== rows[i])) reload();
      else {
        grid.refresh();
        renderTotals();
      }
    },
    focus(path) {
      const m = /^imputations\.(\d+)(?:\.(\w+))?/.exec(path);
      const line = m ? store.plan.imputations[Number(m[1])] : undefined;
      const index = line ? rows.indexOf(line) : -1;
      if (index < 0) return false;
      grid.focusCell(index, m?.[2] ?? 'montant');
      return true;
    },
    dispose: () => grid.destroy(),
  };
}

/** Σ by nature of a year, before → after, as the preview shows it. */
function yearSummary(y: BookedImportYear): HTMLElement {
  const replaced =
    y.existing === 0
      ? `aucune imputation ${y.annee} enregistrée : ${plural(y.incoming, 'imputation')} ajoutée${y.incoming > 1 ? 's' : ''}`
      : `remplace ${plural(y.existing, 'imputation')} de ${y.annee} par ${plural(y.incoming, 'imputation')} du fichier`;
  return h(
    'div',
    { class: 'import-year', 'data-testid': `booked-import-year-${y.annee}` },
    h('h3', null, String(y.annee), ' — ', h('span', { 'data-testid': 'booked-import-replaces' }, replaced)),
    h(
      'table',
      { class: 'finance-table compact' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Nature'), h('th', { scope: 'col' }, 'Avant'), h('th', { scope: 'col' }, 'Après'))),
      h(
        'tbody',
        null,
        BOOKED_NATURES.map((n) =>
          h(
            'tr',
            { class: y.before[n] === y.after[n] ? null : 'changed' },
            h('th', { scope: 'row' }, BOOKED_NATURE_LABELS[n]),
            h('td', { class: 'num' }, eurosOrBlank(y.before[n], '—')),
            h('td', { class: 'num', 'data-testid': `booked-import-after-${n}` }, eurosOrBlank(y.after[n], '—')),
          ),
        ),
      ),
    ),
  );
}

/** The preview: per year the totals before → after, then every line read with its line number in the file. */
function renderBookedPreview(p: BookedImportPreview): Node {
  const line = (l: BookedImportPreview['lines'][number]) =>
    h(
      'tr',
      { 'data-line': l.line },
      h('td', { class: 'num' }, String(l.line)),
      h('td', null, String(l.fields.annee)),
      h('td', null, l.fields.codeFonctionnel),
      h('td', null, l.fields.articleEconomique),
      h('td', null, l.fields.libelle ?? ''),
      h('td', { class: 'num' }, formatEuros(l.fields.montant)),
      h('td', null, BOOKED_NATURE_LABELS[l.nature], h('span', { class: 'muted' }, l.natureFromFile ? ' (fichier)' : ' (automatique)')),
    );
  return h(
    'div',
    { class: 'import-preview', 'data-testid': 'booked-import-preview', 'data-count': p.lines.length },
    h(
      'p',
      { class: 'import-count', 'data-testid': 'booked-import-count' },
      `${plural(p.lines.length, 'imputation')} lue${p.lines.length > 1 ? 's' : ''} (${p.format.toUpperCase()})`,
    ),
    p.years.map(yearSummary),
    h(
      'div',
      { class: 'import-table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Lignes lues dans le fichier' },
      h(
        'table',
        { class: 'finance-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Ligne', 'Année', 'Code fonctionnel', 'Article', 'Libellé', 'Montant', 'Nature'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h('tbody', null, p.lines.map(line)),
      ),
    ),
  );
}

/** The import dialog: choose a file, see the preview (or every problem with its line), import or cancel. */
export function openBookedImportDialog(ctx: PageContext): Promise<void> {
  return openFileImportDialog<BookedImportPreview>(ctx, {
    testId: 'booked-import',
    title: 'Importer des imputations E-compte',
    hint: [
      `Fichier CSV ou XLSX (${MAX_FILE_MB} Mo au plus) aux colonnes ${BOOKED_FILE_COLUMNS.map((c) => c.header).join(', ')}. `,
      'L’aperçu montre chaque ligne lue et les totaux avant → après ; rien n’est écrit avant « Importer ». ',
      'Les imputations des années présentes dans le fichier sont remplacées.',
    ],
    fileLabel: 'Fichier d’imputations (.csv ou .xlsx)',
    accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    refuseFile(file) {
      if (!/\.(csv|xlsx|txt)$/i.test(file.name)) return `« ${file.name} » n’est ni un CSV ni un classeur XLSX : choisissez un fichier .csv ou .xlsx.`;
      if (file.size > MAX_BOOKED_FILE_BYTES) return `Le fichier dépasse ${MAX_FILE_MB} Mo : un fichier d’imputations E-compte en fait quelques ko.`;
      return null;
    },
    send: async (file, fingerprint) => {
      const form = fingerprint ? { file, apply: 'true' as const, fingerprint } : { file, apply: 'false' as const };
      const answer: BookedImportPreview | BookedImportResult = await send(
        api.plans[':planId']['booked-lines'].import.$post({ param: { planId: ctx.planId }, form }),
      );
      return answer;
    },
    renderPreview: renderBookedPreview,
    applyLabel: () => 'Importer',
    appliedMessage: (answer) => `${plural(answer.lines.length, 'imputation')} importée${answer.lines.length > 1 ? 's' : ''}`,
    reloadFailedMessage: 'Le plan n’a pas pu être rechargé : rechargez la page pour voir les imputations importées.',
    conflictMessage: 'Les imputations ont été modifiées depuis l’aperçu : relancez l’aperçu.',
    tooLargeMessage: `Le fichier dépasse ${MAX_FILE_MB} Mo.`,
    describeRefusal(message, all) {
      const issues = all.filter((i) => i.message);
      return {
        issues,
        heading:
          issues.length > 0
            ? `Import refusé, rien n’a été modifié : ${plural(issues.length, 'problème')} dans le fichier.`
            : message || 'Le fichier ne peut pas être importé.',
      };
    },
    retryHint: 'Corrigez le fichier puis choisissez-le à nouveau.',
  });
}
