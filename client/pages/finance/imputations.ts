import { reloadPlan } from '../saves.ts';
import { imputationPath } from '../../../schemas/plan-path.ts';
import { deleteQuery, deleteRow } from '../references.ts';
import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import {
  IMPUTATION_FILE_COLUMNS,
  MAX_IMPUTATION_FILE_BYTES,
  type ImputationImportPreview,
  type ImputationImportResult,
  type ImputationImportYear,
} from '../../../schemas/imputation-import.ts';
import { IMPUTATION_NATURES, IMPUTATION_NATURE_LABELS, functionalCodesOf, imputationRuleText, type Imputation } from '../../../schemas/finance.ts';
import { porteurKindOf, type OrganisationKind } from '../../../schemas/porteur.ts';
import { formatEuros } from '../../../schemas/numbers.ts';
import { api, send } from '../../api.ts';
import { h, replaceChildren, uid } from '../../dom.ts';
import { createGrid } from '../../grid/grid.ts';
import type { Column } from '../../grid/columns.ts';
import { financeHref } from '../../router.ts';
import { confirmDialog, showModal, toast } from '../../ui/dialog.ts';
import type { Page, PageContext } from '../context.ts';
import { openFileImportDialog } from '../import-dialog.ts';
import { eurosOrBlank, yearSelector } from './common.ts';
import { failureMessage } from '../../api.ts';
import { permissionsOf } from '../../state/permissions.ts';
import { guardButton } from '../read-only.ts';
import {
  AUTO,
  functionalOptionsOf,
  createImputationsModel,
  draftNatureOptions,
  fieldsOf,
  natureNote,
  natureOptions,
  plural,
  type ImputationsModel,
} from './imputations-model.ts';

/**
 * "Imputations E-compte", the view: the lines of `imputations-model.ts` edited in a grid (each line saved on its own
 * with its version) or replaced year by year from a CSV or XLSX file (preview first, then the import, all or
 * nothing), with their totals by year and nature.
 */

const GRID_LABEL = 'Imputations E-compte';
const MAX_FILE_MB = MAX_IMPUTATION_FILE_BYTES / 1024 / 1024;

