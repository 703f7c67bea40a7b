import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/open.ts';
import {
  actions,
  imputationRows,
  budgetVersions,
  budgets,
  cells,
  justifications,
  indicators,
  planRows,
  planSections,
  plans,
  submissions,
  transfers,
  type CellGrid,
} from '../db/schema.ts';
import { latestSubmissions, LOCKING_STATUSES, lockedYears, type Submission } from '../../schemas/submission.ts';
import { NotFoundError } from '../errors.ts';
import { sameValue } from '../../schemas/same-value.ts';
import { FicheSchema } from '../../schemas/action.ts';
import type { Action } from '../../schemas/action.ts';
import type { Indicator, IndicatorCell } from '../../schemas/indicator.ts';
import type { Imputation, ImputationFields, BudgetVersion } from '../../schemas/finance.ts';
import {
  COLLECTION_KEYS,
  COLLECTION_SCHEMAS,
  SECTION_KEYS,
  SECTION_SCHEMAS,
  type Budget,
  type CollectionKey,
  type Plan,
  type PlanDocument,
  type SectionKey,
} from '../../schemas/plan.ts';

/**
 * Reading and writing a whole plan: the mapping between the plan document of `schemas/` and the SQLite rows.
 * Internal to services; nothing else touches the tables.
 */

export const CONSUMPTION_ROW = 'e-compte';

export function requirePlanRow(db: DbOrTx, planId: string) {
  const row = db.select().from(plans).where(eq(plans.id, planId)).get();
  if (!row) throw new NotFoundError(`Plan introuvable : ${planId}`);
  return row;
}

export function touchPlan(db: DbOrTx, planId: string, now: string): void {
  db.update(plans).set({ updatedAt: now }).where(eq(plans.id, planId)).run();
}

export function budgetToRow(b: Budget) {
  return {
    recettesTotal: b.recettes.total,
    subventionPcs: b.recettes.subventionPcs,
    partCommunale: b.recettes.partCommunale,
    subventionsArt20: b.recettes.subventionsArt20,
    autresRecettes: b.recettes.autres,
    depensesTotal: b.depenses.total,
    personnel: b.depenses.personnel,
    fonctionnement: b.depenses.fonctionnement,
    investissement: b.depenses.investissement,
    subventionsInstitutions: b.depenses.subventionsInstitutions,
  };
}

type BudgetColumns = ReturnType<typeof budgetToRow>;

export function rowToBudget(r: BudgetColumns): Budget {
  return {
    recettes: {
      total: r.recettesTotal,
      subventionPcs: r.subventionPcs,
      partCommunale: r.partCommunale,
      subventionsArt20: r.subventionsArt20,
      autres: r.autresRecettes,
    },
    depenses: {
      total: r.depensesTotal,
      personnel: r.personnel,
      fonctionnement: r.fonctionnement,
      investissement: r.investissement,
      subventionsInstitutions: r.subventionsInstitutions,
    },
  };
}

/** The years of the plan that are read-only: the latest submission of some kind of the year is under review or approved. */
export function readLockedYears(db: DbOrTx, planId: string): number[] {
  return lockedYears(
    db
      .select({ kind: submissions.kind, annee: submissions.annee, numero: submissions.numero, statut: submissions.statut })
      .from(submissions)
      .where(eq(submissions.planId, planId))
      .all(),
  );
}

/**
 * The submission that locks `year` (the latest of its kind and year, under review first, then approved), or null:
 * what the refusal of an edit of the year names.
 */
export function readLockingSubmission(db: DbOrTx, planId: string, year: number): Pick<Submission, 'kind' | 'annee' | 'statut'> | null {
  const rows = db
    .select({ kind: submissions.kind, annee: submissions.annee, numero: submissions.numero, statut: submissions.statut })
    .from(submissions)
    .where(and(eq(submissions.planId, planId), eq(submissions.annee, year)))
    .all();
  const locking = latestSubmissions(rows).filter((r) => LOCKING_STATUSES.includes(r.statut));
  return locking.find((r) => r.statut === 'soumis') ?? locking[0] ?? null;
}

