import { and, asc, eq, inArray } from 'drizzle-orm';
import { reviewMessages, reviewThreads } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { hasCapability, ROLE_LABELS } from '../../schemas/access.ts';
import { describePath } from '../../schemas/audit.ts';
import { isPlanPath } from '../../schemas/plan-path.ts';
import { isProgrammeYear, yearOutsideProgramme } from '../../schemas/reference.ts';
import type { MessageKind, ReviewThread, ThreadMessage, ThreadStatus } from '../../schemas/submission.ts';
import type { OpenThreadBody, PostMessageBody, ResolveThreadBody } from '../../schemas/requests/submissions.ts';
import { appendAudit } from './audit.ts';
import { newIdOf, nowOf, requireProgramme, SYSTEM_ACTOR_NAME, type ServiceContext } from './context.ts';
import { readPlan, requirePlanRow } from './plan-store.ts';

/**
 * The DiCS's questions on the values of a submitted year: a reviewer opens a thread on a value (question), the
 * commune answers, the reviewer resolves it (or asks again). Every step goes to the audit trail.
 */

/** Every thread of a plan (of one year if asked), oldest first, with its messages. */
export function readReviewThreads(db: DbOrTx, planId: string, annee?: number): ReviewThread[] {
  const threads = db
    .select()
    .from(reviewThreads)
    .where(and(eq(reviewThreads.planId, planId), annee === undefined ? undefined : eq(reviewThreads.annee, annee)))
    .orderBy(asc(reviewThreads.ouvertLe), asc(reviewThreads.id))
    .all();
  if (!threads.length) return [];
  const messages = db
    .select()
    .from(reviewMessages)
    .where(
      inArray(
        reviewMessages.threadId,
        threads.map((t) => t.id),
      ),
    )
    .orderBy(asc(reviewMessages.id))
    .all();
  const byThread = messagesByThread(messages);
  return threads.map((t) => ({
    id: t.id,
    annee: t.annee,
    chemin: t.chemin,
    libelle: t.libelle,
    statut: t.statut,
    ouvertLe: t.ouvertLe,
    ouvertPar: t.ouvertPar,
    messages: byThread.get(t.id) ?? [],
  }));
}

/** Messages as the API answers them, by their thread, in the order given. */
export function messagesByThread(rows: readonly (ThreadMessage & { threadId: string })[]): Map<string, ThreadMessage[]> {
  const out = new Map<string, ThreadMessage[]>();
  for (const { threadId, id, at, auteur, role, nature, texte } of rows) {
    const list = out.get(threadId) ?? [];
    list.push({ id, at, auteur, role, nature, texte });
    out.set(threadId, list);
  }
  return out;
}

export function listReviewThreads(ctx: ServiceContext & { planId: string; annee?: number | undefined }): ReviewThread[] {
  requirePlanRow(ctx.db, ctx.planId);
  return readReviewThreads(ctx.db, ctx.planId, ctx.annee);
}

/** Who writes a message and when, as a thread shows it (the plan's threads and the form documents' alike). */
export function messageHeader(ctx: ServiceContext): { at: string; auteur: string; role: string } {
  return { at: nowOf(ctx), auteur: ctx.actor?.nom ?? SYSTEM_ACTOR_NAME, role: ctx.actor ? ROLE_LABELS[ctx.actor.role] : 'Système' };
}

/**
 * What a message in an open thread is: a reviewer's asks again (the thread is open again), anyone else's answers
 * (« Réponse donnée »).
 */
export function messageTurn(ctx: ServiceContext): { reviewer: boolean; nature: MessageKind; statut: ThreadStatus } {
  const reviewer = ctx.actor ? hasCapability(ctx.actor, 'review') && !hasCapability(ctx.actor, 'answer') : false;
  return reviewer ? { reviewer, nature: 'question', statut: 'ouvert' } : { reviewer, nature: 'reponse', statut: 'repondu' };
}

