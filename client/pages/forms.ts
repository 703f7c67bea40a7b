import type { z } from 'zod';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import { describeAction } from '../../schemas/action.ts';
import type { FormDefinition, FormField, GroupMember } from '../../schemas/form-definition.ts';
import { formDataSchema, groupItemName, type FormData, type FormDocument, type FormDocumentSummary, type FormGroupItem } from '../../schemas/form-document.ts';
import { buildPath } from '../../schemas/plan-path.ts';
import { FORM_STATUS_LABELS, type FormThread } from '../../schemas/form-workflow.ts';
import { ApiFailure, api, failureMessage, send } from '../api.ts';
import { h, replaceChildren } from '../dom.ts';
import { FormBinder, getAt } from '../forms/fields.ts';
import { formsHref } from '../router.ts';
import { permissionsOf } from '../state/permissions.ts';
import { confirmDialog, toast } from '../ui/dialog.ts';
import type { Page, PageContext } from './context.ts';
import { focusPath } from './context.ts';
import { embeddedGrid } from './embedded-grid.ts';
import { blankGroupItem, blankRow, documentPathOf, saveStateText, tableColumns, type SaveState } from './forms-model.ts';
import { guardButton } from './read-only.ts';
import { formReviewBar, formThreadsSection, isLockedDocument, lockedReason, markQuestionedFields } from './form-review.ts';
import { openFileImportDialog } from './import-dialog.ts';
import { renderChanges } from './workbook.ts';
import { MAX_IMPORT_BYTES, type ImportPreview, type ImportResult } from '../../schemas/workbook-import.ts';

/**
 * The plan's form documents (templates/forms/): the list with « Créer », and one document drawn from its kind's
 * definition — fields with the form controls, tables with the grid, one block per repeated item — saved whole with
 * its version after each valid change.
 */
export function renderFormsPage(ctx: PageContext, documentId: string | null): Page {
  const el = h('article', { class: 'section-page forms-page' }, h('p', { class: 'hint' }, 'Chargement…'));
  let dispose: (() => void) | undefined;
  const load = documentId ? showDocument(ctx, el, documentId) : showList(ctx, el);
  void load
    .then((d) => {
      dispose = d;
    })
    .catch((err: unknown) => replaceChildren(el, h('p', { class: 'field-error' }, failureMessage(err))));
  return { el, focus: (path) => focusPath(el, path), dispose: () => dispose?.() };
}

async function kindsOf(): Promise<FormDefinition[]> {
  return (await send(api['form-kinds'].$get())) as FormDefinition[];
}

async function showList(ctx: PageContext, el: HTMLElement): Promise<undefined> {
  const { planId } = ctx;
  const permissions = permissionsOf(ctx.store);
  const [kinds, documents] = await Promise.all([kindsOf(), send(api.plans[':planId'].forms.$get({ param: { planId } })) as Promise<FormDocumentSummary[]>]);
  const kind = h(
    'select',
    { 'aria-label': 'Genre de document' },
    kinds.map((k) => h('option', { value: k.id }, k.label)),
  );
  const create = h('button', { type: 'button' }, 'Créer le document');
  guardButton(create, permissions.can(WRITE_CAPABILITIES.plan), permissions.denial('créer un document du plan'));
  create.addEventListener('click', async () => {
    try {
      const doc = (await send(api.plans[':planId'].forms.$post({ param: { planId }, json: { kind: kind.value } }))) as FormDocument;
      location.hash = formsHref(planId, doc.id);
    } catch (err) {
      toast(failureMessage(err), 'error');
    }
  });
  replaceChildren(
    el,
    h('h1', null, 'Formulaires'),
    h('p', { class: 'hint' }, 'Les documents voisins du plan (évaluation des groupes de travail, demande de projet…), remplis d’après leur modèle.'),
    h('div', { class: 'toolbar' }, kind, create),
    documents.length === 0
      ? h('p', null, 'Aucun document pour ce plan.')
      : h(
          'table',
          { class: 'plain-table' },
          h(
            'thead',
            null,
            h('tr', null, h('th', null, 'Titre'), h('th', null, 'Genre'), h('th', null, 'Statut'), h('th', null, 'Modifié le'), h('th', null, 'Par')),
          ),
          h(
            'tbody',
            null,
            documents.map((d) =>
              h(
                'tr',
                null,
                h('td', null, h('a', { href: formsHref(planId, d.id) }, d.title)),
                h('td', null, d.kindLabel),
                h('td', null, h('span', { class: `status-badge submission-status-${d.statut}` }, FORM_STATUS_LABELS[d.statut])),
                h('td', null, new Date(d.updatedAt).toLocaleString('fr-BE')),
                h('td', null, d.updatedBy),
              ),
            ),
          ),
        ),
  );
  return undefined;
}

