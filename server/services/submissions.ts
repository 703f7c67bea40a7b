import { createHash } from 'node:crypto';
import { and, asc, desc, eq, getTableColumns } from 'drizzle-orm';
import { deadlineExtensions, submissions } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { hasCapability, ROLE_LABELS } from '../../schemas/access.ts';
import { describePath, diffPlans, flattenPlan, formatPathValue } from '../../schemas/audit.ts';
import { attachJustifications, checkPlan } from '../../schemas/checks.ts';
import type { Plan } from '../../schemas/plan.ts';
import {
  ANNUAL_REPORT_KIND,
  yearOutsideProgramme,
  submissionDueDate,
  submissionKindOf,
  submissionYears,
  type Programme,
  type SubmissionKind,
} from '../../schemas/reference.ts';
import {
  checkSubmission,
  isReadyToSubmit,
  LOCKING_STATUSES,
  obligationKey,
  planObligations,
  type Obligation,
  SUBMISSION_STATUS_LABELS,
  submissionName,
  submissionTitle,
  type ChecklistItem,
  type ReviewAnnex,
  type Submission,
  type SubmissionChange,
  type SubmissionStatus,
} from '../../schemas/submission.ts';
import { buildWorkbookLayout } from '../reports/workbook-layout.ts';
import { renderWorkbook } from '../reports/xlsx.ts';
import type { PdfPool, RenderProgress } from '../workers/pdf-pool.ts';
import type { ApproveBody, ReopenBody, ReturnBody, SubmissionsQuery, SubmitReportBody } from '../../schemas/requests/submissions.ts';
import { appendAudit } from './audit.ts';
import { notifyPlanPeople } from './notifications.ts';
import { reportLink } from '../../schemas/deadlines.ts';
import { newIdOf, nowOf, requireCatalogue, requireProgramme, SYSTEM_ACTOR_NAME, todayOf, type ServiceContext } from './context.ts';
import { readPlan, requirePlanRow } from './plan-store.ts';
import { readReviewThreads } from './review.ts';
import { insertReturnReasons, targetDemandes } from './return-reasons.ts';
import { summariseDemandes } from '../../schemas/review-queue.ts';
import { exportFilename, fingerprintOf, gatherWorkbookInput } from './workbook.ts';

/**
 * "Soumettre le rapport {année}" — or any kind of submission the plan's programme declares (initial plan, yearly
 * financial justification…) for a year the kind covers: the plan is frozen in an immutable snapshot, from which the
 * official XLSX and PDF are generated off the request (the person sees the progress) and stored with their SHA-256.
 * The DiCS approves or returns it; a returned or reopened submission makes the year editable again, and the next
 * submission of the same kind and year lists the values changed since the previous one.
 */

export type SubmissionRow = typeof submissions.$inferSelect;
/** A submission without its snapshot and files (what listings and decisions read: a snapshot is a whole plan). */
export type SubmissionHead = Omit<SubmissionRow, 'snapshot' | 'xlsx' | 'pdf'>;
const { snapshot: _snapshot, xlsx: _xlsx, pdf: _pdf, ...HEAD_COLUMNS } = getTableColumns(submissions);

/** The columns that tell where a submission stands (what obligations, the overview and the queue read for many plans). */
export const SUBMISSION_STATUS_COLUMNS = {
  id: submissions.id,
  planId: submissions.planId,
  kind: submissions.kind,
  annee: submissions.annee,
  numero: submissions.numero,
  statut: submissions.statut,
};

/** Generation of the files of a submission in progress, by submission id (one server process). */
type FileJob = { progress: number; message: string; done: Promise<void> };
const fileJobs = new Map<string, FileJob>();

const FILE_MESSAGES = {
  'en-cours': 'Génération du classeur et du PDF…',
  prets: 'Classeur et PDF enregistrés',
  echec: 'La génération des fichiers a échoué : elle est relancée au prochain téléchargement',
  'a-generer': 'Classeur et PDF générés au premier téléchargement',
} as const;
const FILE_ABANDONED_MESSAGE = 'La génération des fichiers a été interrompue (arrêt du serveur) : elle est relancée au prochain téléchargement';

