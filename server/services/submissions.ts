import { createHash } from 'node:crypto';
import { and, asc, desc, eq } from 'drizzle-orm';
import { submissions } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { hasCapability, ROLE_LABELS } from '../../schemas/access.ts';
import { describePath, diffPlans, flattenPlan, formatPathValue } from '../../schemas/audit.ts';
import { attachJustifications, checkPlan } from '../../schemas/checks.ts';
import type { Plan } from '../../schemas/plan.ts';
import { isProgrammeYear, programmeSpan, type Programme, ANNUAL_REPORT_KIND } from '../../schemas/reference.ts';
import {
  checkSubmission,
  isReadyToSubmit,
  LOCKING_STATUSES,
  SUBMISSION_STATUS_LABELS,
  type ChecklistItem,
  type ReviewAnnex,
  type Submission,
  type SubmissionChange,
  type SubmissionStatus,
} from '../../schemas/submission.ts';
import { buildWorkbookLayout } from '../reports/workbook-layout.ts';
import { renderWorkbook } from '../reports/xlsx.ts';
import type { PdfPool, RenderProgress } from '../workers/pdf-pool.ts';
import type { ApproveBody, ReopenBody, ReturnBody, SubmitReportBody } from '../../schemas/requests/submissions.ts';
import { appendAudit } from './audit.ts';
import { newIdOf, nowOf, requireCatalogue, requireProgramme, SYSTEM_ACTOR_NAME, type ServiceContext } from './context.ts';
import { readPlan, requirePlanRow } from './plan-store.ts';
import { readReviewThreads } from './review.ts';
import { exportFilename, fingerprintOf, gatherWorkbookInput } from './workbook.ts';

/**
 * "Soumettre le rapport {année}": the year's values are frozen in an immutable snapshot, from which the official
 * XLSX and PDF are generated off the request (the person sees the progress) and stored with their SHA-256. The DiCS
 * approves or returns it; a returned or reopened year is editable again, and its next submission lists the values
 * changed since the previous one.
 */

type SubmissionRow = typeof submissions.$inferSelect;

/** Generation of the files of a submission in progress, by submission id (one server process). */
type FileJob = { progress: number; message: string; done: Promise<void> };
const fileJobs = new Map<string, FileJob>();

const FILE_MESSAGES = {
  'en-cours': 'Génération du classeur et du PDF…',
  prets: 'Classeur et PDF enregistrés',
  echec: 'La génération des fichiers a échoué',
} as const;

function submissionOut(row: SubmissionRow): Submission {
  const job = row.fichiers === 'en-cours' ? fileJobs.get(row.id) : undefined;
  return {
    id: row.id,
    annee: row.annee,
    numero: row.numero,
    statut: row.statut,
    soumisLe: row.soumisLe,
    soumisPar: row.soumisPar,
    fichiers: row.fichiers,
    progression: row.fichiers === 'prets' ? 1 : (job?.progress ?? 0),
    message: job?.message ?? FILE_MESSAGES[row.fichiers],
    xlsxSha256: row.xlsxSha256,
    pdfSha256: row.pdfSha256,
    decideLe: row.decideLe,
    decidePar: row.decidePar,
    motif: row.motif,
    changements: JSON.parse(row.changements) as SubmissionChange[],
  };
}

function rowsOf(db: DbOrTx, planId: string): SubmissionRow[] {
  return db.select().from(submissions).where(eq(submissions.planId, planId)).orderBy(asc(submissions.annee), asc(submissions.numero)).all();
}

function latestOfYear(db: DbOrTx, planId: string, annee: number): SubmissionRow | undefined {
  return db
    .select()
    .from(submissions)
    .where(and(eq(submissions.planId, planId), eq(submissions.annee, annee)))
    .orderBy(desc(submissions.numero))
    .limit(1)
    .get();
}

