import { and, eq, inArray } from 'drizzle-orm';
import { deadlineExtensions, submissions } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Actor } from '../../schemas/access.ts';
import { daysOverdue, extensionText, reportLink, type DeadlineExtension, type PlanObligation } from '../../schemas/deadlines.ts';
import { formatDate } from '../../schemas/dates.ts';
import { submissionDueDate, submissionKindOf, type Programme } from '../../schemas/reference.ts';
import { obligationKey, openObligations, planObligations, submissionName, type Obligation } from '../../schemas/submission.ts';
import type { DeadlineParam, GrantExtensionBody } from '../../schemas/requests/deadlines.ts';
import { appendAudit } from './audit.ts';
import { newIdOf, nowOf, requireProgramme, todayOf, type ServiceContext } from './context.ts';
import { notifyPlanPeople } from './notifications.ts';
import { requirePlanRow } from './plan-store.ts';
import { listPlans } from './plans.ts';
import { requireSubmissionKind, SUBMISSION_STATUS_COLUMNS } from './submissions.ts';

/**
 * Due dates: the later one the DiCS grants a plan for one submission (kind × year), and what each person still has
 * to hand in across their plans, read set-wise (the plans, their submissions' statuses and the extensions: three
 * queries whatever the number of plans).
 */

/** The kind and year of the plan's programme named by the address, with the programme's due date (400 otherwise). */
function requireObligation(ctx: ServiceContext & DeadlineParam): { programme: Programme; kindLabel: string; programmeDue: string } {
  const programme = requireProgramme(ctx, requirePlanRow(ctx.db, ctx.planId).programmeId);
  const kind = requireSubmissionKind(programme, ctx.kind);
  const programmeDue = submissionDueDate(programme, kind, ctx.annee);
  if (!programmeDue) {
    const message = `L'année ${ctx.annee} n'est pas couverte par « ${kind.label} » dans ce programme`;
    throw new ValidationError(message, [{ path: 'annee', message }]);
  }
  return { programme, kindLabel: kind.label, programmeDue };
}

function extensionOut(programme: Programme, row: typeof deadlineExtensions.$inferSelect): DeadlineExtension {
  const kind = submissionKindOf(programme, row.kind);
  return {
    kind: row.kind,
    kindLabel: kind?.label ?? row.kind,
    annee: row.annee,
    echeance: row.echeance,
    echeanceProgramme: (kind && submissionDueDate(programme, kind, row.annee)) ?? row.echeance,
    motif: row.motif,
    accordeLe: row.accordeLe,
    accordePar: row.accordePar,
  };
}

/** The extensions the DiCS granted the plan, by kind then year. */
export function listPlanExtensions(ctx: ServiceContext & { planId: string }): DeadlineExtension[] {
  const programme = requireProgramme(ctx, requirePlanRow(ctx.db, ctx.planId).programmeId);
  return ctx.db
    .select()
    .from(deadlineExtensions)
    .where(eq(deadlineExtensions.planId, ctx.planId))
    .orderBy(deadlineExtensions.kind, deadlineExtensions.annee)
    .all()
    .map((r) => extensionOut(programme, r));
}

/**
 * « Accorder un délai » (DiCS, administrator): a later due date for one submission of the plan, replacing any earlier
 * extension. 400 at `echeance` unless after the programme's due date. Recorded in the plan's history (« Échéance »)
 * and told to the plan's people; the reminders are due again against the new date.
 */
