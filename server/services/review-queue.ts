import { and, asc, eq, gt, inArray, ne, notExists, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { auditChanges, planSections, plans, reviewThreads, submissions } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Plan } from '../../schemas/plan.ts';
import type { PorteurSection } from '../../schemas/porteur.ts';
import { porteurTitle } from '../../schemas/porteur.ts';
import { brusselsDate, daysBetween } from '../../schemas/dates.ts';
import { submissionKindOf, type Programme } from '../../schemas/reference.ts';
import type { ChecklistItem, SubmissionChange } from '../../schemas/submission.ts';
import {
  returnTargetsOf,
  type ChangesBase,
  type ChangesSince,
  type ChecklistSummary,
  type QueueItem,
  type SubmissionChanges,
  type SubmissionReview,
} from '../../schemas/review-queue.ts';
import type { ChangesQuery, QueueApproveBody } from '../../schemas/requests/review-queue.ts';
import { requireCatalogue, requireProgramme, todayOf, type ServiceContext } from './context.ts';
import { requirePlanRow } from './plan-store.ts';
import { approvalSummary, approveSubmissionWithin, changesBetween, checklistOf, kindOut, requireSubmission, SUBMISSION_STATUS_COLUMNS } from './submissions.ts';
import { countReturnReasons } from './return-reasons.ts';

/**
 * The DiCS's review queue: every submission awaiting review (`soumis`, the latest of its kind and year) of a
 * programme's plans, oldest first, with its checklist and what changed since the last approved version; and the
 * approval of several at once. A submission's snapshot never changes, so what is computed from it (its checklist,
 * its changes since a given submission) is kept by submission id: the queue parses a snapshot once per process.
 */

/** Light columns of a submission (never the snapshot nor the files). */
type Head = { id: string; planId: string; kind: string; annee: number; numero: number; statut: string; soumisLe: string };

/** At most this many entries in each cache (a few hundred submissions wait at a time in a region of 195 plans). */
const CACHE_LIMIT = 2000;

/** A map that forgets its oldest entries past CACHE_LIMIT. */
function boundedCache<V>() {
  const map = new Map<string, V>();
  return {
    get: (key: string) => map.get(key),
    set(key: string, value: V) {
      map.set(key, value);
      if (map.size > CACHE_LIMIT) map.delete(map.keys().next().value!);
    },
  };
}

/** The checklist of each submission's snapshot, by submission id. */
const checklists = boundedCache<ChecklistItem[]>();
/** The number of changes between two submissions, by `<submission id>|<base id>`. */
const changeCounts = boundedCache<number>();

function snapshotOf(db: DbOrTx, id: string): Plan {
  const row = db.select({ snapshot: submissions.snapshot }).from(submissions).where(eq(submissions.id, id)).get();
  if (!row) throw new NotFoundError(`Soumission introuvable : ${id}`);
  return JSON.parse(row.snapshot) as Plan;
}

function summarise(elements: readonly ChecklistItem[]): ChecklistSummary {
  return {
    pret: elements.every((e) => e.ok),
    items: elements.map((e) => ({ id: e.id, label: e.label, ok: e.ok, manquants: e.details.length, justifies: e.justified.length })),
  };
}

/** The checklist of the kind on the submitted snapshot (computed once per submission). */
function snapshotChecklist(ctx: ServiceContext, programme: Programme, head: Pick<Head, 'id' | 'kind' | 'annee'>): ChecklistItem[] {
  const cached = checklists.get(head.id);
  if (cached) return cached;
  const kind = submissionKindOf(programme, head.kind);
  const elements = kind ? checklistOf(ctx, snapshotOf(ctx.db, head.id), kind, head.annee) : [];
  checklists.set(head.id, elements);
  return elements;
}

/**
 * What a submission is compared with, among the submissions of its plan, kind and year (`siblings`): the last
 * approved one before it, else (or when `previous` is asked) the one just before it, else nothing.
 */
function baseOf(
  head: Head,
  siblings: readonly Head[],
  since: ChangesQuery['since'],
  wasApproved: (s: Head) => boolean,
): { base: ChangesBase; row: Head | null } {
  const before = siblings.filter((s) => s.numero < head.numero).sort((a, b) => b.numero - a.numero);
  const approved = since === 'approved' ? before.find(wasApproved) : undefined;
  if (approved) return { base: 'approuvee', row: approved };
  return before[0] ? { base: 'precedente', row: before[0] } : { base: 'aucune', row: null };
}

function sinceOf(base: ChangesBase, row: Head | null): ChangesSince {
  const libelle =
    base === 'approuvee'
      ? `depuis la dernière version approuvée (soumission n°${row!.numero})`
      : base === 'precedente'
        ? `aucune version approuvée : depuis la soumission précédente (n°${row!.numero})`
        : 'première soumission : rien à comparer';
  return { base, submissionId: row?.id ?? null, numero: row?.numero ?? null, soumisLe: row?.soumisLe ?? null, libelle };
}