/** Every submission of the plan, by year then number (without the snapshot and the files). */
export function listSubmissions(ctx: ServiceContext & { planId: string }): Submission[] {
  requirePlanRow(ctx.db, ctx.planId);
  return rowsOf(ctx.db, ctx.planId).map(submissionOut);
}

function requireYear(programme: Programme, annee: number): void {
  if (!isProgrammeYear(programme, String(annee))) {
    throw new ValidationError(`L'année ${annee} n'appartient pas au programme (${programmeSpan(programme)})`, [
      { path: 'annee', message: 'Année hors programme' },
    ]);
  }
}

function checklistOf(ctx: ServiceContext, plan: Plan, annee: number): ChecklistItem[] {
  const findings = attachJustifications(checkPlan(plan, requireProgramme(ctx, plan.programmeId), requireCatalogue(ctx, plan.programmeId)), plan.justifications);
  return checkSubmission(plan, annee, findings);
}

/** What is still missing before the year can be submitted. */
export function getSubmissionChecklist(ctx: ServiceContext & { planId: string; annee: number }): { annee: number; pret: boolean; elements: ChecklistItem[] } {
  const plan = readPlan(ctx.db, ctx.planId);
  requireYear(requireProgramme(ctx, plan.programmeId), ctx.annee);
  const elements = checklistOf(ctx, plan, ctx.annee);
  return { annee: ctx.annee, pret: isReadyToSubmit(elements), elements };
}

/** The values changed between two states of the plan, named (never by path or id) and formatted for the annex. */
export function changesBetween(before: Plan, after: Plan): SubmissionChange[] {
  return diffPlans(flattenPlan(before), flattenPlan(after)).map((c) => {
    const plan = c.new === null ? before : after;
    return { ...c, label: describePath(plan, c.path), oldText: formatPathValue(before, c.path, c.old), newText: formatPathValue(after, c.path, c.new) };
  });
}

const describeSubmission = (row: Pick<SubmissionRow, 'annee' | 'numero'>) => `rapport ${row.annee} (soumission n°${row.numero})`;

/**
 * Submits the year: checks the checklist, freezes the year in a snapshot, then generates the files off the request.
 * 409 when the year is already under review or approved; 400 with every missing item otherwise.
 */
export function submitReport(ctx: ServiceContext & { pdfPool: PdfPool; planId: string; input: SubmitReportBody }): Submission {
  const { annee } = ctx.input;
  const { row, plan, annex } = ctx.db.transaction((db) => {
    const plan = readPlan(db, ctx.planId);
    requireYear(requireProgramme(ctx, plan.programmeId), annee);
    const previous = latestOfYear(db, ctx.planId, annee);
    if (previous && LOCKING_STATUSES.includes(previous.statut)) {
      throw new ConflictError(`Le ${describeSubmission(previous)} est déjà ${previous.statut === 'approuve' ? 'approuvé' : 'soumis'}`, submissionOut(previous));
    }
    const missing = checklistOf(ctx, plan, annee).filter((i) => !i.ok);
    if (missing.length) {
      const issues = missing.flatMap((i) => i.details.map((d) => ({ path: d.path, message: `${i.label} : ${d.message}` })));
      const counts = missing.map((i) => `${i.label.toLowerCase()} (${i.details.length} à compléter)`).join(' ; ');
      throw new ValidationError(`Le rapport ${annee} ne peut pas encore être soumis : ${counts}`, issues);
    }
    const changes = previous ? changesBetween(JSON.parse(previous.snapshot) as Plan, plan) : [];
    const row: SubmissionRow = {
      id: newIdOf(ctx)(),
      planId: ctx.planId,
      kind: ANNUAL_REPORT_KIND,
      annee,
      numero: (previous?.numero ?? 0) + 1,
      statut: 'soumis',
      soumisLe: nowOf(ctx),
      soumisPar: ctx.actor?.nom ?? SYSTEM_ACTOR_NAME,
      snapshot: JSON.stringify(plan),
      changements: JSON.stringify(changes),
      fichiers: 'en-cours',
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
      summary: `Rapport ${annee} soumis à la DiCS (soumission n°${row.numero}${changes.length ? `, ${changes.length} valeur(s) modifiée(s) depuis la précédente` : ''})`,
    });
    const annex: ReviewAnnex = {
      submissionNumber: row.numero,
      previousSubmittedAt: previous?.soumisLe ?? null,
      changes,
      threads: readReviewThreads(db, ctx.planId, annee),
    };
    return { row, plan, annex };
  });
  startFileGeneration(ctx, row, plan, annex);
  return submissionOut(row);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Renders the workbook and the PDF of the snapshot and stores them with their SHA-256; the page follows the progress. */