/** The kind's label and due date as the programme declares them (the id itself for a kind it no longer declares). */
export function kindOut(programme: Programme | null, row: Pick<SubmissionRow, 'kind' | 'annee'>): Pick<Submission, 'kind' | 'kindLabel' | 'echeance'> {
  const kind = programme ? submissionKindOf(programme, row.kind) : null;
  return { kind: row.kind, kindLabel: kind?.label ?? row.kind, echeance: kind && programme ? submissionDueDate(programme, kind, row.annee) : null };
}

export function submissionOut(row: SubmissionHead, programme: Programme | null): Submission {
  const job = row.fichiers === 'en-cours' ? fileJobs.get(row.id) : undefined;
  // Files left `en-cours` by a server stopped while generating them: said as failed, generated again at the next download.
  const abandoned = row.fichiers === 'en-cours' && !job;
  return {
    id: row.id,
    ...kindOut(programme, row),
    annee: row.annee,
    numero: row.numero,
    statut: row.statut,
    soumisLe: row.soumisLe,
    soumisPar: row.soumisPar,
    fichiers: abandoned ? 'echec' : row.fichiers,
    progression: row.fichiers === 'prets' ? 1 : (job?.progress ?? 0),
    message: abandoned ? FILE_ABANDONED_MESSAGE : (job?.message ?? FILE_MESSAGES[row.fichiers]),
    xlsxSha256: row.xlsxSha256,
    pdfSha256: row.pdfSha256,
    decideLe: row.decideLe,
    decidePar: row.decidePar,
    motif: row.motif,
    changements: JSON.parse(row.changements) as SubmissionChange[],
  };
}

function rowsOf(db: DbOrTx, planId: string, kind?: string): SubmissionHead[] {
  return db
    .select(HEAD_COLUMNS)
    .from(submissions)
    .where(and(eq(submissions.planId, planId), kind === undefined ? undefined : eq(submissions.kind, kind)))
    .orderBy(asc(submissions.kind), asc(submissions.annee), asc(submissions.numero))
    .all();
}

export function latestOf(db: DbOrTx, planId: string, kind: string, annee: number): SubmissionHead | undefined {
  return db
    .select(HEAD_COLUMNS)
    .from(submissions)
    .where(and(eq(submissions.planId, planId), eq(submissions.kind, kind), eq(submissions.annee, annee)))
    .orderBy(desc(submissions.numero))
    .limit(1)
    .get();
}

/** The programme of the plan (the snapshot's plan names it too), null when it is no longer known. */
function programmeOfPlan(ctx: ServiceContext, planId: string): Programme {
  return requireProgramme(ctx, requirePlanRow(ctx.db, planId).programmeId);
}

/**
 * The kind of submission `id` of the programme; without an id, its annual report when it declares one. 400 at
 * `kind` naming the programme's kinds otherwise.
 */
export function requireSubmissionKind(programme: Programme, id: string | undefined): SubmissionKind {
  const wanted = id ?? ANNUAL_REPORT_KIND;
  const kind = submissionKindOf(programme, wanted);
  if (kind) return kind;
  const kinds = programme.soumissions.map((k) => k.id).join(', ');
  throw new ValidationError(`Type de soumission inconnu pour ce programme : ${wanted} (types : ${kinds})`, [
    { path: 'kind', message: id === undefined ? `Indiquez le type de soumission (${kinds})` : 'Type de soumission inconnu pour ce programme' },
  ]);
}