export function renderImputations(ctx: PageContext, year: number | null): Page {
  const { store, queue, planId } = ctx;
  const years = store.years;
  // The art. 20 function of the porteur's accounts: 84011, or 80111 for a plan delegated to the CPAS.
  const kind = porteurKindOf(store.plan.porteur);
  const model = createImputationsModel({
    store,
    year,
    postLine: (data) => send(api.plans[':planId']['imputations'].$post({ param: { planId }, json: { data } })),
  });
  const permissions = permissionsOf(store);

  const host = h('div', { class: 'grid-host', 'data-path': 'imputations' });
  let rows = model.visible();
  const grid = createGrid<Imputation>(host, {
    label: GRID_LABEL,
    columns: columnsOf(years, kind),
    rows,
    height: 420,
    canEdit: (line, key) => permissions.canSave(WRITE_CAPABILITIES.imputationLine, imputationPath(line.annee, line.id, key)),
    readOnlyNote: (line, key) => permissions.yearLock(imputationPath(line.annee, line.id, key)),
    onChange(changes) {
      const touched = new Set<Imputation>();
      for (const c of changes) {
        const applied = model.applyChange(c.row, c.key, c.value);
        if (applied.ok) touched.add(c.row);
        else grid.setError(c.rowIndex, c.key, applied.message);
      }
      for (const line of touched) {
        queue.enqueue({ kind: 'row', target: { type: 'imputation', id: line.id }, label: model.labelOf(line), data: fieldsOf(line), version: line.version });
      }
      if (touched.size === 0) return;
      grid.refresh();
      store.emit('local');
    },
  });

  const totalsHost = h('section', { 'aria-labelledby': 'imputation-totals-title' });
  const renderTotals = () => replaceChildren(totalsHost, ...totalsView(model, planId));
  function reload(): void {
    rows = model.visible();
    grid.setRows(rows);
    renderTotals();
    count.textContent = model.countText(rows.length);
  }

  const add = h('button', { type: 'button', 'data-testid': 'imputation-add', 'aria-haspopup': 'dialog' }, 'Ajouter une imputation');
  add.addEventListener('click', () =>
    openAddDialog(model, kind, (line) => {
      reload();
      store.emit('local');
      const index = rows.indexOf(line);
      if (index >= 0) grid.focusCell(index, 'montant');
    }),
  );
  const remove = h('button', { type: 'button', 'data-testid': 'imputation-remove' }, 'Supprimer l’imputation sélectionnée');
  remove.addEventListener('click', () => {
    const i = grid.selectedRowIndex();
    void removeLine(ctx, model, i === null ? undefined : rows[i], () => {
      reload();
      store.emit('local');
    });
  });
  const importButton = h('button', { type: 'button', 'data-testid': 'imputation-import', 'aria-haspopup': 'dialog' }, 'Importer un fichier (CSV ou XLSX)…');
  importButton.addEventListener('click', () => void openImputationImportDialog(ctx));
  const canChangeLines = permissions.canSave(WRITE_CAPABILITIES.imputationLine, 'imputations');
  guardButton(add, canChangeLines, permissions.denial('ajouter une imputation'));
  guardButton(remove, canChangeLines, permissions.denial('supprimer une imputation'));
  guardButton(importButton, canChangeLines, permissions.denial('importer des imputations'));

  const count = h('p', { class: 'imputation-count', role: 'status', 'data-testid': 'imputation-count' });
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
      `${imputationRuleText(kind)} `,
      'Choisissez une autre nature dans la colonne « Nature » quand la règle ne convient pas.',
    ),
    h('div', { class: 'toolbar' }, add, remove, importButton, count),
    host,
    totalsHost,
    fileHelp(kind),
  );
  reload();

  return {
    el,
    refresh() {
      // Lines added or removed elsewhere (another page, a reload) redraw the grid; edits only re-read the cells.
      const next = model.visible();
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

/** The grid's columns: a line's fields, its nature "Automatique" unless forced. */
function columnsOf(years: readonly number[], kind: OrganisationKind): Column<Imputation>[] {
  return [
    { key: 'annee', title: 'Année', kind: 'select', width: 80, options: years.map(String), get: (r) => String(r.annee) },
    { key: 'codeFonctionnel', title: 'Code fonctionnel', kind: 'select', width: 210, options: functionalOptionsOf(kind) },
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
      note: natureNote,
      className: (r) => (r.nature === null ? undefined : 'cell-override'),
    },
  ];
}

/** Deletes a line after confirmation (a line referenced elsewhere is detached or kept, as the person chooses). */
async function removeLine(ctx: PageContext, model: ImputationsModel, line: Imputation | undefined, onRemoved: () => void): Promise<void> {
  const { queue, planId } = ctx;
  if (!line) {
    toast('Sélectionnez d’abord une imputation dans le tableau');
    return;
  }
  const what = model.describeForRemoval(line);
  if (!(await confirmDialog('Supprimer l’imputation', `Supprimer ${what} ? Cette suppression est définitive.`, 'Supprimer'))) return;
  try {
    await queue.idle();
    const outcome = await deleteRow(
      (detacher) =>
        send(api.plans[':planId']['imputations'][':lineId'].$delete({ param: { planId, lineId: line.id }, query: deleteQuery(line.version, detacher) })),
      permissionsOf(ctx.store),
    );
    if (outcome === 'kept') return;
    if (outcome === 'detached') return await reloadPlan(ctx);
    queue.discardRow({ type: 'imputation', id: line.id });
    model.forgetLine(line.id);
    onRemoved();
    toast('Imputation supprimée');
  } catch (err) {
    toast(failureMessage(err), 'error');
  }
}

/** The format of the file to import, folded. */
function fileHelp(kind: OrganisationKind): HTMLElement {
  const columnsHelp = IMPUTATION_FILE_COLUMNS.map((c) => `${c.header}${c.required ? '' : ' (facultative)'}`).join(' ; ');
  return h(
    'details',
    { class: 'file-help', 'data-testid': 'imputation-file-help' },
    h('summary', null, 'Format du fichier à importer (CSV ou XLSX)'),
    h('p', null, `Une ligne d’en-tête avec les colonnes : ${columnsHelp}. Puis une imputation par ligne.`),
    h(
      'ul',
      null,
      h('li', null, 'CSV séparé par des points-virgules (export E-compte), encodé en UTF-8 ; ou classeur XLSX (première feuille).'),
      h('li', null, 'Montants au format belge (1.234,56) ; une correction peut être négative.'),
      h('li', null, `Code fonctionnel : ${functionalCodesOf(kind).join(' ou ')} ; article économique : 465-48.`),
      h('li', null, `Nature facultative : ${IMPUTATION_NATURES.map((n) => IMPUTATION_NATURE_LABELS[n]).join(', ')} ; vide = règle automatique.`),
      h('li', null, `L’import remplace toutes les imputations des années présentes dans le fichier ; ${MAX_FILE_MB} Mo au plus.`),
    ),
    h('p', null, 'Exemple : ', h('code', null, 'Année;Code fonctionnel;Article économique;Libellé;Montant;Nature')),
  );
}

/** Totals by year and nature, each programme year leading to its reconciliation. */
function totalsView(model: ImputationsModel, planId: string): HTMLElement[] {
  return [
    h('h2', { id: 'imputation-totals-title' }, model.totalsTitle),
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-label': 'Totaux des imputations', tabindex: '0' },
      h(
        'table',
        { class: 'finance-table', 'data-testid': 'imputation-totals' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, 'Année'),
            IMPUTATION_NATURES.map((n) => h('th', { scope: 'col' }, IMPUTATION_NATURE_LABELS[n])),
            h('th', { scope: 'col' }, 'Imputations'),
            h('th', { scope: 'col' }, 'Rapprochement'),
          ),
        ),
        h(
          'tbody',
          null,
          model.totalsRows().map(({ year: y, inProgramme, totals: t }) =>
            h(
              'tr',
              { 'data-testid': `imputation-totals-${y}` },
              h('th', { scope: 'row' }, String(y), inProgramme ? null : h('span', { class: 'muted' }, ' (hors programme)')),
              IMPUTATION_NATURES.map((n) => h('td', { class: 'num', 'data-testid': `imputation-total-${y}-${n}` }, eurosOrBlank(t[n], '—'))),
              h('td', { class: 'num' }, String(t.lines)),
              h('td', null, inProgramme ? h('a', { href: financeHref(planId, 'rapprochement', y) }, `Rapprochement ${y}`) : null),
            ),
          ),
        ),
      ),
    ),
  ];
}

