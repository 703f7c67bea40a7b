import { and, asc, eq } from 'drizzle-orm';
import { actions, formDocuments } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { formKindsOr, type FormKinds } from '../form-definitions.ts';
import type { FormDefinition, FormField, PrefillSource } from '../../schemas/form-definition.ts';
import {
  emptyFormData,
  formDataFromStored,
  flattenFormData,
  formDataSchema,
  missingFields,
  type FormData,
  type FormDocument,
  type FormDocumentSummary,
  type FormFlatValue,
  type FormGroupItem,
} from '../../schemas/form-document.ts';
import { FORM_AUDIT_ROOT } from '../../schemas/plan-path.ts';
import { FORM_LOCKING_STATUSES } from '../../schemas/form-workflow.ts';
import { appendAudit } from './audit.ts';
import { requireVersion } from './mutate.ts';
import { readPlan, requirePlanRow, touchPlan } from './plan-store.ts';
import { newIdOf, nowOf, SYSTEM_ACTOR_NAME, type ServiceContext } from './context.ts';

/** The kinds of form of the context (read at start by server/main.ts), else those of `templates/forms/`. */
function formKindsOf(ctx: ServiceContext): FormKinds {
  return formKindsOr(ctx.forms);
}

/** Every kind of form an administrator defined (`templates/forms/*.json`), in the order of their files. */
export function listFormKinds(ctx: ServiceContext): FormDefinition[] {
  return [...formKindsOf(ctx).values()];
}

export function requireKind(ctx: ServiceContext, kind: string, path = 'kind'): FormDefinition {
  const definition = formKindsOf(ctx).get(kind);
  if (!definition) {
    const known = [...formKindsOf(ctx).keys()].map((k) => `« ${k} »`).join(', ');
    throw new ValidationError(`Genre de formulaire inconnu : « ${kind} » (connus : ${known})`, [
      { path, message: `Genre de formulaire inconnu : « ${kind} »` },
    ]);
  }
  return definition;
}

export type FormDocumentRow = typeof formDocuments.$inferSelect;
type Row = FormDocumentRow;

/** A document of the plan; 404 for a document of another plan or none. */
export function requireRow(db: DbOrTx, planId: string, documentId: string): Row {
  const row = db
    .select()
    .from(formDocuments)
    .where(and(eq(formDocuments.planId, planId), eq(formDocuments.id, documentId)))
    .get();
  if (!row) throw new NotFoundError(`Formulaire introuvable : ${documentId}`);
  return row;
}

/** A stored document as the API answers it; content stored under an older definition is read through today's. */
export function toDocument(ctx: ServiceContext, row: Row): FormDocument {
  const definition = requireKind(ctx, row.kind);
  // A definition changed since the document was saved: what no longer fits is left out, never thrown at the reader.
  const data = formDataFromStored(definition, row.data);
  return { ...row, data, manquants: missingFields(definition, data) };
}

/**
 * 409 when the document is submitted to or approved by the DiCS: its content is then read-only until it is reopened
 * with a motif (schemas/form-workflow.ts), whatever the way the change came (page, import, API).
 */
export function requireEditable(ctx: ServiceContext, row: Row | FormDocument, action = 'de modifier'): void {
  if (!FORM_LOCKING_STATUSES.includes(row.statut)) return;
  const state = row.statut === 'approuve' ? 'approuvé par la DiCS' : 'soumis à la DiCS';
  throw new ConflictError(
    `Impossible ${action} le formulaire « ${row.title} » : il est ${state}, son contenu est en lecture seule (rouvrez-le avec un motif pour le modifier)`,
    'manquants' in row ? row : toDocument(ctx, row),
    [{ path: 'statut', message: `Formulaire ${state}` }],
  );
}

/** The name of the person writing, for the document's created/updated by. */
const authorOf = (ctx: ServiceContext) => ctx.actor?.nom ?? SYSTEM_ACTOR_NAME;

