import type { ApiIssue } from '../../schemas/errors.ts';
import { CHECKLIST_ITEM_IDS, SUBMISSION_PERIODICITIES, type Programme } from '../../schemas/reference.ts';
import type { ProgrammeRecord } from '../../schemas/requests/programmes.ts';
import { formatDate, formatDateTime } from '../../schemas/dates.ts';
import { api, send, ApiFailure, failureMessage } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import { programmesHref } from '../router.ts';
import { meCan } from '../state/me.ts';
import { confirmDialog, toast } from '../ui/dialog.ts';
import { accountMenu } from './account.ts';
import {
  actionRowsOf,
  catalogueBodyOf,
  CHECKLIST_ITEM_LABELS,
  definitionBodyOf,
  echeanceText,
  formOf,
  newKindRow,
  PERIODICITY_LABELS,
  placeIssues,
  prolongationText,
  statusLabel,
  yearsText,
  type ActionRow,
  type KindRow,
  type ProgrammeForm,
} from './programmes-model.ts';
import { newProgrammeForm } from './programme-new.ts';

/**
 * « Programmes »: every programme with its status, years and extension; one programme's definition, submission
 * kinds and catalogue. An administrator edits a draft until publishing it; the others read. `onChanged` tells the
 * application that its cached programmes are stale (a plan opened next sees the change).
 */
export async function renderProgrammesPage(opts: { programmeId: string | null; onChanged: () => void }): Promise<HTMLElement> {
  const main = h('main', { id: 'main', class: 'plans-page programmes-page' });
  const reload = async () => {
    const programmes = (await send(api.programmes.$get())) as Programme[];
    const record = opts.programmeId
      ? ((await send(api.programmes[':programmeId'].$get({ param: { programmeId: opts.programmeId } }))) as ProgrammeRecord)
      : null;
    const listHost = h('div', null, programmeList(programmes, opts.programmeId));
    const failed = (err: unknown) => toast(failureMessage(err), 'error');
    // A save keeps what is being edited in the other part of the form; publishing shows the programme as published.
    const hooks: EditorHooks = {
      saved: () => {
        opts.onChanged();
        send(api.programmes.$get())
          .then((fresh) => replaceChildren(listHost, programmeList(fresh as Programme[], opts.programmeId)))
          .catch(failed);
      },
      published: () => {
        opts.onChanged();
        void reload().catch(failed);
      },
    };
    replaceChildren(
      main,
      h(
        'header',
        { class: 'app-header' },
        h('a', { class: 'brand', href: '#/' }, 'Cohésio'),
        h('p', null, h('a', { href: '#/', class: 'header-link' }, 'Plans'), ' · Programmes'),
        accountMenu(),
      ),
      listHost,
      record ? (record.programme.statut === 'brouillon' && meCan('manage-programmes') ? draftEditor(record, hooks) : programmeView(record)) : null,
      !record && meCan('manage-programmes') ? newProgrammeForm(programmes, opts.onChanged) : null,
    );
  };
  await reload();
  return main;
}

function programmeList(programmes: Programme[], selected: string | null): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'programmes-title' },
    h('h1', { id: 'programmes-title' }, 'Programmes'),
    h(
      'table',
      { class: 'plans-table', 'data-testid': 'programmes-table' },
      h('thead', null, h('tr', null, h('th', null, 'Programme'), h('th', null, 'Statut'), h('th', null, 'Années'), h('th', null, 'Période'))),
      h(
        'tbody',
        null,
        programmes.map((p) =>
          h(
            'tr',
            { 'data-programme': p.id, 'aria-current': p.id === selected ? 'page' : null },
            h('td', null, h('a', { href: programmesHref(p.id) }, p.label), h('span', { class: 'muted' }, ` (${p.shortName})`)),
            h('td', null, h('span', { class: `status-badge ${p.statut === 'publie' ? 'status-ok' : 'status-arrondi'}` }, statusLabel(p))),
            h('td', null, yearsText(p)),
            h('td', null, `du ${formatDate(p.start)} au ${formatDate(p.end)}`, prolongationText(p) ? h('p', { class: 'hint' }, prolongationText(p)) : null),
          ),
        ),
      ),
    ),
  );
}

function lastChange(r: ProgrammeRecord): string {
  return `Version ${r.version}, modifiée le ${formatDateTime(r.updatedAt)}${r.updatedBy ? ` par ${r.updatedBy}` : ''} · ${r.planCount} plan(s) sur ce programme`;
}

