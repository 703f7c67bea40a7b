import { dropValuesOutsideLists } from '../../schemas/programme-lists.ts';
import { and, count, desc, eq } from 'drizzle-orm';
import { plans, submissions } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { lastKnownActual, proposeCarryOver, type CarryOverLine } from '../../schemas/carry-over.ts';
import { DROITS_VISES } from '../../schemas/enums.ts';
import { findIntegrityIssues } from '../../schemas/integrity.ts';
import { FicheSchema, type Action } from '../../schemas/action.ts';
import { PlanDocumentSchema, type Plan, type PlanDocument } from '../../schemas/plan.ts';
import { axeOfCode, type Programme } from '../../schemas/reference.ts';
import type { PlanLineage, PlanLink, PreparedSuccessor, PrepareSuccessorBody, SuccessorPreview } from '../../schemas/requests/successor.ts';
import { buildPath } from '../../schemas/plan-path.ts';
import { insertPlanContent, readPlan, requirePlanRow } from './plan-store.ts';
import { newIdOf, nowOf, requireCatalogue, requireProgramme, type ServiceContext } from './context.ts';
import { appendAudit } from './audit.ts';

/**
 * « Préparer le plan suivant »: the plan of the next programme made from a plan — identity, team, partners, transfers
 * and the fiches kept, each under a code of the new catalogue, its indicators with the last known actual as
 * baseline and no value of the old years. The new plan points at its predecessor and stays undoable (deleted
 * whole) until its first saved change (`mutatePlan` clears `prepared_at`).
 */

/** The programme `programmeId`, which must be the one after the plan's programme (400 naming `programmeId`). */
function requireNextProgramme(ctx: ServiceContext, plan: { programmeId: string }, programmeId: string): Programme {
  const target = ctx.reference.programmes.find((p) => p.id === programmeId);
  const current = requireProgramme(ctx, plan.programmeId);
  if (!target || target.predecesseur !== plan.programmeId) {
    const next = ctx.reference.programmes.filter((p) => p.predecesseur === plan.programmeId).map((p) => p.id);
    const message = target
      ? `Le programme ${target.label} ne fait pas suite au programme du plan (${current.label})${next.length ? ` : programme suivant ${next.join(', ')}` : ''}`
      : `Programme inconnu : ${programmeId}`;
    throw new ValidationError(message, [{ path: 'programmeId', message }]);
  }
  return target;
}

function linkOf(ctx: ServiceContext, row: { id: string; programmeId: string; commune: string }): PlanLink {
  const label = ctx.reference.programmes.find((p) => p.id === row.programmeId)?.label ?? row.programmeId;
  return { id: row.id, programmeId: row.programmeId, programmeLabel: label, commune: row.commune };
}

/** The plan prepared from `planId` for `programmeId` (the latest when there are several programmes), or null. */
function findSuccessor(ctx: ServiceContext, db: DbOrTx, planId: string, programmeId?: string): PlanLink | null {
  const row = db
    .select({ id: plans.id, programmeId: plans.programmeId, commune: plans.commune })
    .from(plans)
    .where(and(eq(plans.predecessorId, planId), programmeId ? eq(plans.programmeId, programmeId) : undefined))
    .orderBy(desc(plans.createdAt))
    .get();
  return row ? linkOf(ctx, row) : null;
}

/** The fiches of the old plan, each with the code of the new catalogue proposed for it. Writes nothing. */
export function previewSuccessor(ctx: ServiceContext & { planId: string; programmeId: string }): SuccessorPreview {
  const plan = readPlan(ctx.db, ctx.planId);
  const target = requireNextProgramme(ctx, plan, ctx.programmeId);
  const mapping = proposeCarryOver(plan.actions, requireCatalogue(ctx, plan.programmeId), requireCatalogue(ctx, target.id));
  return {
    programme: { id: target.id, label: target.label },
    mapping,
    unmapped: mapping.filter((l) => !l.suggestion).map((l) => l.actionId),
    alreadyPrepared: findSuccessor(ctx, ctx.db, plan.id, target.id),
  };
}

