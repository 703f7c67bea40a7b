import { createHash } from 'node:crypto';
import { and, count, eq, inArray, ne, sql } from 'drizzle-orm';
import { actions, auditChanges, deadlineExtensions, formThreads, organisations, planSummaries, plans, reviewThreads, submissions } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { AppError } from '../errors.ts';
import { computeBudgetFigures } from '../../schemas/budget.ts';
import { attachJustifications, checkPlan } from '../../schemas/checks.ts';
import { porteurKindOf, porteurTitle } from '../../schemas/porteur.ts';
import { daysOverdue } from '../../schemas/deadlines.ts';
import { submissionYears, type Catalogue, type Programme } from '../../schemas/reference.ts';
import { obligationKey, planObligations, type Obligation } from '../../schemas/submission.ts';
import {
  currentProgramme,
  nextDue,
  PlanSummaryDataSchema,
  type OverdueItem,
  type OverdueList,
  type PlanSummaryData,
  type RegionOverview,
  type RegionPlanRow,
} from '../../schemas/region-plans.ts';
import { renderRegionPlansWorkbook } from '../reports/region-plans-xlsx.ts';
import { catalogueOf } from '../reference.ts';
import { nowOf, type ServiceContext } from './context.ts';
import { readPlan } from './plan-store.ts';
import { SUBMISSION_STATUS_COLUMNS } from './submissions.ts';
import { todayOf } from './context.ts';

/**
 * The DiCS's overview of a programme's plans, its overdue list and its workbook. What needs the whole plan (the
 * checks, the budget figures, the porteur, the chef de projet) comes from `plan_summaries`, recomputed only for the
 * plans whose content moved since (or whose programme definition changed); the rest (submissions, extensions, DiCS
 * questions, fiches, organisations) is read for all plans of the programme at once, a handful of queries in all.
 */

type RegionContext = ServiceContext & { programmeId?: string | undefined };

/**
 * The programme asked, or the current published one when none is named; 404 at `programme` for an unknown one (a
 * malformed id is refused by the route's schema, 400).
 */
export function requireRegionProgramme(ctx: RegionContext): Programme {
  const programmes = ctx.reference.programmes;
  const programme = ctx.programmeId === undefined ? currentProgramme(programmes, todayOf(ctx)) : programmes.find((p) => p.id === ctx.programmeId);
  if (programme) return programme;
  const message = ctx.programmeId === undefined ? 'Aucun programme publié' : `Programme inconnu : ${ctx.programmeId}`;
  throw new AppError(404, 'not_found', message, [{ path: 'programme', message: 'Programme inconnu' }]);
}

const fingerprints = new WeakMap<Programme, string>();
/**
 * SHA-256 of what the checks read of the programme (its definition and catalogue): a summary computed against another
 * definition (years extended, catalogue edited) is stale. Kept per programme object (the shared reference data
 * replaces the object when a programme changes).
 */
function programmeFingerprint(programme: Programme, catalogue: Catalogue): string {
  let fingerprint = fingerprints.get(programme);
  if (!fingerprint) {
    fingerprint = createHash('sha256').update(JSON.stringify({ programme, catalogue })).digest('hex');
    fingerprints.set(programme, fingerprint);
  }
  return fingerprint;
}

/**
 * The content version of a plan: the id of its latest audit entry. Every change of a plan's values goes through the
 * audit trail in the change's own transaction (`mutatePlan`, submissions, questions), so this moves with each of them;
 * `plans.version` only versions the plan's header (its commune) and does not move on a cell edit.
 */
const contentVersion = sql<number>`coalesce((select max(${auditChanges.id}) from ${auditChanges} where ${auditChanges.planId} = ${plans.id}), 0)`;

/** What the overview's summary of one plan holds, computed from the whole plan by the shared rules. */
export function summarisePlan(db: DbOrTx, planId: string, programme: Programme, catalogue: Catalogue): PlanSummaryData {
  const plan = readPlan(db, planId);
  const findings = attachJustifications(checkPlan(plan, programme, catalogue), plan.justifications);
  const figures = computeBudgetFigures(plan);
  const chef = plan.equipe.chefDeProjet;
  const count = (keep: (f: (typeof findings)[number]) => boolean) => findings.filter(keep).length;
  return {
    programmeFingerprint: programmeFingerprint(programme, catalogue),
    porteur: porteurTitle(plan),
    porteurNature: porteurKindOf(plan.porteur),
    commune: plan.commune,
    province: plan.identite.province,
    chefDeProjet: [chef.prenom, chef.nom].filter((s) => s !== null && s.trim() !== '').join(' ') || null,
    erreurs: count((f) => f.level === 'error'),
    erreursNonJustifiees: count((f) => f.level === 'error' && f.justification === null),
    avertissements: count((f) => f.level === 'warning'),
    subventionPcs: plan.budget.recettes.subventionPcs,
    budgetTotal: figures.totalRecettes,
    partCommunale: figures.partCommunaleRatio,
  };
}