/** 400 at `annee` when the kind does not cover the year (a unique kind covers one year, an annual one each programme year). */
function requireKindYear(programme: Programme, kind: SubmissionKind, annee: number): void {
  if (!programme.years.includes(annee)) {
    const message = yearOutsideProgramme(programme, annee);
    throw new ValidationError(message, [{ path: 'annee', message }]);
  }
  const years = submissionYears(programme, kind);
  if (!years.includes(annee)) {
    const span = years.length === 1 ? String(years[0]) : `${years[0]}-${years[years.length - 1]}`;
    throw new ValidationError(`L'année ${annee} n'est pas couverte par « ${kind.label} » (${years.length === 1 ? 'année' : 'années'} : ${span})`, [
      { path: 'annee', message: `Année non couverte par « ${kind.label} »` },
    ]);
  }
}

/** Every submission of the plan (of one kind if asked), by kind, year then number (without the snapshot and the files). */
export function listSubmissions(ctx: ServiceContext & { planId: string; kind?: SubmissionsQuery['kind'] }): Submission[] {
  const programme = programmeOfPlan(ctx, ctx.planId);
  if (ctx.kind !== undefined) requireSubmissionKind(programme, ctx.kind);
  return rowsOf(ctx.db, ctx.planId, ctx.kind).map((r) => submissionOut(r, programme));
}

/**
 * What the programme asks of the plan: every kind × every year it covers, in the programme's order of kinds then
 * years, with its due date and where it stands today (its latest submission's status, or not begun / in preparation).
 */
export function listObligations(ctx: ServiceContext & { planId: string }): Obligation[] {
  return planObligations(programmeOfPlan(ctx, ctx.planId), rowsOf(ctx.db, ctx.planId), todayOf(ctx), readDeadlineExtensions(ctx.db, ctx.planId));
}

/** The later due dates the DiCS granted the plan, by obligationKey (kind, year). */
export function readDeadlineExtensions(db: DbOrTx, planId: string): Map<string, string> {
  return new Map(
    db
      .select({ kind: deadlineExtensions.kind, annee: deadlineExtensions.annee, echeance: deadlineExtensions.echeance })
      .from(deadlineExtensions)
      .where(eq(deadlineExtensions.planId, planId))
      .all()
      .map((e) => [obligationKey(e.kind, e.annee), e.echeance]),
  );
}

/** The kind's checklist of the plan (as edited, or a submission's snapshot) for the year. */
export function checklistOf(ctx: ServiceContext, plan: Plan, kind: SubmissionKind, annee: number): ChecklistItem[] {
  const findings = attachJustifications(checkPlan(plan, requireProgramme(ctx, plan.programmeId), requireCatalogue(ctx, plan.programmeId)), plan.justifications);
  return checkSubmission(plan, annee, findings, kind.checklist);
}

/** What is still missing before the year's submission of the kind can be made (only the items the kind requires). */
export function getSubmissionChecklist(ctx: ServiceContext & { planId: string; annee: number; kind?: string | undefined }): {
  kind: string;
  annee: number;
  pret: boolean;
  elements: ChecklistItem[];
} {
  const plan = readPlan(ctx.db, ctx.planId);
  const programme = requireProgramme(ctx, plan.programmeId);
  const kind = requireSubmissionKind(programme, ctx.kind);
  requireKindYear(programme, kind, ctx.annee);
  const elements = checklistOf(ctx, plan, kind, ctx.annee);
  return { kind: kind.id, annee: ctx.annee, pret: isReadyToSubmit(elements), elements };
}

/** The values changed between two states of the plan, named (never by path or id) and formatted for the annex. */
export function changesBetween(before: Plan, after: Plan): SubmissionChange[] {
  return diffPlans(flattenPlan(before), flattenPlan(after)).map((c) => {
    const plan = c.new === null ? before : after;
    return { ...c, label: describePath(plan, c.path), oldText: formatPathValue(before, c.path, c.old), newText: formatPathValue(after, c.path, c.new) };
  });
}

/** « rapport 2021 », « « Plan initial 2027 » » (see submissionName), from a row. */
const nameOf = (programme: Programme | null, row: Pick<SubmissionRow, 'kind' | 'annee'>, start = false) =>
  submissionName({ ...kindOut(programme, row), annee: row.annee }, start);