/** A new imputation: every required field at once (the server refuses a line without amount or article). */
function openAddDialog(model: ImputationsModel, kind: OrganisationKind, onAdded: (line: Imputation) => void): Promise<void> {
  return new Promise((resolve) => {
    const titleId = uid('add-line');
    const ids = { annee: uid('a'), code: uid('a'), article: uid('a'), libelle: uid('a'), montant: uid('a'), nature: uid('a') };
    const anneeSel = h(
      'select',
      { id: ids.annee },
      model.years.map((y) => h('option', { value: y, selected: y === model.defaultYear }, String(y))),
    );
    const codeSel = h(
      'select',
      { id: ids.code },
      functionalOptionsOf(kind).map((o) => h('option', { value: o.value }, o.label)),
    );
    const article = h('input', { type: 'text', id: ids.article, maxlength: 6, autocomplete: 'off', placeholder: '465-48' });
    const libelle = h('input', { type: 'text', id: ids.libelle, maxlength: 300, autocomplete: 'off' });
    const montant = h('input', { type: 'text', id: ids.montant, inputmode: 'decimal', class: 'num', autocomplete: 'off' });
    const natureSel = h('select', { id: ids.nature });
    const refreshNature = () => {
      const current = natureSel.value || AUTO;
      replaceChildren(
        natureSel,
        draftNatureOptions(codeSel.value, article.value).map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)),
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
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': 'imputation-add-dialog' }, form);
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
      const checked = model.checkNewLine({
        annee: anneeSel.value,
        codeFonctionnel: codeSel.value,
        articleEconomique: article.value,
        libelle: libelle.value,
        montant: montant.value,
        nature: natureSel.value,
      });
      if (!checked.ok) {
        showProblems(checked.messages);
        if (checked.field === 'montant') montant.focus();
        return;
      }
      save.disabled = true;
      const added = await model.addLine(checked.fields);
      if (!added.ok) {
        save.disabled = false;
        showProblems(added.messages);
        return;
      }
      close();
      onAdded(added.line);
    });
  });
}