function addMessage(ctx: ServiceContext, db: DbOrTx, threadId: string, nature: MessageKind, texte: string): void {
  db.insert(reviewMessages)
    .values({ threadId, ...messageHeader(ctx), nature, texte })
    .run();
}

/** A reviewer's question on one value of a programme year. */
export function openReviewThread(ctx: ServiceContext & { planId: string; input: OpenThreadBody }): ReviewThread {
  const { annee, chemin, texte } = ctx.input;
  const plan = readPlan(ctx.db, ctx.planId);
  const programme = requireProgramme(ctx, plan.programmeId);
  if (!isProgrammeYear(programme, String(annee))) {
    throw new ValidationError(yearOutsideProgramme(programme, annee), [{ path: 'annee', message: 'Année hors programme' }]);
  }
  if (!isPlanPath(plan, chemin)) {
    throw new ValidationError("La valeur questionnée n'existe pas dans ce plan (supprimée depuis ?)", [
      { path: 'chemin', message: 'Valeur inconnue dans ce plan' },
    ]);
  }
  const id = newIdOf(ctx)();
  const libelle = describePath(plan, chemin);
  ctx.db.transaction((db) => {
    db.insert(reviewThreads)
      .values({ id, planId: ctx.planId, annee, chemin, libelle, statut: 'ouvert', ouvertLe: nowOf(ctx), ouvertPar: ctx.actor?.nom ?? SYSTEM_ACTOR_NAME })
      .run();
    addMessage(ctx, db, id, 'question', texte);
    appendAudit(ctx, db, ctx.planId, { event: 'question', summary: `Question de la DiCS sur « ${libelle} » (${annee}) : ${texte}` });
  });
  return requireThread(ctx.db, ctx.planId, id);
}

function requireThread(db: DbOrTx, planId: string, threadId: string): ReviewThread {
  const thread = readReviewThreads(db, planId).find((t) => t.id === threadId);
  if (!thread) throw new NotFoundError(`Question introuvable : ${threadId}`);
  return thread;
}

/**
 * A message in a thread: the commune's answer (the thread becomes "Réponse donnée"), or the reviewer asking again
 * (open again). A resolved thread takes no more messages.
 */
export function postReviewMessage(ctx: ServiceContext & { planId: string; threadId: string; input: PostMessageBody }): ReviewThread {
  const { texte } = ctx.input;
  const thread = requireThread(ctx.db, ctx.planId, ctx.threadId);
  if (thread.statut === 'resolu') throw new ConflictError('Cette question est résolue : ouvrez-en une nouvelle', thread);
  const { reviewer, nature, statut } = messageTurn(ctx);
  ctx.db.transaction((db) => {
    addMessage(ctx, db, thread.id, nature, texte);
    db.update(reviewThreads).set({ statut }).where(eq(reviewThreads.id, thread.id)).run();
    appendAudit(ctx, db, ctx.planId, {
      event: reviewer ? 'question' : 'reponse',
      summary: `${reviewer ? 'Nouvelle question' : 'Réponse'} sur « ${thread.libelle} » (${thread.annee}) : ${texte}`,
    });
  });
  return requireThread(ctx.db, ctx.planId, thread.id);
}

/** The reviewer closes a thread, with an optional last word. */
export function resolveReviewThread(ctx: ServiceContext & { planId: string; threadId: string; input: ResolveThreadBody }): ReviewThread {
  const { texte } = ctx.input;
  const thread = requireThread(ctx.db, ctx.planId, ctx.threadId);
  if (thread.statut === 'resolu') return thread;
  ctx.db.transaction((db) => {
    addMessage(ctx, db, thread.id, 'resolution', texte || 'Question résolue');
    db.update(reviewThreads).set({ statut: 'resolu' }).where(eq(reviewThreads.id, thread.id)).run();
    appendAudit(ctx, db, ctx.planId, {
      event: 'resolution',
      summary: `Question résolue : « ${thread.libelle} » (${thread.annee})${texte ? ` — ${texte}` : ''}`,
    });
  });
  return requireThread(ctx.db, ctx.planId, thread.id);
}