const titleOf = (programme: Programme | null, row: Pick<SubmissionRow, 'kind' | 'annee'>) => submissionTitle({ ...kindOut(programme, row), annee: row.annee });
const describeSubmission = (programme: Programme | null, row: Pick<SubmissionRow, 'kind' | 'annee' | 'numero'>, start = false) =>
  `${nameOf(programme, row, start)} (soumission n°${row.numero})`;

/**
 * Submits the year's submission of a kind (the annual report without one): checks the kind's checklist, freezes
 * the plan in a snapshot, then generates the files off the request. 400 at `kind` for a kind the programme does not
 * declare, at `annee` for a year the kind does not cover, with every missing item otherwise; 409 when the kind's
 * submission of the year is already under review or approved. The changes annex compares with the previous
 * submission of the same kind and year.
 */
export function submitReport(ctx: ServiceContext & { pdfPool: PdfPool; planId: string; input: SubmitReportBody }): Submission {
  // A full line of PDF renders refuses the submission (503, Retry-After) once its checklist passes but before it is
  // frozen, rather than freezing it and failing its files: the render takes its place below, nothing awaited between.
  const { row, plan, annex, programme } = freezeSubmission(ctx, 'en-cours', () => ctx.pdfPool.assertRoomFor());
  startFileGeneration(ctx, row, plan, annex);
  return submissionOut(row, programme);
}

/**
 * The same submission as submitReport — checklist, snapshot, changes annex, audit — whose XLSX and PDF are generated
 * from the snapshot at their first download (state `a-generer`, see ensureSubmissionFiles) rather than now: for
 * data sets of hundreds of submissions (`npm run seed -- --region`), where rendering every PDF (~2 s each) would
 * take the better part of an hour. Nothing is stored as a file until it is really generated.
 */
export function submitReportDeferringFiles(ctx: ServiceContext & { planId: string; input: SubmitReportBody }): Submission {
  const { row, programme } = freezeSubmission(ctx, 'a-generer');
  return submissionOut(row, programme);
}

/**
 * Checks the kind's checklist and freezes the plan in a new submission row (files in state `fichiers`), in one
 * transaction; `admit` may still refuse it once the checklist passes (the PDF renderers' line).
 */