/** A kept fiche as it starts the new programme: new code, no dates or comments of the old years, baselines. */
function carryAction(action: Action, code: string, oldYears: readonly number[]): Action {
  const droit = DROITS_VISES.find((d) => d.label === action.droitVise);
  const valeursDeReference = action.indicators.flatMap((ind) => {
    const last = lastKnownActual(ind.values, oldYears);
    return last ? [{ indicatorId: ind.id, ...last }] : [];
  });
  const blank = FicheSchema.parse({});
  return {
    ...action,
    code,
    // The right aimed at belongs to the axis of the code: kept only when the new code stays in that axis.
    droitVise: droit && droit.axe === axeOfCode(code) ? action.droitVise : null,
    fiche: {
      ...action.fiche,
      calendrier: blank.calendrier,
      commentairesEcarts: null,
      justificationModifications: null,
      valeursDeReference,
    },
    indicators: action.indicators.map((ind) => ({ ...ind, exAnte: null, values: {} })),
  };
}

/** The document of the new plan: what carries over from `plan` (module comment), with the kept fiches. */
function successorDocument(plan: Plan, target: Programme, kept: ReadonlyMap<string, string>, oldYears: readonly number[]): PlanDocument {
  const actions = plan.actions.filter((a) => kept.has(a.id)).map((a) => carryAction(a, kept.get(a.id)!, oldYears));
  const keptIds = new Set(actions.map((a) => a.id));
  return PlanDocumentSchema.parse({
    commune: plan.commune,
    programmeId: target.id,
    // The council approves each plan: the old plan's approval date is not the new one's.
    porteur: { ...plan.porteur, dateApprobation: null },
    identite: plan.identite,
    equipe: plan.equipe,
    chefDeProjet: plan.chefDeProjet,
    equipeMembres: plan.equipeMembres,
    serviceCitoyen: plan.serviceCitoyen,
    communication: plan.communication,
    partenaires: plan.partenaires.map((p) => ({ ...p, actionIds: p.actionIds.filter((id) => keptIds.has(id)) })),
    // A transfer's partner and legal basis carry over; its amounts were agreed for the old programme's years.
    transferts: plan.transferts.map((t) => ({ ...t, montant: null, parAnnee: {} })),
    actions,
  });
}

/**
 * Prepares the successor of plan `planId` on the programme after its own, with the fiches kept under their confirmed
 * codes (each must be in the new catalogue: 400 naming the fiche). 409 when a plan was already prepared from it for
 * that programme. Answers the new plan's id and the fiches left behind.
 */
