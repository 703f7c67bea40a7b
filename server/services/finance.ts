import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { imputationRows, budgetVersions, justifications, plans } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ConflictError, NotFoundError, ValidationError, parseOrThrow } from '../errors.ts';
import {
  IMPUTATION_FILE_COLUMNS,
  type ImputationFileProblem,
  type ImputationImportPreview,
  type ImputationImportResult,
} from '../../schemas/imputation-import.ts';
import { checkPlan } from '../../schemas/checks.ts';
import { findMissingValue } from '../../schemas/submission.ts';
import {
  BudgetVersionFieldsSchema,
  JustificationFieldsSchema,
  bookedTotals,
  checkNewBudgetVersion,
  functionalCodeIssue,
  natureOf,
  type FunctionalCode,
  reconcileYear,
  type Imputation,
  type ImputationFields,
  type BudgetVersion,
  type Justification,
  type YearReconciliation,
  IMPUTATION_NATURE_LABELS,
} from '../../schemas/finance.ts';
import { formatEuros } from '../../schemas/numbers.ts';
import { appendAudit, requireOpenYears } from './audit.ts';
import type { Plan } from '../../schemas/plan.ts';
import { imputationPath } from '../../schemas/plan-path.ts';
import { type Programme, yearOutsideProgramme } from '../../schemas/reference.ts';
import { type ImputationFileRead, readImputationFile } from '../imports/imputation-file.ts';
import type { WorkbookFileRead } from '../imports/workbook-file.ts';
import { sharedWorkbookReader, type WorkbookReader } from '../workers/workbook-reader.ts';
import type { CreateImputationBody, UpdateImputationBody } from '../../schemas/requests/finance.ts';
import { guardRowDeletion, guardRowsDeletion } from './references.ts';
import { mutatePlan, orderedIds, requireVersion, requireWritable } from './mutate.ts';
import { imputationOut, imputationToRow, budgetVersionToRow, readPlan, requirePlanRow, touchPlan } from './plan-store.ts';
import { newIdOf, nowOf, requireProgramme, type ServiceContext } from './context.ts';
import { catalogueOf } from '../reference.ts';
import { porteurKindOfPlan } from './porteur.ts';

/**
 * The finance officer's records: yearly budget versions (insert only), E-compte imputations (rows, or a whole file
 * replacing the years it covers), justifications of findings, and the reconciliation computed by `schemas/finance.ts`.
 */

function programmeOf(ctx: ServiceContext, db: DbOrTx, planId: string): Programme {
  return requireProgramme(ctx, requirePlanRow(db, planId).programmeId);
}

/** 400 on the function when it is not one of the porteur's accounts (art. 20 of a CPAS-delegated plan is on 80111). */
function requirePorteurFunction(db: DbOrTx, planId: string, code: FunctionalCode): void {
  const message = functionalCodeIssue(code, porteurKindOfPlan(db, planId));
  if (message) throw new ValidationError(message, [{ path: 'codeFonctionnel', message }]);
}

function requireProgrammeYear(programme: Programme, year: number, path: string): void {
  if (!programme.years.includes(year)) {
    const message = yearOutsideProgramme(programme, year);
    throw new ValidationError(message, [{ path, message }]);
  }
}

/** Records a new version of a year's budget; the versions already recorded are never changed. */
/** Signed in, the author of a record is the person; a typed name only counts for the server's own work. */
function authoredBy(ctx: ServiceContext, data: unknown): unknown {
  return ctx.actor && data !== null && typeof data === 'object' && !Array.isArray(data) ? { ...data, auteur: ctx.actor.nom } : data;
}