async function showDocument(ctx: PageContext, el: HTMLElement, documentId: string): Promise<() => void> {
  const { planId, store } = ctx;
  const permissions = permissionsOf(store);
  const [kinds, loaded] = await Promise.all([
    kindsOf(),
    send(api.plans[':planId'].forms[':documentId'].$get({ param: { planId, documentId } })) as Promise<FormDocument>,
  ]);
  const definition = kinds.find((k) => k.id === loaded.kind);
  if (!definition) throw new Error(`Genre de formulaire inconnu : ${loaded.kind}`);
  const schema = formDataSchema(definition) as z.ZodType;
  // Submitted to or approved by the DiCS: read-only for everyone until reopened.
  const locked = isLockedDocument(loaded);
  const canEdit = permissions.can(WRITE_CAPABILITIES.plan) && !locked;
  const readOnlyReason = locked ? lockedReason(loaded) : permissions.denial('modifier ce document');
  let version = loaded.version;
  let title = loaded.title;
  const status = h('p', { class: 'save-status', role: 'status', 'data-testid': 'form-status' }, saveStateText({ kind: 'saved' }));
  const missing = h('p', { class: 'hint', 'data-testid': 'form-missing' });
  let saveState: SaveState = { kind: 'saved' };
  const setState = (state: SaveState) => {
    saveState = state;
    status.textContent = saveStateText(state);
    status.classList.toggle('refused', state.kind === 'refused' || state.kind === 'conflict');
  };
  const showMissing = (doc: FormDocument) => {
    missing.textContent = doc.manquants.length ? `À compléter : ${doc.manquants.map((m) => m.label).join(' ; ')}` : '';
  };
  showMissing(loaded);

  // Saves one at a time, in order, each with the version the previous one answered; the latest content wins.
  let pending: FormData | null = null;
  let running = false;
  let saving: Promise<void> = Promise.resolve();
  const flushSaves = () => {
    if (running) return saving;
    saving = runSaves();
    return saving;
  };
  const runSaves = async () => {
    running = true;
    while (pending) {
      const data = pending;
      pending = null;
      setState({ kind: 'saving' });
      try {
        const saved = (await send(
          api.plans[':planId'].forms[':documentId'].$put({ param: { planId, documentId }, json: { version, title, data } }),
        )) as FormDocument;
        version = saved.version;
        showMissing(saved);
        setState({ kind: 'saved' });
      } catch (err) {
        if (err instanceof ApiFailure && err.isConflict) setState({ kind: 'conflict', message: err.body.message });
        else {
          const issue = err instanceof ApiFailure ? err.body.issues[0] : undefined;
          setState({ kind: 'refused', message: issue ? `${documentPathOf(issue.path)} — ${issue.message}` : failureMessage(err) });
          if (issue) focusPath(el, issue.path);
        }
        pending = null;
      }
    }
    running = false;
  };
  const save = (data: unknown) => {
    pending = structuredClone(data) as FormData;
    void flushSaves();
  };

  const binder = new FormBinder({
    doc: structuredClone(loaded.data) as Record<string, unknown>,
    schema,
    pathPrefix: 'data',
    canWrite: () => canEdit,
    readOnlyReason,
    save,
  });

  const titleInput = h('input', { type: 'text', value: title, 'aria-label': 'Titre du document', class: 'form-title', maxlength: 200 });
  titleInput.readOnly = !canEdit;
  titleInput.addEventListener('change', () => {
    const next = titleInput.value.trim();
    if (!next) {
      titleInput.value = title;
      return;
    }
    title = next;
    save(binder.binding.doc);
  });
  const remove = h('button', { type: 'button' }, 'Supprimer le document');
  guardButton(remove, canEdit, readOnlyReason);
  remove.addEventListener('click', async () => {
    if (!(await confirmDialog('Supprimer le document', `Supprimer « ${title} » ? Son contenu reste lisible dans l’historique du plan.`, 'Supprimer'))) return;
    try {
      await send(api.plans[':planId'].forms[':documentId'].$delete({ param: { planId, documentId }, query: { version: String(version) } }));
      location.hash = formsHref(planId);
    } catch (err) {
      toast(failureMessage(err), 'error');
    }
  });

  const fileUrl = (ext: string) => `/api/plans/${encodeURIComponent(planId)}/forms/${encodeURIComponent(documentId)}/export.${ext}`;
  const exportXlsx = h('a', { href: fileUrl('xlsx'), download: true, class: 'button-link', 'data-testid': 'form-export-xlsx' }, 'Exporter en XLSX');
  const exportPdf = h('a', { href: fileUrl('pdf'), download: true, class: 'button-link', 'data-testid': 'form-export-pdf' }, 'Exporter en PDF');
  const importButton = h('button', { type: 'button', 'aria-haspopup': 'dialog' }, 'Importer un XLSX…');
  guardButton(importButton, canEdit, readOnlyReason);
  importButton.addEventListener('click', async () => {
    binder.flush();
    await openFileImportDialog<ImportPreview>(ctx, {
      testId: 'form-import',
      title: 'Importer le classeur du document',
      hint: ['Choisissez le classeur exporté de ce document puis modifié. Les différences sont affichées avant toute écriture.'],
      fileLabel: 'Classeur (.xlsx)',
      accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      refuseFile: (file) =>
        !/\.xlsx$/i.test(file.name)
          ? `« ${file.name} » n’est pas un classeur XLSX.`
          : file.size > MAX_IMPORT_BYTES
            ? 'Le fichier dépasse la taille permise (5 Mo).'
            : null,
      send: async (file, fingerprint) => {
        const form = fingerprint ? { file, apply: 'true' as const, fingerprint } : { file };
        return (await send(api.plans[':planId'].forms[':documentId']['import.xlsx'].$post({ param: { planId, documentId }, form }))) as
          | ImportPreview
          | ImportResult;
      },
      renderPreview: renderChanges,
      applyLabel: (p) =>
        p.changes.length === 0 ? null : p.changes.length === 1 ? 'Appliquer la modification' : `Appliquer les ${p.changes.length} modifications`,
      appliedMessage: (p) => `${p.changes.length} modification(s) importée(s)`,
      reloadFailedMessage: 'Rechargez la page pour voir les valeurs importées.',
      conflictMessage: 'Le document a été modifié depuis l’aperçu : relancez l’aperçu.',
      tooLargeMessage: 'Le fichier dépasse 5 Mo.',
      describeRefusal: (message, issues) => ({ heading: message, issues: issues.filter((i) => i.path.includes('!')) }),
      placeOf: (i) => i.path || null,
      retryHint: 'Rien n’a été enregistré. Corrigez le classeur puis choisissez-le à nouveau.',
    });
    // The document as stored now (an applied import changed it).
    void showDocument(ctx, el, documentId);
  });

  const body = h('div');
  // A text or a list is sent after a short pause: until then the status line does not say « Enregistré ».
  body.addEventListener('input', () => {
    if (!running) setState({ kind: 'pending' });
  });
  const param = { planId, documentId };
  const review = formReviewBar(param, loaded, {
    canEdit: permissions.can(WRITE_CAPABILITIES.plan),
    // The last changes typed are saved first: the version submitted is the one they answered.
    beforeSubmit: async () => {
      binder.flush();
      await flushSaves();
      return saveState.kind === 'saved' ? version : `Document non soumis : une modification n’est pas enregistrée (${saveStateText(saveState)})`;
    },
    reload: () => void showDocument(ctx, el, documentId),
  });
  // The questions not resolved, marked beside their fields (again after a block is added or removed).
  let questioned: readonly FormThread[] = [];
  const threads = formThreadsSection(
    param,
    definition,
    loaded,
    (path) => focusPath(el, buildPath('data', path)),
    (list) => {
      questioned = list;
      markQuestionedFields(body, list);
    },
  );
  const draw = () => {
    replaceChildren(
      body,
      definition.sections.map((section) =>
        h(
          'section',
          { class: 'form-section' },
          h('h2', null, section.label),
          section.help ? h('p', { class: 'hint' }, section.help) : null,
          section.fields.map((field) => fieldControl(ctx, binder, `${section.id}.${field.id}`, field, draw)),
        ),
      ),
    );
    markQuestionedFields(body, questioned);
  };
  draw();
  replaceChildren(
    el,
    h('p', null, h('a', { href: formsHref(planId) }, '← Formulaires du plan')),
    h('h1', null, definition.label),
    h('div', { class: 'toolbar' }, titleInput, status, exportXlsx, exportPdf, importButton, remove),
    review,
    missing,
    body,
    threads,
  );
  return () => binder.flush();
}