type CachedSummary = { data: PlanSummaryData; computedAt: string };

/**
 * The summaries of the plans `planVersions` (plan id → content version): the stored ones still valid (same content
 * version, same programme fingerprint, JSON that parses), the others computed now and stored in one transaction.
 */
export function refreshPlanSummaries(ctx: ServiceContext, programme: Programme, planVersions: ReadonlyMap<string, number>): Map<string, CachedSummary> {
  const catalogue = catalogueOf(ctx.reference, programme);
  const fingerprint = programmeFingerprint(programme, catalogue);
  const ids = [...planVersions.keys()];
  const stored = ctx.db
    .select()
    .from(planSummaries)
    .where(inArray(planSummaries.planId, ctx.db.select({ id: plans.id }).from(plans).where(eq(plans.programmeId, programme.id))))
    .all();
  const out = new Map<string, CachedSummary>();
  for (const row of stored) {
    if (row.planVersion !== planVersions.get(row.planId)) continue;
    const parsed = safeJson(row.data);
    const data = PlanSummaryDataSchema.safeParse(parsed);
    if (data.success && data.data.programmeFingerprint === fingerprint) out.set(row.planId, { data: data.data, computedAt: row.computedAt });
  }
  const stale = ids.filter((id) => !out.has(id));
  if (!stale.length) return out;
  const computedAt = nowOf(ctx);
  const fresh = stale.map((planId) => ({ planId, data: summarisePlan(ctx.db, planId, programme, catalogue) }));
  ctx.db.transaction((tx) => {
    for (const { planId, data } of fresh) {
      const values = { planVersion: planVersions.get(planId)!, computedAt, data: JSON.stringify(data) };
      tx.insert(planSummaries)
        .values({ planId, ...values })
        .onConflictDoUpdate({ target: planSummaries.planId, set: values })
        .run();
    }
  });
  for (const { planId, data } of fresh) out.set(planId, { data, computedAt });
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** `Map<key, V[]>` of rows grouped by a key. */
function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

type Gathered = { programme: Programme; today: string; rows: { row: RegionPlanRow; obligations: (Obligation & { joursDeRetard: number })[] }[] };

/** Everything the overview, its overdue list and its workbook show, for every plan of the programme. */
function gatherOverview(ctx: RegionContext): Gathered {
  const { db } = ctx;
  const programme = requireRegionProgramme(ctx);
  const today = todayOf(ctx);
  const ofProgramme = db.select({ id: plans.id }).from(plans).where(eq(plans.programmeId, programme.id));
  const planRows = db
    .select({ id: plans.id, organisation: organisations.nom, version: contentVersion })
    .from(plans)
    .leftJoin(organisations, eq(organisations.id, plans.organisationId))
    .where(eq(plans.programmeId, programme.id))
    .all();
  const summaries = refreshPlanSummaries(ctx, programme, new Map(planRows.map((p) => [p.id, p.version])));
  const submitted = groupBy(db.select(SUBMISSION_STATUS_COLUMNS).from(submissions).where(inArray(submissions.planId, ofProgramme)).all(), (s) => s.planId);
  const extensions = groupBy(
    db
      .select({ planId: deadlineExtensions.planId, kind: deadlineExtensions.kind, annee: deadlineExtensions.annee, echeance: deadlineExtensions.echeance })
      .from(deadlineExtensions)
      .where(inArray(deadlineExtensions.planId, ofProgramme))
      .all(),
    (e) => e.planId,
  );
  // The DiCS's questions not resolved yet: on the plan's values and on its form documents.
  const questions = new Map<string, number>();
  for (const table of [reviewThreads, formThreads]) {
    const open = db
      .select({ planId: table.planId, n: count() })
      .from(table)
      .where(and(inArray(table.planId, ofProgramme), ne(table.statut, 'resolu')))
      .groupBy(table.planId)
      .all();
    for (const { planId, n } of open) questions.set(planId, (questions.get(planId) ?? 0) + n);
  }
  const fiches = new Map(
    db
      .select({ planId: actions.planId, n: count() })
      .from(actions)
      .where(inArray(actions.planId, ofProgramme))
      .groupBy(actions.planId)
      .all()
      .map((r) => [r.planId, r.n]),
  );

  const rows = planRows.map((p) => {
    const { data, computedAt } = summaries.get(p.id)!;
    const granted = new Map((extensions.get(p.id) ?? []).map((e) => [obligationKey(e.kind, e.annee), e.echeance]));
    const obligations = planObligations(programme, submitted.get(p.id) ?? [], today, granted).map((o) => ({ ...o, joursDeRetard: daysOverdue(o, today) }));
    const late = obligations.filter((o) => o.enRetard);
    const { programmeFingerprint: _fingerprint, ...shown } = data;
    const row: RegionPlanRow = {
      planId: p.id,
      ...shown,
      organisation: p.organisation,
      obligations: obligations.map((o) => ({
        kind: o.kind,
        annee: o.annee,
        statut: o.statut,
        echeance: o.echeance,
        echeanceProgramme: o.echeanceProgramme,
        enRetard: o.enRetard,
        joursDeRetard: o.joursDeRetard,
      })),
      prochaineEcheance: nextDue(obligations, today),
      obligationsEnRetard: late.length,
      joursDeRetard: Math.max(0, ...late.map((o) => o.joursDeRetard)),
      questionsOuvertes: questions.get(p.id) ?? 0,
      fiches: fiches.get(p.id) ?? 0,
      calculeLe: computedAt,
    };
    return { row, obligations };
  });
  rows.sort((a, b) => a.row.porteur.localeCompare(b.row.porteur, 'fr') || a.row.planId.localeCompare(b.row.planId));
  return { programme, today, rows };
}

const programmeRef = (p: Programme) => ({ id: p.id, label: p.label });

function overviewOf({ programme, today, rows }: Gathered): RegionOverview {
  return {
    programme: programmeRef(programme),
    kinds: programme.soumissions.map((k) => ({ id: k.id, label: k.label, years: submissionYears(programme, k) })),
    aujourdhui: today,
    plans: rows.map((r) => r.row),
  };
}

/**
 * The overview of the programme's plans (the current published programme unless one is named): one row per plan,
 * by porteur, with where each kind and year of submission stands today, the next due date and the days overdue,
 * open DiCS questions, the checks' findings and the budget figures.
 */
export function listRegionPlans(ctx: RegionContext): RegionOverview {
  return overviewOf(gatherOverview(ctx));
}

/** Every late obligation of the programme's plans (the extended due date when one was granted), most overdue first. */
export function listOverdueObligations(ctx: RegionContext): OverdueList {
  const { programme, today, rows } = gatherOverview(ctx);
  return { programme: programmeRef(programme), aujourdhui: today, items: overdueItems(rows) };
}

function overdueItems(rows: Gathered['rows']): OverdueItem[] {
  return rows
    .flatMap(({ row, obligations }) =>
      obligations
        .filter((o) => o.enRetard)
        .map((o) => ({
          planId: row.planId,
          porteur: row.porteur,
          porteurNature: row.porteurNature,
          commune: row.commune,
          province: row.province,
          kind: o.kind,
          kindLabel: o.kindLabel,
          annee: o.annee,
          echeance: o.echeance,
          echeanceProgramme: o.echeanceProgramme,
          joursDeRetard: o.joursDeRetard,
          statut: o.statut,
        })),
    )
    .sort((x, y) => y.joursDeRetard - x.joursDeRetard || x.porteur.localeCompare(y.porteur, 'fr') || x.kind.localeCompare(y.kind) || x.annee - y.annee);
}

/** The overview and the overdue list as a workbook: « Plans de la région - PCS 3 - <date>.xlsx ». */
export async function exportRegionPlansWorkbook(ctx: RegionContext): Promise<{ filename: string; bytes: Uint8Array }> {
  const gathered = gatherOverview(ctx);
  const bytes = await renderRegionPlansWorkbook({ overview: overviewOf(gathered), overdue: overdueItems(gathered.rows), generatedAt: new Date(nowOf(ctx)) });
  return { filename: `Plans de la région - ${gathered.programme.shortName} - ${gathered.today}.xlsx`, bytes };
}
