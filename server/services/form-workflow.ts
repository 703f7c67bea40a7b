import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { formDocuments, formThreads, plans } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../errors.ts';
import { hasCapability, ROLE_LABELS } from '../../schemas/access.ts';
import type { AuditEvent } from '../../schemas/audit.ts';
import { brusselsDate, daysBetween } from '../../schemas/dates.ts';
import type { FormDocument } from '../../schemas/form-document.ts';
import { FORM_STATUS_LABELS, formDocumentLink, type FormQueueItem, type FormStatus } from '../../schemas/form-workflow.ts';
import type { ApproveFormBody, FormDecisionBody, SubmitFormBody } from '../../schemas/requests/form-workflow.ts';
import { appendAudit } from './audit.ts';
import { nowOf, requireProgramme, SYSTEM_ACTOR_NAME, todayOf, type ServiceContext } from './context.ts';
import { listFormKinds, requireRow, toDocument, type FormDocumentRow } from './form-documents.ts';
import { requireVersion } from './mutate.ts';
import { notifyPlanPeople } from './notifications.ts';
import { plansHeadOf } from './review-queue.ts';

/**
 * The review of a form document by the DiCS, as the plan's submissions are reviewed: the commune submits it (it is
 * read-only from then on), the DiCS approves it or returns it with a motif, a returned document is corrected and
 * submitted again, and a submitted or approved one is reopened with a motif. Each step is checked against the version
 * the person saw (409 when stale), bumps the version, keeps who and when, is an entry of the plan's audit trail, and
 * the DiCS's decisions are told to the plan's people as those on the plan's submissions are.
 */

type DocumentCtx = ServiceContext & { planId: string; documentId: string };

/** Whom a decision is by, as the plan's submissions record it: « Nom (Agent de la DiCS) ». */
const deciderOf = (ctx: ServiceContext) => (ctx.actor ? `${ctx.actor.nom} (${ROLE_LABELS[ctx.actor.role]})` : SYSTEM_ACTOR_NAME);

/** The stored document at `version` (409 with it otherwise) whose status is one of `from` (409 naming its status otherwise). */
function requireStep(ctx: DocumentCtx, db: DbOrTx, version: number, from: readonly FormStatus[], what: string): FormDocumentRow {
  const row = requireRow(db, ctx.planId, ctx.documentId);
  requireVersion(row, version, `Le formulaire « ${row.title} »`, (r) => toDocument(ctx, r));
  if (!from.includes(row.statut)) {
    throw new ConflictError(`Impossible de ${what} le formulaire « ${row.title} » : il est « ${FORM_STATUS_LABELS[row.statut]} »`, toDocument(ctx, row), [
      { path: 'statut', message: FORM_STATUS_LABELS[row.statut] },
    ]);
  }
  return row;
}

/** Writes a step: the new status and its who/when, the version + 1, the audit entry (with the motif as its reason). */
function recordStep(
  ctx: DocumentCtx,
  db: DbOrTx,
  row: FormDocumentRow,
  changes: Partial<Pick<FormDocumentRow, 'soumisLe' | 'soumisPar' | 'decideLe' | 'decidePar' | 'motif'>> & { statut: FormStatus },
  event: AuditEvent,
  summary: string,
): FormDocumentRow {
  const next = { ...row, ...changes, version: row.version + 1 };
  db.update(formDocuments)
    .set({ ...changes, version: next.version })
    .where(eq(formDocuments.id, row.id))
    .run();
  appendAudit({ ...ctx, reason: changes.motif ?? null }, db, ctx.planId, { event, summary });
  return next;
}

/** The plan's people learn the DiCS's decision on a document in Cohésio and by e-mail, with a link to it. */
function notifyDecision(ctx: DocumentCtx, db: DbOrTx, row: FormDocumentRow, event: 'approbation' | 'retour', summary: string): void {
  const verdict = event === 'retour' ? 'retourné pour correction' : 'approuvé';
  // A notice's title holds 200 characters; a document's title up to 200.
  const title = row.title.length > 120 ? `${row.title.slice(0, 119)}…` : row.title;
  notifyPlanPeople(
    ctx,
    ctx.planId,
    { nature: event, titre: `Formulaire « ${title} » ${verdict} par la DiCS`, texte: summary, lien: formDocumentLink(ctx.planId, row.id) },
    db,
  );
}

/**
 * The commune submits the document to the DiCS (a draft, a returned or a reopened one): 400 naming each required field
 * left blank (at `data.<path>`), 409 when stale or already submitted or approved. Read-only from then on.
 */
export function submitFormDocument(ctx: DocumentCtx & { input: SubmitFormBody }): FormDocument {
  return ctx.db.transaction((db) => {
    const row = requireStep(ctx, db, ctx.input.version, ['brouillon', 'retourne', 'rouvert'], 'soumettre');
    const missing = toDocument(ctx, row).manquants;
    if (missing.length) {
      throw new ValidationError(
        `Le formulaire « ${row.title} » ne peut pas encore être soumis : ${missing.length} champ(s) obligatoire(s) à compléter (${missing.map((m) => m.label).join(' ; ')})`,
        missing.map((m) => ({ path: `data.${m.path}`, message: `À compléter : ${m.label}` })),
      );
    }
    const resubmitted = row.soumisLe !== null;
    const next = recordStep(
      ctx,
      db,
      row,
      { statut: 'soumis', soumisLe: nowOf(ctx), soumisPar: ctx.actor?.nom ?? SYSTEM_ACTOR_NAME, decideLe: null, decidePar: null, motif: null },
      'soumission',
      `Formulaire « ${row.title} » ${resubmitted ? 'soumis à nouveau' : 'soumis'} à la DiCS (version ${row.version})`,
    );
    return toDocument(ctx, next);
  });
}