/** A published programme, or a draft for who does not edit it. */
function programmeView(r: ProgrammeRecord): HTMLElement {
  const p = r.programme;
  const row = (label: string, value: string | null) => (value ? [h('dt', null, label), h('dd', null, value)] : []);
  return h(
    'section',
    { 'data-testid': 'programme-view' },
    h('h2', null, `${p.label} — ${statusLabel(p)}`),
    h('p', { class: 'hint' }, lastChange(r)),
    h(
      'dl',
      { class: 'programme-facts' },
      row('Nom court', p.shortName),
      row('Années', yearsText(p)),
      row('Période', `du ${formatDate(p.start)} au ${formatDate(p.end)}`),
      row('Prolongation', prolongationText(p)),
      row('Date de référence de la population', formatDate(p.populationReferenceDate)),
      row('Programme précédent', p.predecesseur),
    ),
    h('h3', null, 'Soumissions demandées'),
    h(
      'table',
      { class: 'plans-table' },
      h('thead', null, h('tr', null, h('th', null, 'Soumission'), h('th', null, 'Périodicité'), h('th', null, 'Échéance'), h('th', null, 'Contenu'))),
      h(
        'tbody',
        null,
        p.soumissions.map((k) =>
          h(
            'tr',
            null,
            h('td', null, k.label),
            h('td', null, PERIODICITY_LABELS[k.periodicite]),
            h('td', null, echeanceText(k)),
            h('td', null, k.checklist.map((c) => CHECKLIST_ITEM_LABELS[c]).join(', ')),
          ),
        ),
      ),
    ),
    h('h3', null, `Catalogue des actions (${r.catalogue.actions.length})`),
    r.catalogue.libelle ? h('p', { class: 'hint' }, r.catalogue.libelle) : null,
    h(
      'table',
      { class: 'plans-table' },
      h('thead', null, h('tr', null, h('th', null, 'Code'), h('th', null, 'Intitulé'), h('th', null, 'Objectif'))),
      h(
        'tbody',
        null,
        r.catalogue.actions.map((a) => h('tr', null, h('td', null, a.code), h('td', null, a.intitule), h('td', null, a.objectif ?? ''))),
      ),
    ),
  );
}

/** Where the form shows the issues of each path: its error line (and the control to mark invalid). */
type Errors = { fields: Map<string, { error: HTMLElement; control: HTMLElement | null }>; top: HTMLElement };

function errorLine(errors: Errors, path: string, control: HTMLElement | null = null): HTMLElement {
  const error = h('p', { class: 'field-error', 'data-error-for': path, hidden: true });
  errors.fields.set(path, { error, control });
  return error;
}

function showIssues(errors: Errors, issues: readonly ApiIssue[], message: string | null): void {
  for (const { error, control } of errors.fields.values()) {
    error.hidden = true;
    error.textContent = '';
    control?.removeAttribute('aria-invalid');
  }
  const { byField, unplaced } = placeIssues(issues, new Set(errors.fields.keys()));
  for (const [path, messages] of byField) {
    const f = errors.fields.get(path)!;
    f.error.hidden = false;
    f.error.textContent = messages.join(' ; ');
    f.control?.setAttribute('aria-invalid', 'true');
  }
  const lines = [message, ...unplaced].filter((l): l is string => !!l);
  replaceChildren(
    errors.top,
    lines.length
      ? h(
          'div',
          { role: 'alert' },
          lines.map((l) => h('p', { class: 'field-error' }, l)),
        )
      : null,
  );
  const first = [...byField.keys()].map((p) => errors.fields.get(p)!.control).find(Boolean);
  first?.focus();
}

/** A text input bound to `obj[key]`. */
function bound<T extends Record<K, string>, K extends keyof T & string>(obj: T, key: K, attrs: Record<string, string | number | boolean> = {}) {
  const input = h('input', { type: 'text', autocomplete: 'off', ...attrs });
  input.value = obj[key];
  input.addEventListener('input', () => ((obj as Record<K, string>)[key] = input.value));
  return input;
}

function field(errors: Errors, path: string, label: string, input: HTMLInputElement, hint?: string): HTMLElement {
  const id = uid('programme');
  input.id = id;
  input.dataset.path = path;
  return h('div', { class: 'field' }, h('label', { for: id }, label), hint ? h('p', { class: 'hint' }, hint) : null, input, errorLine(errors, path, input));
}

/** A draft, edited by an administrator: definition, submission kinds, catalogue, publication. */
type EditorHooks = { saved: () => void; published: () => void };
/** The draft as last answered by the server: each save sends its version and takes the new one. */
type EditorState = { record: ProgrammeRecord };