export function recordBudgetVersion(ctx: ServiceContext & { planId: string; data: unknown }): BudgetVersion {
  const fields = parseOrThrow(BudgetVersionFieldsSchema, authoredBy(ctx, ctx.data));
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const plan = readPlan(db, ctx.planId);
      const issues = checkNewBudgetVersion(plan.budgetsAnnuels, fields, programmeOf(ctx, db, ctx.planId));
      if (issues.length) throw new ValidationError(issues[0]!.message, issues);
      const version: BudgetVersion = { ...fields, id: newIdOf(ctx)(), enregistreLe: nowOf(ctx) };
      db.insert(budgetVersions).values(budgetVersionToRow(ctx.planId, version)).run();
      return version;
    },
    { verifyIntegrity: false, addresses: () => ['budgetsAnnuels'] },
  );
}

const lineWhere = (planId: string, lineId: string) => and(eq(imputationRows.id, lineId), eq(imputationRows.planId, planId));

export function createImputation(ctx: ServiceContext & { planId: string } & CreateImputationBody): Imputation {
  const fields = ctx.data;
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      requireProgrammeYear(programmeOf(ctx, db, ctx.planId), fields.annee, 'annee');
      requirePorteurFunction(db, ctx.planId, fields.codeFonctionnel);
      const id = newIdOf(ctx)();
      const position = orderedIds(db, imputationRows, eq(imputationRows.planId, ctx.planId)).length;
      db.insert(imputationRows)
        .values({ id, planId: ctx.planId, position, ...imputationToRow(fields), version: 1 })
        .run();
      return { id, version: 1, ...fields };
    },
    { verifyIntegrity: false, addresses: () => ['imputations'] },
  );
}

export function updateImputation(ctx: ServiceContext & { planId: string; lineId: string } & UpdateImputationBody): Imputation {
  const fields = ctx.data;
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      requireProgrammeYear(programmeOf(ctx, db, ctx.planId), fields.annee, 'annee');
      requirePorteurFunction(db, ctx.planId, fields.codeFonctionnel);
      const where = lineWhere(ctx.planId, ctx.lineId);
      requireVersion(db.select().from(imputationRows).where(where).get(), ctx.version, "L'imputation", imputationOut);
      db.update(imputationRows)
        .set({ ...imputationToRow(fields), version: ctx.version + 1 })
        .where(where)
        .run();
      return { id: ctx.lineId, version: ctx.version + 1, ...fields };
    },
    {
      verifyIntegrity: false,
      addresses: () => ['imputations'],
      unchanged: (db) => imputationOut(db.select().from(imputationRows).where(lineWhere(ctx.planId, ctx.lineId)).get()!),
    },
  );
}

/** Deletes an imputation; one a DiCS question is about stays (409 `in_use`), like every row pointed at. */
export function deleteImputation(ctx: ServiceContext & { planId: string; lineId: string; version: number; detach?: boolean }): void {
  mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const where = lineWhere(ctx.planId, ctx.lineId);
      const row = requireVersion(db.select().from(imputationRows).where(where).get(), ctx.version, "L'imputation", imputationOut);
      const what = `L'imputation E-compte ${row.annee} « ${row.libelle ?? row.articleEconomique} »`;
      guardRowDeletion(db, ctx.planId, imputationPath(row.annee, ctx.lineId), what, ctx.detach ?? false);
      db.delete(imputationRows).where(where).run();
    },
    { verifyIntegrity: false, addresses: () => ['imputations'] },
  );
}

/**
 * The files read lately (their lines, once checked), by their SHA-256 and the programme years that dated them: the apply
 * that follows a preview sends the same file again and is not parsed twice. A few files at most; a file with problems
 * is never kept.
 */
const recentReads = new Map<string, ImputationFileRead>();
const RECENT_READS = 4;

async function readImputationFileOnce(
  bytes: Uint8Array,
  programme: Programme,
  readWorkbook: (bytes: Uint8Array) => Promise<WorkbookFileRead>,
): Promise<ImputationFileRead> {
  const key = `${programme.years.join(',')}:${createHash('sha256').update(bytes).digest('hex')}`;
  const known = recentReads.get(key);
  if (known) return known;
  const read = await readImputationFile(bytes, programme, readWorkbook);
  if (read.problems.length === 0) {
    recentReads.set(key, read);
    for (const oldest of recentReads.keys()) {
      if (recentReads.size <= RECENT_READS) break;
      recentReads.delete(oldest);
    }
  }
  return read;
}