/** The control of one field at `path` of the document (a group draws its blocks, each with its own controls). */
function fieldControl(ctx: PageContext, binder: FormBinder, path: string, field: FormField, redraw: () => void): HTMLElement {
  if (field.kind !== 'group') return memberControl(ctx, binder, path, field);
  const items = () => (getAt(binder.binding.doc, path.split('.')) as FormGroupItem[] | undefined) ?? [];
  const add = h('button', { type: 'button' }, `Ajouter : ${field.itemLabel}`);
  guardButton(add, binder.canWrite(path), binder.binding.readOnlyReason);
  add.addEventListener('click', () => {
    binder.commit(path, [...items(), blankGroupItem(field)]);
    redraw();
  });
  return h(
    'fieldset',
    { class: 'form-group', 'data-path': buildPath('data', path) },
    h('legend', null, field.required ? `${field.label} *` : field.label),
    items().map((item, i) => {
      const removeItem = h('button', { type: 'button' }, 'Retirer ce bloc');
      guardButton(removeItem, binder.canWrite(path), binder.binding.readOnlyReason);
      removeItem.addEventListener('click', async () => {
        if (!(await confirmDialog('Retirer un bloc', `Retirer « ${groupItemName(field, item, i)} » et son contenu ?`, 'Retirer'))) return;
        binder.commit(
          path,
          items().filter((_, j) => j !== i),
        );
        redraw();
      });
      return h(
        'div',
        { class: 'form-group-item', 'data-testid': 'form-group-item' },
        h('h3', null, groupItemName(field, item, i)),
        field.fields.map((m) => memberControl(ctx, binder, buildPath(path, i, m.id), m)),
        h('div', { class: 'toolbar' }, removeItem),
      );
    }),
    h('div', { class: 'toolbar' }, add),
  );
}