export function prepareSuccessor(ctx: ServiceContext & { planId: string; input: PrepareSuccessorBody }): PreparedSuccessor {
  const { input } = ctx;
  const row = requirePlanRow(ctx.db, ctx.planId);
  const plan = readPlan(ctx.db, ctx.planId);
  const target = requireNextProgramme(ctx, plan, input.programmeId);
  const existing = findSuccessor(ctx, ctx.db, plan.id, target.id);
  if (existing) {
    throw new ConflictError(`Le plan ${target.label} de ${existing.commune} a déjà été préparé depuis ce plan : ouvrez-le ou annulez sa préparation`, existing);
  }
  const catalogue = requireCatalogue(ctx, target.id);
  const oldCatalogue = requireCatalogue(ctx, plan.programmeId);
  const kept = new Map<string, string>();
  input.fiches.forEach((f, i) => {
    const action = plan.actions.find((a) => a.id === f.actionId);
    if (!action) {
      const message = `La fiche « ${f.actionId} » n'existe pas dans ce plan`;
      throw new ValidationError(message, [{ path: buildPath('fiches', i, 'actionId'), message }]);
    }
    if (!catalogue.actions.some((a) => a.code === f.code)) {
      const message = `Fiche ${action.code} : le code ${f.code} n'est pas au catalogue du programme ${target.label}`;
      throw new ValidationError(message, [{ path: buildPath('fiches', i, 'code'), message }]);
    }
    kept.set(f.actionId, f.code);
  });
  const oldProgramme = requireProgramme(ctx, plan.programmeId);
  const doc = successorDocument(plan, target, kept, oldProgramme.years);
  // A value of a closed list the new programme no longer offers is left blank, to be chosen again.
  dropValuesOutsideLists(doc, target);
  const issues = findIntegrityIssues(doc, target);
  if (issues.length) throw new ValidationError(`Plan suivant impossible (${issues[0]!.path}) : ${issues[0]!.message}`, issues);

  const id = newIdOf(ctx)();
  const now = nowOf(ctx);
  const notCarried = proposeCarryOver(
    plan.actions.filter((a) => !kept.has(a.id)),
    oldCatalogue,
    catalogue,
  ).map((l: CarryOverLine) => ({ actionId: l.actionId, code: l.code, intitule: l.intitule }));
  ctx.db.transaction((db) => {
    db.insert(plans)
      .values({
        id,
        programmeId: target.id,
        commune: plan.commune,
        organisationId: row.organisationId,
        predecessorId: plan.id,
        preparedAt: now,
        createdAt: now,
        updatedAt: now,
        version: 1,
      })
      .run();
    insertPlanContent(db, id, doc, newIdOf(ctx));
    const carried = `${kept.size} fiche(s) reprise(s), ${notCarried.length} non reprise(s)`;
    appendAudit(ctx, db, id, { event: 'modification', summary: `Plan préparé depuis le plan ${oldProgramme.label} de ${plan.commune} : ${carried}` });
    appendAudit(ctx, db, plan.id, { event: 'modification', summary: `Plan suivant préparé (${target.label}) : ${carried}` });
  });
  return { planId: id, predecessorId: plan.id, notCarried };
}

/**
 * Undoes a preparation: deletes the prepared plan while it has not been saved since (409 after its first saved
 * change, or when it is not a prepared plan), and records it in the predecessor's trail.
 */
export function cancelPreparation(ctx: ServiceContext & { planId: string }): { predecessorId: string | null } {
  const row = requirePlanRow(ctx.db, ctx.planId);
  if (!row.preparedAt) {
    const message = row.predecessorId
      ? 'Ce plan a été modifié depuis sa préparation : la préparation ne peut plus être annulée'
      : "Ce plan n'a pas été préparé depuis un plan précédent : il n'y a pas de préparation à annuler";
    throw new ConflictError(message, { preparedAt: null });
  }
  const submitted = ctx.db.select({ n: count() }).from(submissions).where(eq(submissions.planId, ctx.planId)).get();
  if (submitted && submitted.n > 0) throw new ConflictError('Ce plan a des rapports soumis à la DiCS : sa préparation ne peut plus être annulée', null);
  const programme = ctx.reference.programmes.find((p) => p.id === row.programmeId)?.label ?? row.programmeId;
  ctx.db.transaction((db) => {
    if (row.predecessorId) appendAudit(ctx, db, row.predecessorId, { event: 'modification', summary: `Préparation du plan suivant annulée (${programme})` });
    db.delete(plans).where(eq(plans.id, ctx.planId)).run();
  });
  return { predecessorId: row.predecessorId };
}

/** The plan's predecessor, the latest plan prepared from it, and whether its own preparation is still undoable. */
export function readLineage(ctx: ServiceContext, planId: string): PlanLineage {
  const row = requirePlanRow(ctx.db, planId);
  const predecessor = row.predecessorId
    ? ctx.db.select({ id: plans.id, programmeId: plans.programmeId, commune: plans.commune }).from(plans).where(eq(plans.id, row.predecessorId)).get()
    : undefined;
  return {
    predecessor: predecessor ? linkOf(ctx, predecessor) : null,
    successor: findSuccessor(ctx, ctx.db, planId),
    preparedAt: row.preparedAt,
  };
}