/** Identifies the plan's imputations: an import preview is applied only to the imputations it was computed against. */
function imputationFileFingerprint(lines: readonly Imputation[]): string {
  return createHash('sha256').update(JSON.stringify(lines)).digest('hex');
}

const COLUMN_HEADERS = new Map<string, string>(IMPUTATION_FILE_COLUMNS.map((c) => [c.key, c.header]));

/** « Ligne 5 (Montant) : … » for each problem, and one refusal that says nothing was written. */
function fileProblemsError(problems: readonly ImputationFileProblem[]): ValidationError {
  const issues = problems.map((p) => {
    const where = p.line === null ? 'Fichier' : `Ligne ${p.line}${p.column ? ` (${COLUMN_HEADERS.get(p.column) ?? p.column})` : ''}`;
    return { path: p.line === null ? 'file' : `lignes.${p.line}${p.column ? `.${p.column}` : ''}`, message: `${where} : ${p.message}` };
  });
  const more = issues.length > 1 ? ` — et ${issues.length - 1} autre(s) problème(s)` : '';
  return new ValidationError(`Import refusé, rien n'a été modifié. ${issues[0]!.message}${more}`, issues);
}

function previewOf(plan: Plan, format: 'csv' | 'xlsx', read: { line: number; fields: ImputationFields }[]): ImputationImportPreview {
  const years = [...new Set(read.map((l) => l.fields.annee))].sort((a, b) => a - b);
  const incoming = read.map((l) => l.fields);
  return {
    fingerprint: imputationFileFingerprint(plan.imputations),
    format,
    lines: read.map((l) => ({ ...l, nature: natureOf(l.fields), natureFromFile: l.fields.nature !== null })),
    years: years.map((annee) => ({
      annee,
      existing: plan.imputations.filter((l) => l.annee === annee).length,
      incoming: incoming.filter((l) => l.annee === annee).length,
      before: bookedTotals(plan.imputations, annee),
      after: bookedTotals(incoming, annee),
    })),
  };
}

/**
 * Reads a CSV or XLSX file of imputations: answers the preview, or with `apply` replaces every imputation of the
 * years the file covers by its lines, in one transaction, when the imputations still have the preview's fingerprint.
 * A file with any bad line is refused whole, each problem named by its line number and column.
 */