/** The documents of a plan, oldest first, without their content. */
export function listFormDocuments(ctx: ServiceContext & { planId: string }): FormDocumentSummary[] {
  requirePlanRow(ctx.db, ctx.planId);
  const kinds = formKindsOf(ctx);
  return ctx.db
    .select({
      id: formDocuments.id,
      planId: formDocuments.planId,
      kind: formDocuments.kind,
      title: formDocuments.title,
      version: formDocuments.version,
      createdAt: formDocuments.createdAt,
      createdBy: formDocuments.createdBy,
      updatedAt: formDocuments.updatedAt,
      updatedBy: formDocuments.updatedBy,
      statut: formDocuments.statut,
      soumisLe: formDocuments.soumisLe,
      soumisPar: formDocuments.soumisPar,
      decideLe: formDocuments.decideLe,
      decidePar: formDocuments.decidePar,
      motif: formDocuments.motif,
    })
    .from(formDocuments)
    .where(eq(formDocuments.planId, ctx.planId))
    .orderBy(asc(formDocuments.createdAt), asc(formDocuments.id))
    .all()
    .map((r) => ({ ...r, kindLabel: kinds.get(r.kind)?.label ?? r.kind }));
}

/** The names a repeated group starts from: the plan's working groups (meetings it organises) or its partners. */
function prefillNames(db: DbOrTx, planId: string): (source: PrefillSource) => string[] {
  const plan = readPlan(db, planId);
  return (source) => (source === 'reunionsOrganisees' ? plan.reunionsOrganisees.map((r) => r.thematique) : plan.partenaires.map((p) => p.nom));
}

/** Every path (`section.field`, `section.group.<n>.field`) of a `ficheAction` field, with its value. */
function ficheReferences(definition: FormDefinition, data: FormData): { path: string; value: string }[] {
  const out: { path: string; value: string }[] = [];
  const visit = (path: string, field: Pick<FormField, 'kind'>, value: unknown) => {
    if (field.kind === 'ficheAction' && typeof value === 'string') out.push({ path, value });
  };
  for (const section of definition.sections) {
    for (const field of section.fields) {
      const value = data[section.id]?.[field.id];
      if (field.kind !== 'group') {
        visit(`${section.id}.${field.id}`, field, value);
        continue;
      }
      ((value ?? []) as FormGroupItem[]).forEach((item, i) => {
        for (const m of field.fields) visit(`${section.id}.${field.id}.${i}.${m.id}`, m, item[m.id]);
      });
    }
  }
  return out;
}

/** 400 at `data.<path>` for a fiche action the plan does not hold. */
function requirePlanFiches(db: DbOrTx, planId: string, definition: FormDefinition, data: FormData): void {
  const refs = ficheReferences(definition, data);
  if (!refs.length) return;
  const ids = new Set(
    db
      .select({ id: actions.id })
      .from(actions)
      .where(eq(actions.planId, planId))
      .all()
      .map((a) => a.id),
  );
  const unknown = refs.filter((r) => !ids.has(r.value));
  if (!unknown.length) return;
  const issues = unknown.map((r) => ({ path: `data.${r.path}`, message: 'Cette fiche action n’appartient pas au plan' }));
  throw new ValidationError(`Données invalides (${issues[0]!.path}) : ${issues[0]!.message}`, issues);
}

type Flat = Map<string, { value: FormFlatValue; label: string }>;

/** The document's values for the trail: its title and content, each under `formulaires.<id>.…` with its label. */
function auditView(definition: FormDefinition, id: string, title: string, data: FormData): Flat {
  const prefix = `${FORM_AUDIT_ROOT}.${id}`;
  const name = `Formulaire « ${title} »`;
  const out: Flat = new Map([[`${prefix}.titre`, { value: title, label: `${name} · Titre` }]]);
  for (const [path, v] of flattenFormData(definition, data)) out.set(`${prefix}.${path}`, { value: v.value, label: `${name} · ${v.label}` });
  return out;
}

/** What changed between two views, each value named (the label of the side that has it). */
function diffViews(before: Flat, after: Flat) {
  const out: { path: string; label: string; old: FormFlatValue; new: FormFlatValue }[] = [];
  for (const [path, v] of after) {
    const old = before.get(path)?.value ?? null;
    if (old !== v.value) out.push({ path, label: v.label, old, new: v.value });
  }
  for (const [path, v] of before) if (!after.has(path)) out.push({ path, label: v.label, old: v.value, new: null });
  return out;
}

/**
 * A new document of kind `kind` in the plan: every field blank, a group with `prefill` holding one block per
 * working group (meeting the plan organises) or partner card of the plan. One audit entry.
 */