/** Assembles the whole plan document from its rows. */
export function readPlan(db: DbOrTx, planId: string): Plan {
  const plan = requirePlanRow(db, planId);
  const sectionRows = db.select().from(planSections).where(eq(planSections.planId, planId)).all();
  const versions = { header: plan.version } as Plan['versions'];
  const sections = {} as Record<SectionKey, unknown>;
  for (const key of SECTION_KEYS) {
    sections[key] = SECTION_SCHEMAS[key].parse({});
    versions[key] = 0;
  }
  for (const s of sectionRows) {
    sections[s.section] = SECTION_SCHEMAS[s.section].parse(s.data);
    versions[s.section] = s.version;
  }
  const budgetRow = db.select().from(budgets).where(eq(budgets.planId, planId)).get();
  if (budgetRow) {
    sections.budget = rowToBudget(budgetRow);
    versions.budget = budgetRow.version;
  }

  const rows = db.select().from(planRows).where(eq(planRows.planId, planId)).orderBy(asc(planRows.collection), asc(planRows.position)).all();
  const collections = Object.fromEntries(COLLECTION_KEYS.map((k) => [k, [] as unknown[]])) as Record<CollectionKey, unknown[]>;
  for (const r of rows) {
    const data = COLLECTION_SCHEMAS[r.collection].parse(r.data);
    collections[r.collection].push({ id: r.id, version: r.version, ...data });
  }

  const transferRows = db.select().from(transfers).where(eq(transfers.planId, planId)).orderBy(asc(transfers.position)).all();

  const actionRows = db.select().from(actions).where(eq(actions.planId, planId)).orderBy(asc(actions.position)).all();
  const actionIds = actionRows.map((a) => a.id);
  const indicatorRows = actionIds.length
    ? db.select().from(indicators).where(inArray(indicators.actionId, actionIds)).orderBy(asc(indicators.actionId), asc(indicators.position)).all()
    : [];
  const cellRows = db.select().from(cells).where(eq(cells.planId, planId)).all();

  const indicatorCells = new Map<string, Record<string, IndicatorCell>>();
  const repartitionTemps: Record<string, Record<string, number | null>> = {};
  const consommation: Record<string, number | null> = {};
  const cellVersions: Plan['cellVersions'] = { time: {}, consumption: {}, transfer: {} };
  const transferYears = new Map<string, Record<string, number | null>>();
  for (const c of cellRows) {
    if (c.grid === 'indicator-target' || c.grid === 'indicator-actual') {
      const byYear = indicatorCells.get(c.rowKey) ?? {};
      const cell = byYear[c.period] ?? { target: null, actual: null, targetVersion: 0, actualVersion: 0 };
      if (c.grid === 'indicator-target') {
        cell.target = c.value;
        cell.targetVersion = c.version;
      } else {
        cell.actual = c.value;
        cell.actualVersion = c.version;
      }
      byYear[c.period] = cell;
      indicatorCells.set(c.rowKey, byYear);
    } else if (c.grid === 'time') {
      (repartitionTemps[c.rowKey] ??= {})[c.period] = c.value;
      (cellVersions.time[c.rowKey] ??= {})[c.period] = c.version;
    } else if (c.grid === 'transfer') {
      const years = transferYears.get(c.rowKey) ?? {};
      years[c.period] = c.value;
      transferYears.set(c.rowKey, years);
      (cellVersions.transfer[c.rowKey] ??= {})[c.period] = c.version;
    } else {
      consommation[c.period] = c.value;
      cellVersions.consumption[c.period] = c.version;
    }
  }

  const indicatorsByAction = new Map<string, Indicator[]>();
  for (const i of indicatorRows) {
    const list = indicatorsByAction.get(i.actionId) ?? [];
    list.push({
      id: i.id,
      version: i.version,
      category: i.category,
      label: i.label,
      unit: i.unit,
      aggregation: i.aggregation,
      standard: i.standard,
      exAnte: i.exAnte,
      values: indicatorCells.get(i.id) ?? {},
    });
    indicatorsByAction.set(i.actionId, list);
  }

  const actionList: Action[] = actionRows.map((a) => {
    const fiche = FicheSchema.parse(a.fiche);
    fiche.operateur.transferId = a.transferId;
    // A baseline follows its indicator: once the indicator is deleted, it is no longer part of the fiche.
    const indicatorIds = new Set((indicatorsByAction.get(a.id) ?? []).map((i) => i.id));
    fiche.valeursDeReference = fiche.valeursDeReference.filter((v) => indicatorIds.has(v.indicatorId));
    return {
      id: a.id,
      version: a.version,
      code: a.code,
      statut: a.statut,
      droitVise: a.droitVise,
      priorite: a.priorite,
      fiche,
      indicators: indicatorsByAction.get(a.id) ?? [],
    };
  });

  return {
    id: plan.id,
    commune: plan.commune,
    programmeId: plan.programmeId,
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
    versions,
    cellVersions,
    ...(sections as Pick<PlanDocument, SectionKey>),
    equipeMembres: collections.equipeMembres as PlanDocument['equipeMembres'],
    formations: collections.formations as PlanDocument['formations'],
    reunionsOrganisees: collections.reunionsOrganisees as PlanDocument['reunionsOrganisees'],
    reunionsInvite: collections.reunionsInvite as PlanDocument['reunionsInvite'],
    partenaires: collections.partenaires as PlanDocument['partenaires'],
    transferts: transferRows.map((t) => ({
      id: t.id,
      version: t.version,
      partenaire: t.partenaire,
      art20: t.art20,
      montant: t.montantCents,
      parAnnee: transferYears.get(t.id) ?? {},
    })),
    consommation,
    repartitionTemps,
    actions: actionList,
    ...readFinance(db, planId),
  };
}