/** The changes from `base` to `head`: the stored annex when `base` is the submission just before, else the two snapshots compared. */
function changesFrom(db: DbOrTx, head: Head, base: Head): SubmissionChange[] {
  if (base.numero === head.numero - 1) {
    const row = db.select({ changements: submissions.changements }).from(submissions).where(eq(submissions.id, head.id)).get();
    return JSON.parse(row?.changements ?? '[]') as SubmissionChange[];
  }
  return changesBetween(snapshotOf(db, base.id), snapshotOf(db, head.id));
}

function changeCount(db: DbOrTx, head: Head, base: Head | null): number {
  if (!base) return 0;
  const key = `${head.id}|${base.id}`;
  const cached = changeCounts.get(key);
  if (cached !== undefined) return cached;
  const count = changesFrom(db, head, base).length;
  changeCounts.set(key, count);
  return count;
}

/** The porteur's title and the province of each plan, from its two sections (never the whole plan). */
export function plansHeadOf(db: DbOrTx, planIds: readonly string[]): Map<string, { porteur: string; province: string | null }> {
  const rows = db
    .select({ planId: planSections.planId, section: planSections.section, data: planSections.data, commune: plans.commune })
    .from(planSections)
    .innerJoin(plans, eq(plans.id, planSections.planId))
    .where(and(inArray(planSections.planId, [...planIds]), inArray(planSections.section, ['porteur', 'identite'])))
    .all();
  const out = new Map<string, { porteur: string; province: string | null }>();
  for (const id of planIds) {
    const own = rows.filter((r) => r.planId === id);
    const commune = own[0]?.commune ?? '';
    const porteur = own.find((r) => r.section === 'porteur')?.data as PorteurSection | undefined;
    const identite = own.find((r) => r.section === 'identite')?.data as { province?: string | null } | undefined;
    out.set(id, { porteur: porteur ? porteurTitle({ commune, porteur }) : commune, province: identite?.province ?? null });
  }
  return out;
}

/** The DiCS's questions not resolved yet, by `<plan>|<year>`. */
function openQuestionsOf(db: DbOrTx, planIds: readonly string[]): Map<string, number> {
  const rows = db
    .select({ planId: reviewThreads.planId, annee: reviewThreads.annee, n: sql<number>`count(*)` })
    .from(reviewThreads)
    .where(and(inArray(reviewThreads.planId, [...planIds]), ne(reviewThreads.statut, 'resolu')))
    .groupBy(reviewThreads.planId, reviewThreads.annee)
    .all();
  return new Map(rows.map((r) => [`${r.planId}|${r.annee}`, Number(r.n)]));
}

/**
 * Was the submission approved, even if reopened since (then `rouvert`)? Its status says so while it stands; after a
 * reopening, the approval's entry in the plan's audit trail (worded by approvalSummary, matched whole).
 */
function approvalsOf(ctx: ServiceContext, programme: Programme, planIds: readonly string[]): (s: Head) => boolean {
  const entries = ctx.db
    .select({ planId: auditChanges.planId, summary: auditChanges.summary })
    .from(auditChanges)
    .where(and(inArray(auditChanges.planId, [...planIds]), eq(auditChanges.event, 'approbation')))
    .all();
  const recorded = new Set(entries.map((e) => `${e.planId}|${e.summary}`));
  return (s) => s.statut === 'approuve' || recorded.has(`${s.planId}|${approvalSummary(programme, s)}`);
}

const siblingKey = (h: Pick<Head, 'planId' | 'kind' | 'annee'>) => `${h.planId}|${h.kind}|${h.annee}`;

/**
 * Every submission awaiting review of the programme's plans, oldest submitted first: plan, porteur, province, kind,
 * year, number, submitted at and by, days waiting, open questions, the checklist of its snapshot (counted), what
 * changed since the last approved version, and the demandes of the previous return with how many were marked
 * corrected. 404 for an unknown programme.
 */