function memberControl(ctx: PageContext, binder: FormBinder, path: string, field: GroupMember): HTMLElement {
  const label = field.required ? `${field.label} *` : field.label;
  const control = (() => {
    switch (field.kind) {
      case 'text':
        return binder.text(path, label, field.help ? { hint: field.help } : {});
      case 'longText':
        return binder.text(path, label, { long: true, ...(field.help ? { hint: field.help } : {}) });
      case 'bulletList':
        return binder.lines(path, label, 'Un élément par ligne');
      case 'yesNo':
        return binder.yesno(path, label);
      case 'date':
        return binder.date(path, label);
      case 'amount':
        return binder.number(path, label, 2, { suffix: '€' });
      case 'choice':
        return field.multiple ? checkboxes(binder, path, label, field.options) : binder.select(path, label, field.options);
      case 'ficheAction':
        return binder.select(
          path,
          label,
          ctx.store.plan.actions.map((a) => ({ value: a.id, label: describeAction(a) })),
        );
      case 'table':
        return embeddedGrid({
          binder,
          path,
          label,
          columns: tableColumns(field.columns),
          newRow: () => blankRow(field.columns),
          addLabel: 'Ajouter une ligne',
          removeLabel: 'Retirer la ligne sélectionnée',
        }).el;
    }
  })();
  return field.kind === 'table' ? h('div', { class: 'field' }, h('h3', null, label), control) : control;
}

/** Check boxes of a closed list whose stored values are keys, shown by their labels. */
function checkboxes(binder: FormBinder, path: string, label: string, options: readonly { value: string; label: string }[]): HTMLElement {
  const current = new Set((getAt(binder.binding.doc, path.split('.')) as string[] | null) ?? []);
  return h(
    'fieldset',
    { class: 'field', 'data-path': buildPath('data', path) },
    h('legend', null, label),
    options.map((o) => {
      const input = h('input', { type: 'checkbox', value: o.value, checked: current.has(o.value) });
      input.disabled = !binder.canWrite(path);
      input.addEventListener('change', () => {
        if (input.checked) current.add(o.value);
        else current.delete(o.value);
        binder.commit(
          path,
          options.filter((x) => current.has(x.value)).map((x) => x.value),
        );
      });
      return h('label', { class: 'inline' }, input, o.label);
    }),
  );
}