/** A recorded budget version as the plan holds it. */
export function budgetVersionOut(v: typeof budgetVersions.$inferSelect): BudgetVersion {
  return {
    id: v.id,
    annee: v.annee,
    nature: v.nature,
    libelle: v.libelle,
    dateDecision: v.dateDecision,
    budget: rowToBudget(v),
    commentaire: v.commentaire,
    auteur: v.auteur,
    enregistreLe: v.enregistreLe,
  };
}

/** The finance officer's records of a plan: budget versions, imputations (in list order), justifications. */
function readFinance(db: DbOrTx, planId: string): Pick<PlanDocument, 'budgetsAnnuels' | 'imputations' | 'justifications'> {
  return {
    budgetsAnnuels: db
      .select()
      .from(budgetVersions)
      .where(eq(budgetVersions.planId, planId))
      .orderBy(asc(budgetVersions.annee), asc(budgetVersions.dateDecision), asc(budgetVersions.enregistreLe))
      .all()
      .map(budgetVersionOut),
    imputations: db
      .select()
      .from(imputationRows)
      .where(eq(imputationRows.planId, planId))
      .orderBy(asc(imputationRows.position), asc(imputationRows.id))
      .all()
      .map(imputationOut),
    justifications: db
      .select()
      .from(justifications)
      .where(eq(justifications.planId, planId))
      .orderBy(asc(justifications.cle))
      .all()
      .map((j) => ({ cle: j.cle, texte: j.texte, auteur: j.auteur, justifieLe: j.justifieLe, constat: j.constat, version: j.version })),
  };
}

export function imputationOut(r: typeof imputationRows.$inferSelect): Imputation {
  return {
    id: r.id,
    version: r.version,
    annee: r.annee,
    codeFonctionnel: r.codeFonctionnel,
    articleEconomique: r.articleEconomique,
    libelle: r.libelle,
    montant: r.montantCents,
    nature: r.nature,
  };
}

