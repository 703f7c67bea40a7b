import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/open.ts';
import { actions, budgetVersions, budgets, cells, indicators, planSections, plans, transfers } from '../db/schema.ts';
import { IdentiteSchema, IsadfSchema, PorteurSchema, type Budget } from '../../schemas/plan.ts';
import { porteurTitle } from '../../schemas/porteur.ts';
import type { RegionAction, RegionData, RegionIndicator, RegionPlan } from '../../schemas/consolidation.ts';
import { budgetVersionOut, rowToBudget } from './plan-store.ts';
import { requireCatalogue, requireProgramme, type ServiceContext } from './context.ts';

/**
 * Reads what the consolidation needs of every plan of a programme set-wise: one query per table (plans, the three
 * sections it reads, budgets, budget versions, transfers, actions, indicators, cells) for all the plans at once,
 * instead of one whole-plan read (`readPlan`) per plan. Rows become the plan document's shapes with the same
 * conversions as `readPlan` (`rowToBudget`, the sections' zod schemas), so the shared rules compute the figures.
 */
export function readRegionData(ctx: Pick<ServiceContext, 'db' | 'reference'>, programmeId: string): RegionData {
  const programme = requireProgramme(ctx, programmeId);
  const catalogue = requireCatalogue(ctx, programmeId);
  return { programme, catalogue, plans: readRegionPlans(ctx.db, programmeId) };
}

const EMPTY_BUDGET: Budget = {
  recettes: { total: null, subventionPcs: null, partCommunale: null, subventionsArt20: null, autres: null },
  depenses: { total: null, personnel: null, fonctionnement: null, investissement: null, subventionsInstitutions: null },
};

function readRegionPlans(db: DbOrTx, programmeId: string): RegionPlan[] {
  const ofProgramme = db.select({ id: plans.id }).from(plans).where(eq(plans.programmeId, programmeId));
  const planRows = db.select({ id: plans.id, commune: plans.commune }).from(plans).where(eq(plans.programmeId, programmeId)).all();
  const byId = new Map<string, RegionPlan>();
  const porteurs = new Map<string, unknown>();
  for (const p of planRows) {
    byId.set(p.id, {
      id: p.id,
      commune: p.commune,
      porteur: p.commune,
      province: null,
      isadf: null,
      budget: EMPTY_BUDGET,
      budgetsAnnuels: [],
      transferts: [],
      actions: [],
    });
  }

  const sections = db
    .select({ planId: planSections.planId, section: planSections.section, data: planSections.data })
    .from(planSections)
    .where(and(inArray(planSections.planId, ofProgramme), inArray(planSections.section, ['porteur', 'identite', 'isadf'])))
    .all();
  for (const s of sections) {
    const plan = byId.get(s.planId)!;
    if (s.section === 'identite') plan.province = IdentiteSchema.parse(s.data).province;
    else if (s.section === 'isadf') plan.isadf = IsadfSchema.parse(s.data).valeur;
    else porteurs.set(s.planId, s.data);
  }
  for (const plan of byId.values()) plan.porteur = porteurTitle({ commune: plan.commune, porteur: PorteurSchema.parse(porteurs.get(plan.id) ?? {}) });

  for (const b of db.select().from(budgets).where(inArray(budgets.planId, ofProgramme)).all()) byId.get(b.planId)!.budget = rowToBudget(b);
  const versionRows = db
    .select()
    .from(budgetVersions)
    .where(inArray(budgetVersions.planId, ofProgramme))
    .orderBy(asc(budgetVersions.annee), asc(budgetVersions.dateDecision), asc(budgetVersions.enregistreLe))
    .all();
  for (const v of versionRows) {
    byId.get(v.planId)!.budgetsAnnuels.push(budgetVersionOut(v));
  }

  const transferYears = new Map<string, Record<string, number | null>>();
  const indicatorValues = new Map<string, RegionIndicator['values']>();
  const cellRows = db
    .select({ grid: cells.grid, rowKey: cells.rowKey, period: cells.period, value: cells.value })
    .from(cells)
    .where(and(inArray(cells.planId, ofProgramme), inArray(cells.grid, ['transfer', 'indicator-target', 'indicator-actual'])))
    .all();
  for (const c of cellRows) {
    if (c.grid === 'transfer') {
      const years = transferYears.get(c.rowKey) ?? {};
      years[c.period] = c.value;
      transferYears.set(c.rowKey, years);
      continue;
    }
    const byYear = indicatorValues.get(c.rowKey) ?? {};
    const cell = (byYear[c.period] ??= { target: null, actual: null });
    if (c.grid === 'indicator-target') cell.target = c.value;
    else cell.actual = c.value;
    indicatorValues.set(c.rowKey, byYear);
  }

  const transferRows = db.select().from(transfers).where(inArray(transfers.planId, ofProgramme)).orderBy(asc(transfers.planId), asc(transfers.position)).all();
  for (const t of transferRows) {
    byId
      .get(t.planId)!
      .transferts.push({ id: t.id, partenaire: t.partenaire, art20: t.art20, montant: t.montantCents, parAnnee: transferYears.get(t.id) ?? {} });
  }

  const actionRows = db
    .select({
      id: actions.id,
      planId: actions.planId,
      position: actions.position,
      code: actions.code,
      // Only the operator's name is read from the fiche's JSON, by SQLite itself.
      operateur: sql<string | null>`json_extract(${actions.fiche}, '$.operateur.organisme')`,
    })
    .from(actions)
    .where(inArray(actions.planId, ofProgramme))
    .orderBy(asc(actions.planId), asc(actions.position))
    .all();
  const actionsById = new Map<string, RegionAction>();
  for (const a of actionRows) {
    const action: RegionAction = { id: a.id, position: a.position, code: a.code, operateur: a.operateur, indicators: [] };
    actionsById.set(a.id, action);
    byId.get(a.planId)!.actions.push(action);
  }

  const indicatorRows = db
    .select({
      id: indicators.id,
      actionId: indicators.actionId,
      category: indicators.category,
      label: indicators.label,
      unit: indicators.unit,
      aggregation: indicators.aggregation,
      exAnte: indicators.exAnte,
    })
    .from(indicators)
    .innerJoin(actions, eq(actions.id, indicators.actionId))
    .where(inArray(actions.planId, ofProgramme))
    .orderBy(asc(indicators.actionId), asc(indicators.position))
    .all();
  for (const i of indicatorRows) {
    const { actionId, ...fields } = i;
    actionsById.get(actionId)!.indicators.push({ ...fields, values: indicatorValues.get(i.id) ?? {} });
  }

  const collator = new Intl.Collator('fr-BE', { sensitivity: 'base', numeric: true });
  return [...byId.values()].sort((a, b) => collator.compare(a.porteur, b.porteur) || (a.id < b.id ? -1 : 1));
}