export function listReviewQueue(ctx: ServiceContext & { programme: string }): QueueItem[] {
  const programme = requireProgramme(ctx, ctx.programme);
  const newer = alias(submissions, 'newer');
  const waiting = ctx.db
    .select({
      ...SUBMISSION_STATUS_COLUMNS,
      soumisLe: submissions.soumisLe,
      soumisPar: submissions.soumisPar,
    })
    .from(submissions)
    .innerJoin(plans, eq(plans.id, submissions.planId))
    .where(
      and(
        eq(plans.programmeId, programme.id),
        eq(submissions.statut, 'soumis'),
        notExists(
          ctx.db
            .select({ one: sql`1` })
            .from(newer)
            .where(
              and(
                eq(newer.planId, submissions.planId),
                eq(newer.kind, submissions.kind),
                eq(newer.annee, submissions.annee),
                gt(newer.numero, submissions.numero),
              ),
            ),
        ),
      ),
    )
    .orderBy(asc(submissions.soumisLe), asc(submissions.id))
    .all();
  if (!waiting.length) return [];
  const planIds = [...new Set(waiting.map((w) => w.planId))];
  const all: Head[] = ctx.db
    .select({ ...SUBMISSION_STATUS_COLUMNS, soumisLe: submissions.soumisLe })
    .from(submissions)
    .where(inArray(submissions.planId, planIds))
    .all();
  const siblings = new Map<string, Head[]>();
  for (const s of all) siblings.set(siblingKey(s), [...(siblings.get(siblingKey(s)) ?? []), s]);
  const heads = plansHeadOf(ctx.db, planIds);
  const questions = openQuestionsOf(ctx.db, planIds);
  const previousOf = (w: Head) => siblings.get(siblingKey(w))?.find((s) => s.numero === w.numero - 1) ?? null;
  const demandes = countReturnReasons(
    ctx.db,
    waiting.map(previousOf).flatMap((p) => (p ? [p.id] : [])),
  );
  const today = todayOf(ctx);
  const wasApproved = approvalsOf(ctx, programme, planIds);
  return waiting.map((w) => {
    const { base, row } = baseOf(w, siblings.get(siblingKey(w)) ?? [], 'approved', wasApproved);
    const previous = previousOf(w);
    const head = heads.get(w.planId);
    const { kindLabel } = kindOut(programme, w);
    return {
      planId: w.planId,
      submissionId: w.id,
      porteur: head?.porteur ?? '',
      province: head?.province ?? null,
      kind: w.kind,
      kindLabel,
      annee: w.annee,
      numero: w.numero,
      soumisLe: w.soumisLe,
      soumisPar: w.soumisPar,
      joursAttente: Math.max(0, daysBetween(brusselsDate(w.soumisLe), today)),
      questionsOuvertes: questions.get(`${w.planId}|${w.annee}`) ?? 0,
      checklist: summarise(snapshotChecklist(ctx, programme, w)),
      depuis: sinceOf(base, row),
      changements: changeCount(ctx.db, w, row),
      demandesPrecedentes: { submissionId: previous?.id ?? null, ...((previous && demandes.get(previous.id)) || { total: 0, corrigees: 0 }) },
    };
  });
}

function headsOfYear(db: DbOrTx, planId: string, submissionId: string): { head: Head; siblings: Head[] } {
  const row = requireSubmission(db, planId, submissionId);
  const siblings = db
    .select({ ...SUBMISSION_STATUS_COLUMNS, soumisLe: submissions.soumisLe })
    .from(submissions)
    .where(and(eq(submissions.planId, planId), eq(submissions.kind, row.kind), eq(submissions.annee, row.annee)))
    .all();
  return { head: siblings.find((s) => s.id === row.id)!, siblings };
}

/**
 * What changed in a submission since the last approved submission of the same plan, kind and year (`approved`,
 * the default; the previous submission when none was approved) or since the previous one (`previous`).
 */
export function getSubmissionChanges(ctx: ServiceContext & { planId: string; submissionId: string; since: ChangesQuery['since'] }): SubmissionChanges {
  const { head, siblings } = headsOfYear(ctx.db, ctx.planId, ctx.submissionId);
  const programme = requireProgramme(ctx, requirePlanRow(ctx.db, ctx.planId).programmeId);
  const { base, row } = baseOf(head, siblings, ctx.since, approvalsOf(ctx, programme, [ctx.planId]));
  return { depuis: sinceOf(base, row), changements: row ? changesFrom(ctx.db, head, row) : [] };
}

/** A submission's checklist on its snapshot (every item with its details), and the targets a demande may name. */
export function getSubmissionReview(ctx: ServiceContext & { planId: string; submissionId: string }): SubmissionReview {
  const { head } = headsOfYear(ctx.db, ctx.planId, ctx.submissionId);
  const snapshot = snapshotOf(ctx.db, head.id);
  const programme = requireProgramme(ctx, snapshot.programmeId);
  const elements = snapshotChecklist(ctx, programme, head);
  return { checklist: { ...summarise(elements), elements }, cibles: returnTargetsOf(snapshot, requireCatalogue(ctx, snapshot.programmeId)) };
}

/**
 * Approves every listed submission in one transaction, or none: 404 for an unknown one, 409 naming the first that
 * is no longer under review (approved or returned meanwhile). Each approval is audited as one approval.
 */
export function approveQueueItems(ctx: ServiceContext & { input: QueueApproveBody }): { approuvees: number } {
  const { items, motif } = ctx.input;
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.submissionId)) {
      throw new ValidationError('La même soumission est sélectionnée deux fois', [{ path: `items.${i}.submissionId`, message: 'Soumission en double' }]);
    }
    seen.add(item.submissionId);
  });
  ctx.db.transaction((db) => {
    items.forEach((item, i) => {
      try {
        approveSubmissionWithin(ctx, db, item.planId, item.submissionId, motif);
      } catch (err) {
        // Which of the selected submissions it is: the porteur's name, and the item in `issues`.
        if (!(err instanceof ConflictError || err instanceof NotFoundError)) throw err;
        const porteur = plansHeadOf(db, [item.planId]).get(item.planId)?.porteur ?? item.planId;
        const message = `${porteur} : ${err.message}. Aucune soumission n’a été approuvée.`;
        const issues = [{ path: `items.${i}.submissionId`, message: err.message }];
        throw err instanceof ConflictError ? new ConflictError(message, err.current, issues) : new AppError(404, 'not_found', message, issues);
      }
    });
  });
  return { approuvees: items.length };
}