/** Σ by nature of a year, before → after, as the preview shows it. */
function yearSummary(y: ImputationImportYear): HTMLElement {
  const replaced =
    y.existing === 0
      ? `aucune imputation ${y.annee} enregistrée : ${plural(y.incoming, 'imputation')} ajoutée${y.incoming > 1 ? 's' : ''}`
      : `remplace ${plural(y.existing, 'imputation')} de ${y.annee} par ${plural(y.incoming, 'imputation')} du fichier`;
  return h(
    'div',
    { class: 'import-year', 'data-testid': `imputation-import-year-${y.annee}` },
    h('h3', null, String(y.annee), ' — ', h('span', { 'data-testid': 'imputation-import-replaces' }, replaced)),
    h(
      'table',
      { class: 'finance-table compact' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Nature'), h('th', { scope: 'col' }, 'Avant'), h('th', { scope: 'col' }, 'Après'))),
      h(
        'tbody',
        null,
        IMPUTATION_NATURES.map((n) =>
          h(
            'tr',
            { class: y.before[n] === y.after[n] ? null : 'changed' },
            h('th', { scope: 'row' }, IMPUTATION_NATURE_LABELS[n]),
            h('td', { class: 'num' }, eurosOrBlank(y.before[n], '—')),
            h('td', { class: 'num', 'data-testid': `imputation-import-after-${n}` }, eurosOrBlank(y.after[n], '—')),
          ),
        ),
      ),
    ),
  );
}

/** The preview: per year the totals before → after, then every line read with its line number in the file. */
function renderImputationPreview(p: ImputationImportPreview): Node {
  const line = (l: ImputationImportPreview['lines'][number]) =>
    h(
      'tr',
      { 'data-line': l.line },
      h('td', { class: 'num' }, String(l.line)),
      h('td', null, String(l.fields.annee)),
      h('td', null, l.fields.codeFonctionnel),
      h('td', null, l.fields.articleEconomique),
      h('td', null, l.fields.libelle ?? ''),
      h('td', { class: 'num' }, formatEuros(l.fields.montant)),
      h('td', null, IMPUTATION_NATURE_LABELS[l.nature], h('span', { class: 'muted' }, l.natureFromFile ? ' (fichier)' : ' (automatique)')),
    );
  return h(
    'div',
    { class: 'import-preview', 'data-testid': 'imputation-import-preview', 'data-count': p.lines.length },
    h(
      'p',
      { class: 'import-count', 'data-testid': 'imputation-import-count' },
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
export function openImputationImportDialog(ctx: PageContext): Promise<void> {
  return openFileImportDialog<ImputationImportPreview>(ctx, {
    testId: 'imputation-import',
    title: 'Importer des imputations E-compte',
    hint: [
      `Fichier CSV ou XLSX (${MAX_FILE_MB} Mo au plus) aux colonnes ${IMPUTATION_FILE_COLUMNS.map((c) => c.header).join(', ')}. `,
      'L’aperçu montre chaque ligne lue et les totaux avant → après ; rien n’est écrit avant « Importer ». ',
      'Les imputations des années présentes dans le fichier sont remplacées.',
    ],
    fileLabel: 'Fichier d’imputations (.csv ou .xlsx)',
    accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    refuseFile(file) {
      if (!/\.(csv|xlsx|txt)$/i.test(file.name)) return `« ${file.name} » n’est ni un CSV ni un classeur XLSX : choisissez un fichier .csv ou .xlsx.`;
      if (file.size > MAX_IMPUTATION_FILE_BYTES) return `Le fichier dépasse ${MAX_FILE_MB} Mo : un fichier d’imputations E-compte en fait quelques ko.`;
      return null;
    },
    send: async (file, fingerprint) => {
      const form = fingerprint ? { file, apply: 'true' as const, fingerprint } : { file, apply: 'false' as const };
      const answer: ImputationImportPreview | ImputationImportResult = await send(
        api.plans[':planId']['imputations'].import.$post({ param: { planId: ctx.planId }, form }),
      );
      return answer;
    },
    renderPreview: renderImputationPreview,
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