/** The DiCS approves a submitted document, with an optional comment. */
export function approveFormDocument(ctx: DocumentCtx & { input: ApproveFormBody }): FormDocument {
  return ctx.db.transaction((db) => {
    const row = requireStep(ctx, db, ctx.input.version, ['soumis'], 'approuver');
    const motif = ctx.input.motif;
    const summary = `Formulaire « ${row.title} » approuvé par la DiCS${motif ? ` : ${motif}` : ''}`;
    const next = recordStep(ctx, db, row, { statut: 'approuve', decideLe: nowOf(ctx), decidePar: deciderOf(ctx), motif }, 'approbation', summary);
    notifyDecision(ctx, db, row, 'approbation', summary);
    return toDocument(ctx, next);
  });
}

/** The DiCS returns a submitted document to the commune with a motif: it is editable again, then submitted again. */
export function returnFormDocument(ctx: DocumentCtx & { input: FormDecisionBody }): FormDocument {
  return ctx.db.transaction((db) => {
    const row = requireStep(ctx, db, ctx.input.version, ['soumis'], 'retourner');
    const { motif } = ctx.input;
    const summary = `Formulaire « ${row.title} » retourné à la commune : ${motif}`;
    const next = recordStep(ctx, db, row, { statut: 'retourne', decideLe: nowOf(ctx), decidePar: deciderOf(ctx), motif }, 'retour', summary);
    notifyDecision(ctx, db, row, 'retour', `${summary}\n\nLes questions de la DiCS sont indiquées sur le document.`);
    return toDocument(ctx, next);
  });
}

/**
 * Reopens a submitted or approved document with a motif, as the plan's submissions: the commune may take back a
 * document the DiCS has not decided on; an approved one only the DiCS (or an administrator) reopens (403 otherwise).
 * It is editable again and is submitted again.
 */
export function reopenFormDocument(ctx: DocumentCtx & { input: FormDecisionBody }): FormDocument {
  return ctx.db.transaction((db) => {
    const row = requireStep(ctx, db, ctx.input.version, ['soumis', 'approuve'], 'rouvrir');
    if (row.statut === 'approuve' && ctx.actor && !hasCapability(ctx.actor, 'review')) {
      throw new ForbiddenError(`Le formulaire « ${row.title} » est approuvé : seule la DiCS peut le rouvrir`);
    }
    const { motif } = ctx.input;
    const was = row.statut === 'approuve' ? 'approuvé' : 'soumis';
    const next = recordStep(
      ctx,
      db,
      row,
      { statut: 'rouvert', decideLe: nowOf(ctx), decidePar: deciderOf(ctx), motif },
      'reouverture',
      `Formulaire « ${row.title} » (${was}) rouvert : ${motif}`,
    );
    return toDocument(ctx, next);
  });
}

/**
 * The form documents of a programme's plans submitted to the DiCS, oldest submitted first: plan, porteur, kind,
 * title, submitted at and by, days waiting, open questions, and the link to the document. 404 for an unknown programme.
 */
export function listFormReviewQueue(ctx: ServiceContext & { programme: string }): FormQueueItem[] {
  const programme = requireProgramme(ctx, ctx.programme);
  const waiting = ctx.db
    .select({
      id: formDocuments.id,
      planId: formDocuments.planId,
      kind: formDocuments.kind,
      title: formDocuments.title,
      soumisLe: formDocuments.soumisLe,
      soumisPar: formDocuments.soumisPar,
    })
    .from(formDocuments)
    .innerJoin(plans, eq(plans.id, formDocuments.planId))
    .where(and(eq(plans.programmeId, programme.id), eq(formDocuments.statut, 'soumis')))
    .orderBy(asc(formDocuments.soumisLe), asc(formDocuments.id))
    .all();
  if (!waiting.length) return [];
  const heads = plansHeadOf(ctx.db, [...new Set(waiting.map((w) => w.planId))]);
  const questions = new Map(
    ctx.db
      .select({ documentId: formThreads.documentId, n: sql<number>`count(*)` })
      .from(formThreads)
      .where(
        and(
          inArray(
            formThreads.documentId,
            waiting.map((w) => w.id),
          ),
          ne(formThreads.statut, 'resolu'),
        ),
      )
      .groupBy(formThreads.documentId)
      .all()
      .map((r) => [r.documentId, Number(r.n)]),
  );
  const kinds = new Map(listFormKinds(ctx).map((k) => [k.id, k.label]));
  const today = todayOf(ctx);
  return waiting.map((w) => {
    const soumisLe = w.soumisLe ?? '';
    return {
      planId: w.planId,
      documentId: w.id,
      porteur: heads.get(w.planId)?.porteur ?? '',
      kind: w.kind,
      kindLabel: kinds.get(w.kind) ?? w.kind,
      title: w.title,
      soumisLe,
      soumisPar: w.soumisPar ?? '',
      joursAttente: soumisLe ? Math.max(0, daysBetween(brusselsDate(soumisLe), today)) : 0,
      questionsOuvertes: questions.get(w.id) ?? 0,
      lien: formDocumentLink(w.planId, w.id),
    };
  });
}