function startFileGeneration(ctx: ServiceContext & { pdfPool: PdfPool }, row: SubmissionRow, plan: Plan, review: ReviewAnnex): void {
  const pool = ctx.pdfPool;
  const job: FileJob = { progress: 0, message: 'Génération du classeur…', done: Promise.resolve() };
  fileJobs.set(row.id, job);
  job.done = (async () => {
    try {
      const input = { ...gatherWorkbookInput(ctx, plan), review };
      const generatedAt = nowOf(ctx);
      const xlsx = await renderWorkbook(buildWorkbookLayout(input), { generatedAt: new Date(generatedAt) });
      Object.assign(job, { progress: 0.1, message: 'Génération du PDF…' });
      const onProgress = (p: RenderProgress) => {
        const fraction = p.stage === 'layout' ? 0.8 * p.fraction : p.stage === 'writing' ? 0.8 + 0.2 * p.fraction : 0;
        Object.assign(job, {
          progress: 0.1 + 0.9 * fraction,
          message: p.stage === 'waiting' ? `Génération du PDF : en file d'attente (${p.queuePosition})` : 'Génération du PDF…',
        });
      };
      const { bytes: pdf } = await pool.render({ ...input, annee: row.annee, status: 'submitted', dataHash: fingerprintOf(plan) }, generatedAt, onProgress);
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

/** Resolves when the files of a submission are written (tests, and the command line). */
export async function settleSubmissionFiles(submissionId: string): Promise<void> {
  await fileJobs.get(submissionId)?.done;
}

function requireSubmission(db: DbOrTx, planId: string, submissionId: string): SubmissionRow {
  const row = db
    .select()
    .from(submissions)
    .where(and(eq(submissions.id, submissionId), eq(submissions.planId, planId)))
    .get();
  if (!row) throw new NotFoundError(`Soumission introuvable : ${submissionId}`);
  return row;
}

/** Only the latest submission of its year can change status, and only from the given statuses. */
function requireLatest(db: DbOrTx, row: SubmissionRow, from: readonly SubmissionStatus[], what: string): void {
  const latest = latestOfYear(db, row.planId, row.annee)!;
  if (latest.id !== row.id) throw new ConflictError(`Une soumission plus récente du rapport ${row.annee} existe (n°${latest.numero})`, submissionOut(latest));
  if (!from.includes(row.statut)) {
    throw new ConflictError(`Impossible de ${what} : le ${describeSubmission(row)} est « ${SUBMISSION_STATUS_LABELS[row.statut]} »`, submissionOut(row));
  }
}

function decide(
  ctx: ServiceContext & { planId: string; submissionId: string },
  to: SubmissionStatus,
  motif: string | null,
  event: 'approbation' | 'retour' | 'reouverture',
  summary: (row: SubmissionRow) => string,
): Submission {
  ctx.db.transaction((db) => {
    const row = requireSubmission(db, ctx.planId, ctx.submissionId);
    db.update(submissions)
      .set({ statut: to, decideLe: nowOf(ctx), decidePar: ctx.actor ? `${ctx.actor.nom} (${ROLE_LABELS[ctx.actor.role]})` : SYSTEM_ACTOR_NAME, motif })
      .where(eq(submissions.id, row.id))
      .run();
    appendAudit({ ...ctx, reason: motif }, db, ctx.planId, { event, summary: summary(row) });
  });
  return submissionOut(requireSubmission(ctx.db, ctx.planId, ctx.submissionId));
}

/** The DiCS approves the submission under review. */
export function approveSubmission(ctx: ServiceContext & { planId: string; submissionId: string; input: ApproveBody }): Submission {
  const { motif } = ctx.input;
  requireLatest(ctx.db, requireSubmission(ctx.db, ctx.planId, ctx.submissionId), ['soumis'], 'approuver');
  return decide(ctx, 'approuve', motif, 'approbation', (r) => `Rapport ${r.annee} approuvé par la DiCS (soumission n°${r.numero})`);
}

/** The DiCS returns the submission to the commune, with a reason: the year is editable again. */
export function returnSubmission(ctx: ServiceContext & { planId: string; submissionId: string; input: ReturnBody }): Submission {
  const { motif } = ctx.input;
  requireLatest(ctx.db, requireSubmission(ctx.db, ctx.planId, ctx.submissionId), ['soumis'], 'retourner');
  return decide(ctx, 'retourne', motif, 'retour', (r) => `Rapport ${r.annee} retourné à la commune (soumission n°${r.numero}) : ${motif}`);
}

/**
 * Reopens a submitted year, with a reason: the commune may do it while the DiCS has not decided, an approved report
 * only the DiCS or an administrator.
 */
export function reopenSubmission(ctx: ServiceContext & { planId: string; submissionId: string; input: ReopenBody }): Submission {
  const { motif } = ctx.input;
  const row = requireSubmission(ctx.db, ctx.planId, ctx.submissionId);
  requireLatest(ctx.db, row, ['soumis', 'approuve'], 'rouvrir');
  if (row.statut === 'approuve' && ctx.actor && !hasCapability(ctx.actor, 'review')) {
    throw new ForbiddenError(`Le rapport ${row.annee} est approuvé : seule la DiCS peut le rouvrir`);
  }
  return decide(ctx, 'rouvert', motif, 'reouverture', (r) => `Rapport ${r.annee} rouvert (soumission n°${r.numero}) : ${motif}`);
}

const FILE_KINDS = {
  pdf: { column: 'pdf', hash: 'pdfSha256', mime: 'application/pdf', ext: 'pdf' },
  xlsx: { column: 'xlsx', hash: 'xlsxSha256', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
} as const;

/** The stored XLSX or PDF of a submission, as generated then; 409 while it is being generated. */
export function getSubmissionFile(ctx: ServiceContext & { planId: string; submissionId: string; kind: keyof typeof FILE_KINDS }) {
  const row = requireSubmission(ctx.db, ctx.planId, ctx.submissionId);
  const kind = FILE_KINDS[ctx.kind];
  const bytes = row[kind.column];
  if (!bytes) {
    if (row.fichiers === 'echec') throw new AppError(500, 'internal', 'La génération des fichiers de cette soumission a échoué');
    throw new ConflictError(`Les fichiers de la soumission ne sont pas encore prêts (${submissionOut(row).message})`, submissionOut(row));
  }
  const plan = JSON.parse(row.snapshot) as Plan;
  const filename = exportFilename(plan, requireProgramme(ctx, plan.programmeId), ` - rapport ${row.annee} - soumission ${row.numero}.${kind.ext}`);
  return { filename, mime: kind.mime, bytes: new Uint8Array(bytes), sha256: row[kind.hash]! };
}

/** The plan as it was submitted (JSON), for whoever needs the data behind the files. */
export function getSubmissionSnapshot(ctx: ServiceContext & { planId: string; submissionId: string }): Plan {
  return JSON.parse(requireSubmission(ctx.db, ctx.planId, ctx.submissionId).snapshot) as Plan;
}