export async function importImputationFile(
  ctx: ServiceContext & { planId: string; bytes: Uint8Array; apply: boolean; fingerprint: string | null; reader?: WorkbookReader },
): Promise<ImputationImportPreview | ImputationImportResult> {
  const programme = programmeOf(ctx, ctx.db, ctx.planId);
  if (ctx.apply && !ctx.fingerprint) {
    throw new ValidationError("L'empreinte de l'aperçu est requise pour appliquer l'import", [{ path: 'fingerprint', message: 'Empreinte manquante' }]);
  }
  // A workbook is checked and read in the reading thread (server/workers/workbook-reader.ts), a CSV here.
  const reader = ctx.reader ?? sharedWorkbookReader();
  const read = await readImputationFileOnce(ctx.bytes, programme, (bytes) => reader.read(bytes));
  if (read.problems.length) throw fileProblemsError(read.problems);
  const kind = porteurKindOfPlan(ctx.db, ctx.planId);
  const misbooked = read.lines.flatMap(({ line, fields }) => {
    const message = functionalCodeIssue(fields.codeFonctionnel, kind);
    return message ? [{ line, column: 'codeFonctionnel' as const, message }] : [];
  });
  if (misbooked.length) throw fileProblemsError(misbooked);
  if (read.lines.length === 0) {
    const message = "Le fichier ne contient aucune imputation (seulement l'en-tête ?)";
    throw new ValidationError(message, [{ path: 'file', message }]);
  }
  if (!ctx.apply) return previewOf(readPlan(ctx.db, ctx.planId), read.format, read.lines);

  // One transaction, the plan read once, the lines written by one prepared statement, and one audit entry that says
  // what the import did and lists every line it removed or added (a line, not each of its five values).
  return ctx.db.transaction((db) => {
    const planRow = requirePlanRow(db, ctx.planId);
    const plan = readPlan(db, ctx.planId);
    if (ctx.actor) requireWritable(ctx.actor, plan, ['imputations']);
    const preview = previewOf(plan, read.format, read.lines);
    if (preview.fingerprint !== ctx.fingerprint) {
      throw new ConflictError("Les imputations ont été modifiées depuis l'aperçu : relancez l'aperçu avant d'importer", { fingerprint: preview.fingerprint });
    }
    const years = preview.years.map((y) => y.annee);
    // The lines replaced are deleted rows like any other: one a DiCS question is about stays (409 in_use).
    const replaced = plan.imputations.filter((l) => years.includes(l.annee));
    const what = (l: (typeof replaced)[number]) => `L'imputation E-compte ${l.annee} « ${l.libelle ?? l.articleEconomique} » (remplacée par l'import)`;
    guardRowsDeletion(
      db,
      ctx.planId,
      replaced.map((l) => ({ rowPath: imputationPath(l.annee, l.id), what: what(l) })),
      false,
      plan,
    );
    const newId = newIdOf(ctx);
    const added = read.lines.map((l) => ({ id: newId(), version: 1, ...l.fields }));
    const values = [
      ...replaced.map((l, i) => ({ path: imputationPath(l.annee, l.id), label: importedLineLabel(l, i), old: importedLineText(l), new: null })),
      ...added.map((l, i) => ({ path: imputationPath(l.annee, l.id), label: importedLineLabel(l, i), old: null, new: importedLineText(l) })),
    ];
    requireOpenYears(ctx, db, ctx.planId, plan.programmeId, values);

    db.delete(imputationRows)
      .where(and(eq(imputationRows.planId, ctx.planId), inArray(imputationRows.annee, years)))
      .run();
    // The new lines go after every line kept, so that the plan's order (position, then id) is kept lines then added.
    const last = db
      .select({ max: sql<number | null>`max(${imputationRows.position})` })
      .from(imputationRows)
      .where(eq(imputationRows.planId, ctx.planId))
      .get();
    const first = (last?.max ?? -1) + 1;
    const insert = db
      .insert(imputationRows)
      .values({
        id: sql.placeholder('id'),
        planId: ctx.planId,
        position: sql.placeholder('position'),
        annee: sql.placeholder('annee'),
        codeFonctionnel: sql.placeholder('codeFonctionnel'),
        articleEconomique: sql.placeholder('articleEconomique'),
        libelle: sql.placeholder('libelle'),
        montantCents: sql.placeholder('montantCents'),
        nature: sql.placeholder('nature'),
        version: 1,
      })
      .prepare();
    const rows = added.map((l, i) => ({ id: l.id, planId: ctx.planId, position: first + i, version: 1, ...imputationToRow(l) }));
    for (const row of rows) insert.run(row);
    touchPlan(db, ctx.planId, nowOf(ctx));
    // The first saved change of a prepared plan makes it the commune's own (as in mutatePlan).
    if (planRow.preparedAt) db.update(plans).set({ preparedAt: null }).where(eq(plans.id, ctx.planId)).run();
    const yearsText = years.join(', ');
    appendAudit(ctx, db, ctx.planId, {
      event: 'modification',
      summary: `Import E-compte (${read.format.toUpperCase()}) : ${added.length} imputation(s) pour ${yearsText}, remplaçant ${replaced.length} ligne(s)`,
      values,
    });
    // The plan's imputations now, in the order `readPlan` gives them, without reading them back.
    const after = [...plan.imputations.filter((l) => !years.includes(l.annee)), ...rows.map(imputationOut)];
    return { ...preview, fingerprint: imputationFileFingerprint(after), applied: true as const };
  });
}