export function createFormDocument(ctx: ServiceContext & { planId: string; kind: string; title?: string | undefined }): FormDocument {
  const definition = requireKind(ctx, ctx.kind);
  return ctx.db.transaction((db) => {
    requirePlanRow(db, ctx.planId);
    const data = emptyFormData(definition, prefillNames(db, ctx.planId));
    const now = nowOf(ctx);
    const row: Row = {
      id: newIdOf(ctx)(),
      planId: ctx.planId,
      kind: definition.id,
      title: ctx.title ?? definition.defaultTitle,
      data,
      version: 0,
      createdAt: now,
      createdBy: authorOf(ctx),
      updatedAt: now,
      updatedBy: authorOf(ctx),
      statut: 'brouillon',
      soumisLe: null,
      soumisPar: null,
      decideLe: null,
      decidePar: null,
      motif: null,
    };
    db.insert(formDocuments).values(row).run();
    touchPlan(db, ctx.planId, now);
    appendAudit(ctx, db, ctx.planId, {
      event: 'modification',
      summary: `Formulaire « ${row.title} » créé (${definition.label})`,
      values: diffViews(new Map(), auditView(definition, row.id, row.title, data)),
    });
    return toDocument(ctx, row);
  });
}

/** One document of the plan with its content and the required fields left blank. */
export function readFormDocument(ctx: ServiceContext & { planId: string; documentId: string }): FormDocument {
  return toDocument(ctx, requireRow(ctx.db, ctx.planId, ctx.documentId));
}

/**
 * Replaces a document's content (and title) if `version` is the stored one (409 with the stored document otherwise).
 * The content is judged by the kind's schema (400 at `data.<section>.<field>…`), a named fiche action must be the
 * plan's. Identical content changes nothing: same version, no audit entry.
 */
export function saveFormDocument(
  ctx: ServiceContext & { planId: string; documentId: string; version: number; title?: string | undefined; data: unknown },
): FormDocument {
  return ctx.db.transaction((db) => {
    const row = requireRow(db, ctx.planId, ctx.documentId);
    const definition = requireKind(ctx, row.kind);
    const parsed = formDataSchema(definition).safeParse(ctx.data);
    if (!parsed.success) throw ValidationError.fromZod(parsed.error, ['data']);
    const data = parsed.data;
    requireVersion(row, ctx.version, `Le formulaire « ${row.title} »`, (r) => toDocument(ctx, r));
    requireEditable(ctx, row);
    requirePlanFiches(db, ctx.planId, definition, data);
    const title = ctx.title ?? row.title;
    const before = toDocument(ctx, row);
    const changes = diffViews(auditView(definition, row.id, before.title, before.data), auditView(definition, row.id, title, data));
    if (!changes.length) return before;
    const now = nowOf(ctx);
    const next = { ...row, title, data, version: row.version + 1, updatedAt: now, updatedBy: authorOf(ctx) };
    db.update(formDocuments).set({ title, data, version: next.version, updatedAt: now, updatedBy: next.updatedBy }).where(eq(formDocuments.id, row.id)).run();
    touchPlan(db, ctx.planId, now);
    appendAudit(ctx, db, ctx.planId, { event: 'modification', summary: `Formulaire « ${title} » modifié`, values: changes });
    return toDocument(ctx, next);
  });
}

/** Deletes a document if `version` is the stored one; its values leave the plan through one audit entry. */
export function deleteFormDocument(ctx: ServiceContext & { planId: string; documentId: string; version: number }): void {
  ctx.db.transaction((db) => {
    const row = requireRow(db, ctx.planId, ctx.documentId);
    requireVersion(row, ctx.version, `Le formulaire « ${row.title} »`, (r) => toDocument(ctx, r));
    requireEditable(ctx, row, 'de supprimer');
    const before = toDocument(ctx, row);
    const definition = requireKind(ctx, row.kind);
    db.delete(formDocuments).where(eq(formDocuments.id, row.id)).run();
    touchPlan(db, ctx.planId, nowOf(ctx));
    appendAudit(ctx, db, ctx.planId, {
      event: 'modification',
      summary: `Formulaire « ${row.title} » supprimé`,
      values: diffViews(auditView(definition, row.id, before.title, before.data), new Map()),
    });
  });
}