export function imputationToRow(l: ImputationFields) {
  return {
    annee: l.annee,
    codeFonctionnel: l.codeFonctionnel,
    articleEconomique: l.articleEconomique,
    libelle: l.libelle,
    montantCents: l.montant,
    nature: l.nature,
  };
}

export function budgetVersionToRow(planId: string, v: BudgetVersion) {
  const { budget, ...fields } = v;
  return { planId, ...fields, ...budgetToRow(budget) };
}

/** Fiche as stored: the transfer link lives in its own column (with a foreign key), not in the JSON. */
export function ficheForStorage(fiche: Action['fiche']) {
  return { ...fiche, operateur: { ...fiche.operateur, transferId: null } };
}

export type CellWrite = { grid: CellGrid; rowKey: string; period: string; value: number | null; indicatorId?: string | null };

/**
 * Inserts a validated document as the content of plan `planId` (an empty plan), giving every row a fresh id
 * and rewriting the references between rows. Runs inside the caller's transaction.
 */
export function insertPlanContent(db: DbOrTx, planId: string, doc: PlanDocument, newId: () => string): void {
  const idMap = new Map<string, string>();
  const mapId = (old: string) => {
    let id = idMap.get(old);
    if (!id) {
      id = newId();
      idMap.set(old, id);
    }
    return id;
  };

  for (const key of SECTION_KEYS) {
    if (key === 'budget') continue;
    db.insert(planSections).values({ planId, section: key, data: doc[key], version: 1 }).run();
  }
  db.insert(budgets)
    .values({ planId, ...budgetToRow(doc.budget), version: 1 })
    .run();

  doc.transferts.forEach((t, position) => {
    db.insert(transfers)
      .values({ id: mapId(t.id), planId, position, partenaire: t.partenaire, art20: t.art20, montantCents: t.montant, version: 1 })
      .run();
  });

  for (const a of doc.actions) mapId(a.id);
  for (const key of COLLECTION_KEYS) {
    doc[key].forEach((row, position) => {
      const { id, version: _version, ...data } = row;
      const stored = key === 'partenaires' && 'actionIds' in data ? { ...data, actionIds: data.actionIds.map(mapId) } : data;
      db.insert(planRows)
        .values({ id: mapId(id), planId, collection: key, position, data: stored, version: 1 })
        .run();
    });
  }

  const cellWrites: CellWrite[] = [];
  doc.actions.forEach((a, position) => {
    const actionId = mapId(a.id);
    const transferId = a.fiche.operateur.transferId === null ? null : mapId(a.fiche.operateur.transferId);
    db.insert(actions)
      .values({
        id: actionId,
        planId,
        position,
        code: a.code,
        statut: a.statut,
        droitVise: a.droitVise,
        priorite: a.priorite,
        transferId,
        fiche: ficheForStorage({ ...a.fiche, valeursDeReference: a.fiche.valeursDeReference.map((v) => ({ ...v, indicatorId: mapId(v.indicatorId) })) }),
        version: 1,
      })
      .run();
    a.indicators.forEach((ind, ip) => {
      const indicatorId = mapId(ind.id);
      db.insert(indicators)
        .values({
          id: indicatorId,
          actionId,
          position: ip,
          category: ind.category,
          label: ind.label,
          unit: ind.unit,
          aggregation: ind.aggregation,
          standard: ind.standard,
          exAnte: ind.exAnte,
          version: 1,
        })
        .run();
      for (const [year, cell] of Object.entries(ind.values)) {
        cellWrites.push({ grid: 'indicator-target', rowKey: indicatorId, period: year, value: cell.target, indicatorId });
        cellWrites.push({ grid: 'indicator-actual', rowKey: indicatorId, period: year, value: cell.actual, indicatorId });
      }
    });
  });
  for (const [category, periods] of Object.entries(doc.repartitionTemps)) {
    for (const [period, value] of Object.entries(periods ?? {})) {
      cellWrites.push({ grid: 'time', rowKey: category, period, value });
    }
  }
  for (const [year, value] of Object.entries(doc.consommation)) {
    cellWrites.push({ grid: 'consumption', rowKey: CONSUMPTION_ROW, period: year, value });
  }
  for (const t of doc.transferts) {
    for (const [year, value] of Object.entries(t.parAnnee)) cellWrites.push({ grid: 'transfer', rowKey: mapId(t.id), period: year, value });
  }
  for (const v of doc.budgetsAnnuels)
    db.insert(budgetVersions)
      .values(budgetVersionToRow(planId, { ...v, id: mapId(v.id) }))
      .run();
  doc.imputations.forEach((l, position) => {
    db.insert(imputationRows)
      .values({ id: mapId(l.id), planId, position, ...imputationToRow(l), version: 1 })
      .run();
  });
  // A justification's key names rows by id (`actions.#<id>…`): it follows its rows to their new ids.
  const remapKey = (key: string) => key.replace(/#([A-Za-z0-9_-]+)/g, (whole, id: string) => (idMap.has(id) ? `#${idMap.get(id)}` : whole));
  for (const j of doc.justifications)
    db.insert(justifications)
      .values({ planId, ...j, cle: remapKey(j.cle), version: 1 })
      .run();
  // Many rows at a time: a plan holds thousands of cells, and one statement per cell was most of an import.
  const rows = cellWrites
    .filter((c) => c.value !== null)
    .map((c) => ({ planId, grid: c.grid, rowKey: c.rowKey, period: c.period, value: c.value, indicatorId: c.indicatorId ?? null, version: 1 }));
  for (let i = 0; i < rows.length; i += CELL_INSERT_BATCH)
    db.insert(cells)
      .values(rows.slice(i, i + CELL_INSERT_BATCH))
      .run();
}

/** Cells per insert statement (7 bound values each, far below SQLite's limit of 32 766). */
const CELL_INSERT_BATCH = 500;

export function deleteCellsOfRow(db: DbOrTx, planId: string, grid: CellGrid, rowKey: string): void {
  db.delete(cells)
    .where(and(eq(cells.planId, planId), eq(cells.grid, grid), eq(cells.rowKey, rowKey)))
    .run();
}

const differs = (a: unknown, b: unknown) => !sameValue(a, b);

/**
 * Stores the values of `after` that differ from the stored plan `before` (same rows, same ids: an edit of values,
 * never of structure): each changed section, row, action, indicator and cell is written with its version + 1.
 * Runs inside the caller's transaction.
 */
export function writePlanEdits(db: DbOrTx, before: Plan, after: PlanDocument): void {
  const planId = before.id;
  for (const key of SECTION_KEYS) {
    if (!differs(before[key], after[key])) continue;
    const version = before.versions[key] + 1;
    if (key === 'budget') {
      db.update(budgets)
        .set({ ...budgetToRow(after.budget), version })
        .where(eq(budgets.planId, planId))
        .run();
    } else {
      db.update(planSections)
        .set({ data: after[key], version })
        .where(and(eq(planSections.planId, planId), eq(planSections.section, key)))
        .run();
    }
  }
  for (const key of COLLECTION_KEYS) {
    before[key].forEach((row, i) => {
      const next = after[key][i]!;
      const { id, version, ...data } = next;
      const { id: _id, version: _version, ...old } = row;
      if (differs(old, data))
        db.update(planRows)
          .set({ data, version: version + 1 })
          .where(eq(planRows.id, id))
          .run();
    });
  }
  before.transferts.forEach((t, i) => {
    const next = after.transferts[i]!;
    if (differs({ ...t, version: 0, parAnnee: {} }, { ...next, version: 0, parAnnee: {} })) {
      db.update(transfers)
        .set({ partenaire: next.partenaire, art20: next.art20, montantCents: next.montant, version: t.version + 1 })
        .where(eq(transfers.id, t.id))
        .run();
    }
  });

  const cellWrites: (CellWrite & { version: number })[] = [];
  before.actions.forEach((a, i) => {
    const next = after.actions[i]!;
    const listOf = (x: Action) => [x.code, x.statut, x.droitVise, x.priorite, x.fiche];
    if (differs(listOf(a), listOf(next))) {
      db.update(actions)
        .set({
          code: next.code,
          statut: next.statut,
          droitVise: next.droitVise,
          priorite: next.priorite,
          fiche: ficheForStorage(next.fiche),
          version: a.version + 1,
        })
        .where(eq(actions.id, a.id))
        .run();
    }
    a.indicators.forEach((ind, j) => {
      const n = next.indicators[j]!;
      const fieldsOf = (x: Indicator) => [x.category, x.label, x.unit, x.aggregation, x.standard, x.exAnte];
      if (differs(fieldsOf(ind), fieldsOf(n))) {
        db.update(indicators)
          .set({
            category: n.category,
            label: n.label,
            unit: n.unit,
            aggregation: n.aggregation,
            standard: n.standard,
            exAnte: n.exAnte,
            version: ind.version + 1,
          })
          .where(eq(indicators.id, ind.id))
          .run();
      }
      for (const [year, cell] of Object.entries(n.values)) {
        const old = ind.values[year];
        if (differs(old?.target, cell.target))
          cellWrites.push({
            grid: 'indicator-target',
            rowKey: ind.id,
            period: year,
            value: cell.target,
            indicatorId: ind.id,
            version: old?.targetVersion ?? 0,
          });
        if (differs(old?.actual, cell.actual))
          cellWrites.push({
            grid: 'indicator-actual',
            rowKey: ind.id,
            period: year,
            value: cell.actual,
            indicatorId: ind.id,
            version: old?.actualVersion ?? 0,
          });
      }
    });
  });
  for (const [category, periods] of Object.entries(after.repartitionTemps)) {
    for (const [period, value] of Object.entries(periods ?? {})) {
      if (differs(before.repartitionTemps[category as keyof Plan['repartitionTemps']]?.[period], value)) {
        cellWrites.push({ grid: 'time', rowKey: category, period, value, version: before.cellVersions.time[category]?.[period] ?? 0 });
      }
    }
  }
  for (const [year, value] of Object.entries(after.consommation)) {
    if (differs(before.consommation[year], value)) {
      cellWrites.push({ grid: 'consumption', rowKey: CONSUMPTION_ROW, period: year, value, version: before.cellVersions.consumption[year] ?? 0 });
    }
  }
  before.transferts.forEach((t, i) => {
    for (const [year, value] of Object.entries(after.transferts[i]!.parAnnee)) {
      if (differs(t.parAnnee[year], value)) {
        cellWrites.push({ grid: 'transfer', rowKey: t.id, period: year, value, version: before.cellVersions.transfer[t.id]?.[year] ?? 0 });
      }
    }
  });
  for (const c of cellWrites) storeCell(db, planId, c, c.version);
}

/**
 * Writes one cell of a yearly grid whose stored version is `version` (0 = no row yet): inserted at version 1 or
 * updated to version + 1. A blanked cell keeps its row, so versions never go back.
 */
export function storeCell(db: DbOrTx, planId: string, c: CellWrite, version: number): number {
  if (version === 0) {
    db.insert(cells)
      .values({ planId, grid: c.grid, rowKey: c.rowKey, period: c.period, value: c.value, indicatorId: c.indicatorId ?? null, version: 1 })
      .run();
  } else {
    db.update(cells)
      .set({ value: c.value, version: version + 1 })
      .where(and(eq(cells.planId, planId), eq(cells.grid, c.grid), eq(cells.rowKey, c.rowKey), eq(cells.period, c.period)))
      .run();
  }
  return version + 1;
}