/** How the trail names a line an import removed or added, as `describePath` does: « Imputation E-compte <année> · « <libellé> » ». */
function importedLineLabel(l: Pick<Imputation, 'annee' | 'libelle'>, index: number): string {
  return `Imputation E-compte ${l.annee} · ${l.libelle ? `« ${l.libelle} »` : `ligne ${index + 1}`}`;
}

/** A line as the trail shows it: « 84010 / 465-48 · € 1.000,00 · Subvention PCS ». */
function importedLineText(l: ImputationFields): string {
  const nature = l.nature ? ` · ${IMPUTATION_NATURE_LABELS[l.nature]}` : '';
  return `${l.codeFonctionnel} / ${l.articleEconomique} · ${formatEuros(l.montant)}${nature}`;
}

/**
 * Justifies a current finding (version 0 = first justification; else the version being replaced); an error left
 * unjustified blocks the submission of the annual report.
 * The finding's message is kept with it, so that a later change of the figures shows it as outdated.
 */
export function justifyFinding(ctx: ServiceContext & { planId: string; version: number; data: unknown }): Justification {
  const fields = parseOrThrow(JustificationFieldsSchema, authoredBy(ctx, ctx.data));
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const plan = readPlan(db, ctx.planId);
      const programme = requireProgramme(ctx, plan.programmeId);
      // A finding of the checks, or a mandatory value the form allows to excuse (the annual report's checklist).
      const finding =
        checkPlan(plan, programme, catalogueOf(ctx.reference, programme)).find((f) => f.key === fields.cle) ??
        findMissingValue(plan, programme.years, fields.cle);
      if (!finding) throw new NotFoundError("Ce constat n'existe plus (les données ont changé) : rechargez les contrôles");
      const stored = plan.justifications.find((j) => j.cle === fields.cle);
      if ((stored?.version ?? 0) !== ctx.version) {
        throw new ConflictError(`La justification a été modifiée entre-temps (par ${stored?.auteur ?? 'quelqu’un'})`, stored ?? null);
      }
      // The same text by the same person for the same finding is not a change: no new date, no version, no audit entry.
      if (stored && stored.texte === fields.texte && stored.auteur === fields.auteur && stored.constat === finding.message) return stored;
      const justification: Justification = { ...fields, justifieLe: nowOf(ctx), constat: finding.message, version: ctx.version + 1 };
      if (stored) {
        db.update(justifications)
          .set(justification)
          .where(and(eq(justifications.planId, ctx.planId), eq(justifications.cle, fields.cle)))
          .run();
      } else {
        db.insert(justifications)
          .values({ planId: ctx.planId, ...justification })
          .run();
      }
      return justification;
    },
    {
      verifyIntegrity: false,
      addresses: () => ['justifications'],
      unchanged: (db) => readPlan(db, ctx.planId).justifications.find((j) => j.cle === fields.cle)!,
    },
  );
}

export function removeJustification(ctx: ServiceContext & { planId: string; cle: string; version: number }): void {
  mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const where = and(eq(justifications.planId, ctx.planId), eq(justifications.cle, ctx.cle));
      requireVersion(db.select().from(justifications).where(where).get(), ctx.version, 'La justification');
      db.delete(justifications).where(where).run();
    },
    { verifyIntegrity: false, addresses: () => ['justifications'] },
  );
}

/** The reconciliation of one programme year, or of every year in programme order. */
export function getReconciliation(ctx: ServiceContext & { planId: string; annee?: number | undefined }): YearReconciliation | YearReconciliation[] {
  const plan = readPlan(ctx.db, ctx.planId);
  const programme = requireProgramme(ctx, plan.programmeId);
  if (ctx.annee === undefined) return programme.years.map((year) => reconcileYear(plan, year));
  requireProgrammeYear(programme, ctx.annee, 'annee');
  return reconcileYear(plan, ctx.annee);
}