function draftEditor(initial: ProgrammeRecord, hooks: EditorHooks): HTMLElement {
  const state: EditorState = { record: initial };
  const form: ProgrammeForm = formOf(initial.programme);
  const rows: ActionRow[] = actionRowsOf(initial.catalogue);
  const errors: Errors = { fields: new Map(), top: h('div', { class: 'form-errors' }) };
  const section = h('section', { 'data-testid': 'programme-editor' });
  const render = () => {
    errors.fields.clear();
    replaceChildren(
      section,
      h('h2', null, `${state.record.programme.label} — Projet (modifiable)`),
      h('p', { class: 'hint', 'data-testid': 'programme-version' }, lastChange(state.record)),
      errors.top,
      definitionFields(form, errors),
      kindsTable(form, errors, render),
      actionsTable(rows, errors, render),
      h(
        'div',
        { class: 'toolbar' },
        saveButtons(state, form, rows, errors, {
          saved: (record) => {
            state.record = record;
            render();
            hooks.saved();
          },
          published: hooks.published,
        }),
      ),
    );
  };
  render();
  return section;
}

function definitionFields(form: ProgrammeForm, errors: Errors): HTMLElement {
  return h(
    'div',
    { class: 'columns' },
    field(errors, 'label', 'Intitulé du programme', bound(form, 'label', { maxlength: 200 })),
    field(errors, 'shortName', 'Nom court', bound(form, 'shortName', { maxlength: 40 }), 'Par exemple « PCS 4 »'),
    field(errors, 'firstYear', 'Première année', bound(form, 'firstYear', { inputmode: 'numeric', maxlength: 4 })),
    field(
      errors,
      'lastYear',
      'Dernière année',
      bound(form, 'lastYear', { inputmode: 'numeric', maxlength: 4 }),
      'Le programme court jusqu’au 31 décembre de cette année',
    ),
    field(errors, 'populationReferenceDate', 'Date de référence de la population', bound(form, 'populationReferenceDate', { type: 'date' })),
  );
}

function kindEcheance(k: KindRow, i: number, errors: Errors): HTMLElement {
  const at = (name: string) => `soumissions.${i}.echeance.${name}`;
  const small = (key: 'mois' | 'jour' | 'decalage' | 'annee', label: string) => {
    const input = bound(k, key, { inputmode: 'numeric', size: 4, 'aria-label': `${label} (soumission ${i + 1})`, 'data-path': at(key) });
    return h('label', { class: 'inline' }, label, input, errorLine(errors, at(key), input));
  };
  const date = bound(k, 'date', { type: 'date', 'aria-label': `Date d’échéance (soumission ${i + 1})`, 'data-path': at('date') });
  return h(
    'td',
    null,
    k.periodicite === 'annuelle'
      ? [small('jour', 'Jour'), small('mois', 'Mois'), small('decalage', 'Années après')]
      : [small('annee', 'Année couverte'), h('label', { class: 'inline' }, 'Date', date, errorLine(errors, at('date'), date))],
    errorLine(errors, `soumissions.${i}.echeance`),
  );
}

function kindRow(form: ProgrammeForm, k: KindRow, i: number, errors: Errors, render: () => void): HTMLElement {
  const at = (name: string) => `soumissions.${i}.${name}`;
  const id = bound(k, 'id', { 'aria-label': `Identifiant (soumission ${i + 1})`, 'data-path': at('id'), size: 16 });
  const label = bound(k, 'label', { 'aria-label': `Libellé (soumission ${i + 1})`, 'data-path': at('label') });
  const periodicite = h(
    'select',
    { 'aria-label': `Périodicité (soumission ${i + 1})`, 'data-path': at('periodicite') },
    SUBMISSION_PERIODICITIES.map((p) => h('option', { value: p, selected: p === k.periodicite }, PERIODICITY_LABELS[p])),
  );
  periodicite.addEventListener('change', () => {
    k.periodicite = periodicite.value as KindRow['periodicite'];
    render();
  });
  const checks = CHECKLIST_ITEM_IDS.map((c) => {
    const box = h('input', { type: 'checkbox', checked: k.checklist.includes(c) });
    box.addEventListener('change', () => (k.checklist = box.checked ? [...k.checklist, c] : k.checklist.filter((x) => x !== c)));
    return h('label', { class: 'inline' }, box, CHECKLIST_ITEM_LABELS[c]);
  });
  const remove = h('button', { type: 'button', 'aria-label': `Retirer la soumission ${i + 1}` }, 'Retirer');
  remove.addEventListener('click', () => {
    form.soumissions.splice(i, 1);
    render();
  });
  return h(
    'tr',
    { 'data-kind': i },
    h('td', null, id, errorLine(errors, at('id'), id)),
    h('td', null, label, errorLine(errors, at('label'), label)),
    h('td', null, periodicite),
    kindEcheance(k, i, errors),
    h('td', null, h('div', { role: 'group', 'aria-label': `Contenu exigé (soumission ${i + 1})` }, checks), errorLine(errors, at('checklist'))),
    h('td', null, remove),
  );
}

