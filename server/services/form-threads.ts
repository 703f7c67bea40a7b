import { asc, eq, inArray } from 'drizzle-orm';
import { formThreadMessages, formThreads } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { formDocumentName, formFieldPaths } from '../../schemas/form-fields.ts';
import type { FormThread } from '../../schemas/form-workflow.ts';
import type { MessageKind } from '../../schemas/submission.ts';
import type { OpenFormThreadBody, PostFormMessageBody, ResolveFormThreadBody } from '../../schemas/requests/form-workflow.ts';
import { appendAudit } from './audit.ts';
import { newIdOf, nowOf, SYSTEM_ACTOR_NAME, type ServiceContext } from './context.ts';
import { requireKind, requireRow, toDocument } from './form-documents.ts';
import { messageHeader, messagesByThread, messageTurn } from './review.ts';

/**
 * The DiCS's questions on one field of a form document, as on the plan's values (server/services/review.ts, whose
 * rules of who asks and who answers they share): a reviewer opens a thread on a field the document holds, the commune
 * answers, the reviewer resolves it or asks again. Every step is an entry of the plan's audit trail.
 */

type DocumentCtx = ServiceContext & { planId: string; documentId: string };

/** Every thread of a document, oldest first, with its messages. */
function readFormThreads(db: DbOrTx, documentId: string): FormThread[] {
  const threads = db.select().from(formThreads).where(eq(formThreads.documentId, documentId)).orderBy(asc(formThreads.ouvertLe), asc(formThreads.id)).all();
  if (!threads.length) return [];
  const messages = db
    .select()
    .from(formThreadMessages)
    .where(
      inArray(
        formThreadMessages.threadId,
        threads.map((t) => t.id),
      ),
    )
    .orderBy(asc(formThreadMessages.id))
    .all();
  const byThread = messagesByThread(messages);
  return threads.map((t) => ({
    id: t.id,
    documentId: t.documentId,
    chemin: t.chemin,
    libelle: t.libelle,
    statut: t.statut,
    ouvertLe: t.ouvertLe,
    ouvertPar: t.ouvertPar,
    messages: byThread.get(t.id) ?? [],
  }));
}

/** The questions of a document of the plan (404 for another plan's). */
export function listFormThreads(ctx: DocumentCtx): FormThread[] {
  requireRow(ctx.db, ctx.planId, ctx.documentId);
  return readFormThreads(ctx.db, ctx.documentId);
}

function requireFormThread(db: DbOrTx, ctx: DocumentCtx & { threadId: string }): FormThread {
  requireRow(db, ctx.planId, ctx.documentId);
  const thread = readFormThreads(db, ctx.documentId).find((t) => t.id === ctx.threadId);
  if (!thread) throw new NotFoundError(`Question introuvable : ${ctx.threadId}`);
  return thread;
}

function addMessage(ctx: ServiceContext, db: DbOrTx, threadId: string, nature: MessageKind, texte: string): void {
  db.insert(formThreadMessages)
    .values({ threadId, ...messageHeader(ctx), nature, texte })
    .run();
}

/**
 * A reviewer's question on one field of the document: 400 at `chemin` for a path the document does not hold (a field
 * of its kind, or of one of its blocks). The thread is named as the audit names the field.
 */
export function openFormThread(ctx: DocumentCtx & { input: OpenFormThreadBody }): FormThread {
  const { chemin, texte } = ctx.input;
  return ctx.db.transaction((db) => {
    const row = requireRow(db, ctx.planId, ctx.documentId);
    const document = toDocument(ctx, row);
    const field = formFieldPaths(requireKind(ctx, row.kind), document.data).find((f) => f.path === chemin);
    if (!field) {
      throw new ValidationError(`Le champ questionné n’existe pas dans le formulaire « ${row.title} » (${chemin})`, [
        { path: 'chemin', message: 'Champ inconnu dans ce document' },
      ]);
    }
    const libelle = `${formDocumentName(row.title)} · ${field.label}`;
    const id = newIdOf(ctx)();
    db.insert(formThreads)
      .values({
        id,
        planId: ctx.planId,
        documentId: row.id,
        chemin,
        libelle,
        statut: 'ouvert',
        ouvertLe: nowOf(ctx),
        ouvertPar: ctx.actor?.nom ?? SYSTEM_ACTOR_NAME,
      })
      .run();
    addMessage(ctx, db, id, 'question', texte);
    appendAudit(ctx, db, ctx.planId, { event: 'question', summary: `Question de la DiCS sur « ${libelle} » : ${texte}` });
    return requireFormThread(db, { ...ctx, threadId: id });
  });
}

/** A message in a thread: the commune's answer, or the reviewer asking again. 409 on a resolved thread. */
export function postFormMessage(ctx: DocumentCtx & { threadId: string; input: PostFormMessageBody }): FormThread {
  const { texte } = ctx.input;
  return ctx.db.transaction((db) => {
    const thread = requireFormThread(db, ctx);
    if (thread.statut === 'resolu') throw new ConflictError('Cette question est résolue : ouvrez-en une nouvelle', thread);
    const { reviewer, nature, statut } = messageTurn(ctx);
    addMessage(ctx, db, thread.id, nature, texte);
    db.update(formThreads).set({ statut }).where(eq(formThreads.id, thread.id)).run();
    appendAudit(ctx, db, ctx.planId, {
      event: reviewer ? 'question' : 'reponse',
      summary: `${reviewer ? 'Nouvelle question' : 'Réponse'} sur « ${thread.libelle} » : ${texte}`,
    });
    return requireFormThread(db, ctx);
  });
}

/** The reviewer closes a thread, with an optional last word (a resolved thread stays as it is). */
export function resolveFormThread(ctx: DocumentCtx & { threadId: string; input: ResolveFormThreadBody }): FormThread {
  const { texte } = ctx.input;
  return ctx.db.transaction((db) => {
    const thread = requireFormThread(db, ctx);
    if (thread.statut === 'resolu') return thread;
    addMessage(ctx, db, thread.id, 'resolution', texte || 'Question résolue');
    db.update(formThreads).set({ statut: 'resolu' }).where(eq(formThreads.id, thread.id)).run();
    appendAudit(ctx, db, ctx.planId, { event: 'resolution', summary: `Question résolue : « ${thread.libelle} »${texte ? ` — ${texte}` : ''}` });
    return requireFormThread(db, ctx);
  });
}