export function grantExtension(ctx: ServiceContext & DeadlineParam & { actor: Actor; input: GrantExtensionBody }): DeadlineExtension {
  const { programme, kindLabel, programmeDue } = requireObligation(ctx);
  const { echeance, motif } = ctx.input;
  if (echeance <= programmeDue) {
    const message = `Le délai doit être postérieur à l'échéance du programme (${formatDate(programmeDue)})`;
    throw new ValidationError(message, [{ path: 'echeance', message }]);
  }
  const named = submissionName({ kind: ctx.kind, kindLabel, annee: ctx.annee });
  const text = extensionText({ echeance, echeanceProgramme: programmeDue })!;
  const row = ctx.db.transaction((tx) => {
    const values = { echeance, motif: motif || null, accordeLe: nowOf(ctx), accordePar: ctx.actor.nom };
    const [saved] = tx
      .insert(deadlineExtensions)
      .values({ id: newIdOf(ctx)(), planId: ctx.planId, kind: ctx.kind, annee: ctx.annee, ...values })
      .onConflictDoUpdate({ target: [deadlineExtensions.planId, deadlineExtensions.kind, deadlineExtensions.annee], set: values })
      .returning()
      .all();
    appendAudit(ctx, tx, ctx.planId, { event: 'echeance', summary: `${named} : ${text}${motif ? ` — ${motif}` : ''}` });
    notifyPlanPeople(
      ctx,
      ctx.planId,
      {
        nature: 'delai',
        titre: `Délai accordé : ${kindLabel} ${ctx.annee}`,
        texte: `La DiCS a accordé un délai pour ${named} : ${text}.${motif ? `\nMotif : ${motif}` : ''}`,
        lien: reportLink(ctx.planId, ctx.kind, ctx.annee),
      },
      tx,
    );
    return saved!;
  });
  return extensionOut(programme, row);
}

/** Withdraws the extension (the programme's due date applies again); 404 when none was granted. In the history too. */
export function withdrawExtension(ctx: ServiceContext & DeadlineParam & { actor: Actor }): void {
  const { kindLabel, programmeDue } = requireObligation(ctx);
  const where = and(eq(deadlineExtensions.planId, ctx.planId), eq(deadlineExtensions.kind, ctx.kind), eq(deadlineExtensions.annee, ctx.annee));
  ctx.db.transaction((tx) => {
    const removed = tx.delete(deadlineExtensions).where(where).returning().all();
    if (!removed.length) throw new NotFoundError(`Aucun délai accordé pour « ${kindLabel} » ${ctx.annee}`);
    const named = submissionName({ kind: ctx.kind, kindLabel, annee: ctx.annee });
    appendAudit(ctx, tx, ctx.planId, {
      event: 'echeance',
      summary: `${named} : délai jusqu'au ${formatDate(removed[0]!.echeance)} retiré, échéance du programme : ${formatDate(programmeDue)}`,
    });
  });
}

/** `#/plan/<id>/rapport/<année>[?type=<kind>]`: the client's report page (client/router.ts reportHref). */
/**
 * Every obligation of each plan on `today` (see planObligations), with the plan's extensions, read in two queries
 * (the submissions' kind, year, number and status — never their snapshot — and the extensions) for all the plans.
 */
export function readObligationsOfPlans(
  ctx: ServiceContext,
  plans: readonly { id: string; programmeId: string }[],
  today: string,
  db: DbOrTx = ctx.db,
): Map<string, Obligation[]> {
  const ids = plans.map((p) => p.id);
  const byPlan = <T extends { planId: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) (map.get(r.planId) ?? map.set(r.planId, []).get(r.planId)!).push(r);
    return map;
  };
  const subs = byPlan(db.select(SUBMISSION_STATUS_COLUMNS).from(submissions).where(inArray(submissions.planId, ids)).all());
  const exts = byPlan(db.select().from(deadlineExtensions).where(inArray(deadlineExtensions.planId, ids)).all());
  const out = new Map<string, Obligation[]>();
  for (const p of plans) {
    const programme = ctx.reference.programmes.find((x) => x.id === p.programmeId);
    if (!programme) continue;
    const extensions = new Map((exts.get(p.id) ?? []).map((e) => [obligationKey(e.kind, e.annee), e.echeance]));
    out.set(p.id, planObligations(programme, subs.get(p.id) ?? [], today, extensions));
  }
  return out;
}

/**
 * « À remettre » of the plans page: the open obligations (see openObligations) of every plan the person sees, soonest
 * due first, each with its plan and the days it is late.
 */
export function listMyObligations(ctx: ServiceContext & { actor: Actor }): PlanObligation[] {
  const today = todayOf(ctx);
  const plans = listPlans(ctx);
  const obligations = readObligationsOfPlans(ctx, plans, today);
  return plans
    .flatMap((p) =>
      openObligations(obligations.get(p.id) ?? [], today).map((o) => ({
        ...o,
        planId: p.id,
        porteur: p.porteur,
        programmeId: p.programmeId,
        joursDeRetard: daysOverdue(o, today),
      })),
    )
    .sort((x, y) => x.echeance.localeCompare(y.echeance) || x.porteur.localeCompare(y.porteur) || x.kind.localeCompare(y.kind));
}