function kindsTable(form: ProgrammeForm, errors: Errors, render: () => void): HTMLElement {
  const add = h('button', { type: 'button' }, 'Ajouter une soumission');
  add.addEventListener('click', () => {
    form.soumissions.push(newKindRow());
    render();
  });
  return h(
    'div',
    { class: 'programme-kinds' },
    h('h3', null, 'Soumissions demandées aux plans'),
    errorLine(errors, 'soumissions'),
    h(
      'table',
      { class: 'plans-table', 'data-testid': 'kinds-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Identifiant', 'Libellé', 'Périodicité', 'Échéance', 'Contenu exigé', ''].map((t) => h('th', null, t)),
        ),
      ),
      h(
        'tbody',
        null,
        form.soumissions.map((k, i) => kindRow(form, k, i, errors, render)),
      ),
    ),
    add,
  );
}

function actionsTable(rows: ActionRow[], errors: Errors, render: () => void): HTMLElement {
  const add = h('button', { type: 'button' }, 'Ajouter une action');
  add.addEventListener('click', () => {
    rows.push({ code: '', intitule: '', objectif: '' });
    render();
  });
  const cell = (r: ActionRow, i: number, key: keyof ActionRow, label: string) => {
    const path = `actions.${i}.${key}`;
    const input = bound(r, key, { 'aria-label': `${label} (action ${i + 1})`, 'data-path': path, size: key === 'code' ? 7 : 40 });
    return h('td', null, input, errorLine(errors, path, input));
  };
  return h(
    'div',
    { class: 'programme-catalogue' },
    h('h3', null, 'Catalogue des actions'),
    errorLine(errors, 'actions'),
    h(
      'table',
      { class: 'plans-table', 'data-testid': 'actions-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Code', 'Intitulé', 'Objectif', ''].map((t) => h('th', null, t)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r, i) => {
          const remove = h('button', { type: 'button', 'aria-label': `Retirer l’action ${i + 1}` }, 'Retirer');
          remove.addEventListener('click', () => {
            rows.splice(i, 1);
            render();
          });
          return h('tr', null, cell(r, i, 'code', 'Code'), cell(r, i, 'intitule', 'Intitulé'), cell(r, i, 'objectif', 'Objectif'), h('td', null, remove));
        }),
      ),
    ),
    add,
  );
}

/** « Enregistrer », « Enregistrer le catalogue », « Publier »: each sends the version it last saw. */
function saveButtons(
  state: EditorState,
  form: ProgrammeForm,
  rows: ActionRow[],
  errors: Errors,
  after: { saved: (record: ProgrammeRecord) => void; published: () => void },
): HTMLElement[] {
  const run = async (button: HTMLButtonElement, what: () => Promise<unknown> | null, done: string, then: (record: ProgrammeRecord) => void) => {
    const request = what();
    if (!request) return;
    button.disabled = true;
    try {
      const record = (await request) as ProgrammeRecord;
      toast(done);
      then(record);
    } catch (err) {
      button.disabled = false;
      showIssues(errors, err instanceof ApiFailure ? err.body.issues : [], failureMessage(err));
    }
  };
  const checked = <T>(result: { ok: true; body: T } | { ok: false; issues: ApiIssue[] }): T | null => {
    if (result.ok) return result.body;
    showIssues(errors, result.issues, 'Corrigez les champs signalés avant d’enregistrer.');
    return null;
  };
  const programmeId = state.record.programme.id;
  const save = h('button', { type: 'button', class: 'primary' }, 'Enregistrer le programme');
  save.addEventListener('click', () =>
    run(
      save,
      () => {
        const json = checked(definitionBodyOf(form, state.record));
        return json && send(api.programmes[':programmeId'].$put({ param: { programmeId }, json }));
      },
      'Programme enregistré',
      after.saved,
    ),
  );
  const saveCatalogue = h('button', { type: 'button' }, 'Enregistrer le catalogue');
  saveCatalogue.addEventListener('click', () =>
    run(
      saveCatalogue,
      () => {
        const json = checked(catalogueBodyOf(rows, state.record));
        return json && send(api.programmes[':programmeId'].catalogue.$put({ param: { programmeId }, json }));
      },
      'Catalogue enregistré',
      after.saved,
    ),
  );
  const publish = h('button', { type: 'button' }, 'Publier');
  publish.addEventListener('click', async () => {
    const sure = await confirmDialog(
      'Publier le programme',
      `Publier « ${state.record.programme.label} » tel qu’il est enregistré ? Une fois publié, il ne change plus. Enregistrez d’abord vos modifications en cours.`,
      'Publier',
    );
    if (sure)
      await run(
        publish,
        () => send(api.programmes[':programmeId'].publish.$post({ param: { programmeId }, json: { version: state.record.version } })),
        'Programme publié',
        after.published,
      );
  });
  return [save, saveCatalogue, publish];
}