function freezeSubmission(ctx: ServiceContext & { planId: string; input: SubmitReportBody }, fichiers: 'en-cours' | 'a-generer', admit = () => {}) {
  const { annee } = ctx.input;
  return ctx.db.transaction((db) => {
    const plan = readPlan(db, ctx.planId);
    const programme = requireProgramme(ctx, plan.programmeId);
    const kind = requireSubmissionKind(programme, ctx.input.kind);
    requireKindYear(programme, kind, annee);
    const previous = latestOf(db, ctx.planId, kind.id, annee);
    if (previous && LOCKING_STATUSES.includes(previous.statut)) {
      throw new ConflictError(
        `${describeSubmission(programme, previous, true)} est déjà ${previous.statut === 'approuve' ? 'approuvé' : 'soumis'}`,
        submissionOut(previous, programme),
      );
    }
    const missing = checklistOf(ctx, plan, kind, annee).filter((i) => !i.ok);
    if (missing.length) {
      const issues = missing.flatMap((i) => i.details.map((d) => ({ path: d.path, message: `${i.label} : ${d.message}` })));
      const counts = missing.map((i) => `${i.label.toLowerCase()} (${i.details.length} à compléter)`).join(' ; ');
      throw new ValidationError(`${nameOf(programme, { kind: kind.id, annee }, true)} ne peut pas encore être soumis : ${counts}`, issues);
    }
    admit();
    const changes = previous ? changesBetween(JSON.parse(requireSubmission(db, ctx.planId, previous.id).snapshot) as Plan, plan) : [];
    const row: SubmissionRow = {
      id: newIdOf(ctx)(),
      planId: ctx.planId,
      kind: kind.id,
      annee,
      numero: (previous?.numero ?? 0) + 1,
      statut: 'soumis',
      soumisLe: nowOf(ctx),
      soumisPar: ctx.actor?.nom ?? SYSTEM_ACTOR_NAME,
      snapshot: JSON.stringify(plan),
      changements: JSON.stringify(changes),
      fichiers,
      xlsx: null,
      xlsxSha256: null,
      pdf: null,
      pdfSha256: null,
      decideLe: null,
      decidePar: null,
      motif: null,
    };
    db.insert(submissions).values(row).run();
    appendAudit(ctx, db, ctx.planId, {
      event: 'soumission',
      summary: `${titleOf(programme, row)} soumis à la DiCS (soumission n°${row.numero}${changes.length ? `, ${changes.length} valeur(s) modifiée(s) depuis la précédente` : ''})`,
    });
    const annex: ReviewAnnex = {
      submissionNumber: row.numero,
      submissionLabel: kind.label,
      previousSubmittedAt: previous?.soumisLe ?? null,
      changes,
      threads: readReviewThreads(db, ctx.planId, annee),
    };
    return { row, plan, annex, programme };
  });
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Renders the workbook and the PDF of the snapshot and stores them with their SHA-256; the page follows the progress.
 * The PDF takes its place in the renderers' line at once (the caller checked there is room): the workbook is
 * written meanwhile.
 */
function startFileGeneration(ctx: ServiceContext & { pdfPool: PdfPool }, row: SubmissionRow, plan: Plan, review: ReviewAnnex): void {
  const pool = ctx.pdfPool;
  const job: FileJob = { progress: 0, message: 'Génération du classeur et du PDF…', done: Promise.resolve() };
  fileJobs.set(row.id, job);
  job.done = (async () => {
    try {
      const input = { ...gatherWorkbookInput(ctx, plan), review };
      const generatedAt = nowOf(ctx);
      const onProgress = (p: RenderProgress) => {
        const fraction = p.stage === 'layout' ? 0.8 * p.fraction : p.stage === 'writing' ? 0.8 + 0.2 * p.fraction : 0;
        Object.assign(job, {
          progress: 0.1 + 0.9 * fraction,
          message: p.stage === 'waiting' ? `Génération du PDF : en file d'attente (${p.queuePosition})` : 'Génération du PDF…',
        });
      };
      const [{ bytes: pdf }, xlsx] = await Promise.all([
        pool.render({ ...input, annee: row.annee, status: 'submitted', dataHash: fingerprintOf(plan) }, generatedAt, onProgress),
        renderWorkbook(buildWorkbookLayout(input), { generatedAt: new Date(generatedAt) }),
      ]);
      ctx.db
        .update(submissions)
        .set({ fichiers: 'prets', xlsx: Buffer.from(xlsx), xlsxSha256: sha256(xlsx), pdf: Buffer.from(pdf), pdfSha256: sha256(pdf) })
        .where(eq(submissions.id, row.id))
        .run();
    } catch (err) {
      console.error(err);
      ctx.db.update(submissions).set({ fichiers: 'echec' }).where(eq(submissions.id, row.id)).run();
    } finally {
      fileJobs.delete(row.id);
    }
  })();
}

/**
 * The review annex as it stood when the submission was made, rebuilt for files generated later: the changes stored
 * with it, the previous submission's date, and the DiCS's questions of the year with the messages written by then.
 */
function annexAsSubmitted(ctx: ServiceContext, db: DbOrTx, row: SubmissionRow): ReviewAnnex {
  const previous = db
    .select({ soumisLe: submissions.soumisLe })
    .from(submissions)
    .where(and(eq(submissions.planId, row.planId), eq(submissions.kind, row.kind), eq(submissions.annee, row.annee), eq(submissions.numero, row.numero - 1)))
    .get();
  const threads = readReviewThreads(db, row.planId, row.annee)
    .filter((t) => t.ouvertLe <= row.soumisLe)
    .map((t) => {
      const messages = t.messages.filter((m) => m.at <= row.soumisLe);
      const last = messages[messages.length - 1]?.nature;
      return { ...t, messages, statut: last === 'resolution' ? ('resolu' as const) : last === 'reponse' ? ('repondu' as const) : ('ouvert' as const) };
    });
  return {
    submissionNumber: row.numero,
    submissionLabel: kindOut(programmeOfPlan(ctx, row.planId), row).kindLabel,
    previousSubmittedAt: previous?.soumisLe ?? null,
    changes: JSON.parse(row.changements) as SubmissionChange[],
    threads,
  };
}

/**
 * Whether a submission's files are to be generated from its snapshot: deferred (`a-generer`), failed (`echec`: a render
 * over time or memory, a renderer that died), or left `en-cours` by a server stopped while generating them (no
 * generation of this process holds them: the server is one process).
 */
function filesToGenerate(row: Pick<SubmissionHead, 'id' | 'fichiers'>): boolean {
  return row.fichiers === 'a-generer' || row.fichiers === 'echec' || (row.fichiers === 'en-cours' && !fileJobs.has(row.id));
}

/**
 * Generates the files of a submission from its snapshot, through the same generators as submitReport, and waits for
 * them, when they are to be generated (filesToGenerate); a request already generating them is joined. Does nothing
 * for files already there.
 */
export async function ensureSubmissionFiles(ctx: ServiceContext & { pdfPool: PdfPool; planId: string; submissionId: string }): Promise<void> {
  const row = requireSubmission(ctx.db, ctx.planId, ctx.submissionId);
  if (filesToGenerate(row)) {
    // 503 (Retry-After) when the PDF renderers' line is full: the files stay to generate.
    ctx.pdfPool.assertRoomFor();
    // Claimed from the state read: of two requests, one generates and the other joins it.
    const claimed = ctx.db
      .update(submissions)
      .set({ fichiers: 'en-cours' })
      .where(and(eq(submissions.id, row.id), eq(submissions.fichiers, row.fichiers)))
      .run();
    if (claimed.changes === 1) startFileGeneration(ctx, row, JSON.parse(row.snapshot) as Plan, annexAsSubmitted(ctx, ctx.db, row));
  }
  await settleSubmissionFiles(row.id);
}

/** Resolves when the files of a submission are written (tests, and the command line). */
export async function settleSubmissionFiles(submissionId: string): Promise<void> {
  await fileJobs.get(submissionId)?.done;
}

/** A submission's head (no snapshot, no files); 404 when unknown. */
function requireSubmissionHead(db: DbOrTx, planId: string, submissionId: string): SubmissionHead {
  const row = db
    .select(HEAD_COLUMNS)
    .from(submissions)
    .where(and(eq(submissions.id, submissionId), eq(submissions.planId, planId)))
    .get();
  if (!row) throw new NotFoundError(`Soumission introuvable : ${submissionId}`);
  return row;
}

export function requireSubmission(db: DbOrTx, planId: string, submissionId: string): SubmissionRow {
  const row = db
    .select()
    .from(submissions)
    .where(and(eq(submissions.id, submissionId), eq(submissions.planId, planId)))
    .get();
  if (!row) throw new NotFoundError(`Soumission introuvable : ${submissionId}`);
  return row;
}

/** Only the latest submission of its kind and year can change status, and only from the given statuses. */
function requireLatest(ctx: ServiceContext, row: SubmissionHead, from: readonly SubmissionStatus[], what: string): Programme {
  const programme = programmeOfPlan(ctx, row.planId);
  const latest = latestOf(ctx.db, row.planId, row.kind, row.annee)!;
  if (latest.id !== row.id) {
    throw new ConflictError(`Une soumission plus récente de ${describeSubmission(programme, latest)} existe`, submissionOut(latest, programme));
  }
  if (!from.includes(row.statut)) {
    throw new ConflictError(
      `Impossible de ${what} : ${describeSubmission(programme, row)} est « ${SUBMISSION_STATUS_LABELS[row.statut]} »`,
      submissionOut(row, programme),
    );
  }
  return programme;
}

/** Records a decision on a submission and its audit entry, in the caller's transaction. */
function recordDecision(
  ctx: ServiceContext,
  db: DbOrTx,
  row: SubmissionHead,
  to: SubmissionStatus,
  motif: string | null,
  event: 'approbation' | 'retour' | 'reouverture',
  summary: string,
): void {
  db.update(submissions)
    .set({ statut: to, decideLe: nowOf(ctx), decidePar: ctx.actor ? `${ctx.actor.nom} (${ROLE_LABELS[ctx.actor.role]})` : SYSTEM_ACTOR_NAME, motif })
    .where(eq(submissions.id, row.id))
    .run();
  appendAudit({ ...ctx, reason: motif }, db, row.planId, { event, summary });
  // The plan's people learn the DiCS's decision in the interface and by e-mail (a reopening is their own doing).
  if (event !== 'reouverture') {
    const verdict = event === 'retour' ? 'retourné pour correction' : 'approuvé';
    const texte = event === 'retour' ? `${summary}\n\nLes demandes de correction sont indiquées sur les fiches et sections concernées.` : summary;
    const titre = `${titleOf(programmeOfPlan(ctx, row.planId), row)} ${verdict} par la DiCS`;
    notifyPlanPeople(ctx, row.planId, { nature: event, titre, texte, lien: reportLink(row.planId, row.kind, row.annee) }, db);
  }
}

function decide(
  ctx: ServiceContext & { planId: string; submissionId: string },
  programme: Programme,
  to: SubmissionStatus,
  motif: string | null,
  event: 'approbation' | 'retour' | 'reouverture',
  summary: (row: SubmissionHead) => string,
  /** More to write in the same transaction (the demandes de correction of a return). */
  alongside?: (db: DbOrTx, row: SubmissionHead) => void,
): Submission {
  ctx.db.transaction((db) => {
    const row = requireSubmissionHead(db, ctx.planId, ctx.submissionId);
    recordDecision(ctx, db, row, to, motif, event, summary(row));
    alongside?.(db, row);
  });
  return submissionOut(requireSubmissionHead(ctx.db, ctx.planId, ctx.submissionId), programme);
}

/**
 * How the audit trail records an approval. A reopened approved submission becomes `rouvert`: this entry is then
 * what tells that it was approved (the review queue compares with the last approved version).
 */
export const approvalSummary = (p: Programme, r: Pick<SubmissionRow, 'kind' | 'annee' | 'numero'>) =>
  `${titleOf(p, r)} approuvé par la DiCS (soumission n°${r.numero})`;

/**
 * Approves the submission in the caller's transaction (the review queue approves several at once): 404 for a
 * submission of another plan, 409 naming it when it is no longer the latest of its kind and year or no longer under
 * review.
 */
export function approveSubmissionWithin(ctx: ServiceContext, db: DbOrTx, planId: string, submissionId: string, motif: string | null): void {
  const row = requireSubmission(db, planId, submissionId);
  const p = requireLatest(ctx, row, ['soumis'], 'approuver');
  recordDecision(ctx, db, row, 'approuve', motif, 'approbation', approvalSummary(p, row));
}

/** The DiCS approves the submission under review. */
export function approveSubmission(ctx: ServiceContext & { planId: string; submissionId: string; input: ApproveBody }): Submission {
  const { motif } = ctx.input;
  const p = requireLatest(ctx, requireSubmissionHead(ctx.db, ctx.planId, ctx.submissionId), ['soumis'], 'approuver');
  return decide(ctx, p, 'approuve', motif, 'approbation', (r) => approvalSummary(p, r));
}

/**
 * The DiCS returns the submission to the commune, with a reason and/or typed demandes de correction (each on a
 * section, a fiche of the submitted plan or the whole plan; 400 at `demandes.N.cible` for a target the snapshot does
 * not hold): the year is editable again. The decision, the demandes and the audit entry are one transaction.
 */
export function returnSubmission(ctx: ServiceContext & { planId: string; submissionId: string; input: ReturnBody }): Submission {
  const row = requireSubmission(ctx.db, ctx.planId, ctx.submissionId);
  const p = requireLatest(ctx, row, ['soumis'], 'retourner');
  const snapshot = JSON.parse(row.snapshot) as Plan;
  const demandes = targetDemandes(snapshot, requireCatalogue(ctx, snapshot.programmeId), ctx.input.demandes);
  const motif = ctx.input.motif ?? summariseDemandes(demandes);
  return decide(
    ctx,
    p,
    'retourne',
    motif,
    'retour',
    (r) => `${titleOf(p, r)} retourné à la commune (soumission n°${r.numero}) : ${motif}`,
    (db, r) => insertReturnReasons(ctx, db, r.planId, r.id, demandes),
  );
}

/**
 * Reopens a submission, with a reason: the commune may do it while the DiCS has not decided, an approved one only
 * the DiCS or an administrator.
 */
export function reopenSubmission(ctx: ServiceContext & { planId: string; submissionId: string; input: ReopenBody }): Submission {
  const { motif } = ctx.input;
  const row = requireSubmissionHead(ctx.db, ctx.planId, ctx.submissionId);
  const p = requireLatest(ctx, row, ['soumis', 'approuve'], 'rouvrir');
  if (row.statut === 'approuve' && ctx.actor && !hasCapability(ctx.actor, 'review')) {
    throw new ForbiddenError(`${nameOf(p, row, true)} est approuvé : seule la DiCS peut le rouvrir`);
  }
  return decide(ctx, p, 'rouvert', motif, 'reouverture', (r) => `${titleOf(p, r)} rouvert (soumission n°${r.numero}) : ${motif}`);
}

const FILE_KINDS = {
  pdf: { column: 'pdf', hash: 'pdfSha256', mime: 'application/pdf', ext: 'pdf' },
  xlsx: { column: 'xlsx', hash: 'xlsxSha256', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
} as const;

/**
 * The stored XLSX or PDF of a submission, as generated then; 409 while it is being generated. Files to generate
 * (deferred, failed, or abandoned by a stopped server: filesToGenerate) are generated first, from the snapshot, and this
 * waits for them.
 */
export async function getSubmissionFile(ctx: ServiceContext & { pdfPool: PdfPool; planId: string; submissionId: string; kind: keyof typeof FILE_KINDS }) {
  if (filesToGenerate(requireSubmissionHead(ctx.db, ctx.planId, ctx.submissionId))) await ensureSubmissionFiles(ctx);
  const row = requireSubmission(ctx.db, ctx.planId, ctx.submissionId);
  const kind = FILE_KINDS[ctx.kind];
  const bytes = row[kind.column];
  if (!bytes) {
    if (row.fichiers === 'echec') throw new AppError(500, 'internal', 'La génération des fichiers de cette soumission a échoué');
    const out = submissionOut(row, programmeOfPlan(ctx, ctx.planId));
    throw new ConflictError(`Les fichiers de la soumission ne sont pas encore prêts (${out.message})`, out);
  }
  const plan = JSON.parse(row.snapshot) as Plan;
  const programme = requireProgramme(ctx, plan.programmeId);
  const title = titleOf(programme, row);
  const tail = ` - ${title.charAt(0).toLowerCase()}${title.slice(1)} - soumission ${row.numero}.${kind.ext}`;
  const filename = exportFilename(plan, programme, tail);
  return { filename, mime: kind.mime, bytes: new Uint8Array(bytes), sha256: row[kind.hash]! };
}

/** The plan as it was submitted (JSON), for whoever needs the data behind the files. */
export function getSubmissionSnapshot(ctx: ServiceContext & { planId: string; submissionId: string }): Plan {
  return JSON.parse(requireSubmission(ctx.db, ctx.planId, ctx.submissionId).snapshot) as Plan;
}
