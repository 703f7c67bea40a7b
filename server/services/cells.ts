import type { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, parseOrThrow } from '../errors.ts';
import { cellPathOf, describeCell, type CellEdit, type CellGrid, type StoredCell } from '../../schemas/cells.ts';
import { UpdateCellsBody } from '../../schemas/requests/actions.ts';
import { TIME_CATEGORY_CODES } from '../../schemas/enums.ts';
import { indicatorValue, type Indicator } from '../../schemas/indicator.ts';
import { FicheSchema, OperateurSchema, type Action } from '../../schemas/action.ts';
import type { ValueChange } from '../../schemas/audit.ts';
import { cents, percentHundredths } from '../../schemas/primitives.ts';
import { TIME_PERIOD_EX_ANTE, TIME_PERIOD_EX_POST, type PlanDocument } from '../../schemas/plan.ts';
import type { Unit } from '../../schemas/numbers.ts';
import type { ApiIssue } from '../../schemas/errors.ts';
import { pathOfIssue } from '../../schemas/plan-path.ts';
import { isProgrammeYear, programmeSpan, type Programme, yearOutsideProgramme } from '../../schemas/reference.ts';
import { CONSUMPTION_ROW, requirePlanRow } from './plan-store.ts';
import { cellStatementsOf, type CellStatements } from './cell-store.ts';
import { preparedPerDatabase, type Db } from '../db/open.ts';
import { requireWritable } from './mutate.ts';
import { recordPlanChanges } from './audit.ts';
import { nowOf, requireProgramme, type ServiceContext } from './context.ts';

type IndicatorUnits = Map<string, Unit>;
/**
 * What a block of cells names of its plan, as the whole plan would show it to the labels and the write rules
 * (schemas/plan-path.ts, schemas/access.ts): every fiche in list order by its code (a fiche's name depends on the
 * others of its code), the fiches of the edited indicators with their operator and their indicator rows, and the
 * transfers (the edited ones; all of them for a partner, whose fiches are found through them). Nothing else is read.
 */
type CellScope = Pick<PlanDocument, 'actions' | 'transferts' | 'programmeId'>;
/** What a cell edit needs to know of the plan: its indicators' units, its transfers' ids, and what names them. */
type CellTargets = { units: IndicatorUnits; transferIds: Set<string>; scope: CellScope };

const isIndicatorGrid = (grid: CellGrid) => grid === 'indicator-target' || grid === 'indicator-actual';

/** The fiche body of the scope's fiches: only their operator is read, the rest is the empty fiche. */
let emptyFiche: Action['fiche'] | null = null;

/** A fiche of the scope's list from its list fields (its indicator rows when its cells are edited). */
function scopeAction(
  row: { id: string; version: number; code: string; statut: Action['statut']; droitVise: Action['droitVise']; priorite: Action['priorite'] },
  fiche: Action['fiche'],
  indicatorList: Indicator[] = [],
): Action {
  const { id, version, code, statut, droitVise, priorite } = row;
  return { id, version, code, statut, droitVise, priorite, fiche, indicators: indicatorList };
}

/** Targets read before, per database: by plan, structure stamp and the rows a block names (see `cellTargetsOf`). */
const targetsRead = preparedPerDatabase(() => new Map<string, CellTargets>());
/** Blocks whose targets a database keeps; past it they are read again. */
const MAX_TARGETS_KEPT = 1024;

/**
 * What a block of cells needs to know of its plan, read again only when the plan's structure changed: the plan's
 * row carries a stamp the database draws anew whenever one of its fiches, indicators or transfers is written
 * (schema.ts, `structureStamp`), and everything `readCellTargets` reads comes from those rows. A person typing in
 * the grid writes cell after cell of the same rows: their targets are read once. Kept frozen: they are shared.
 */
function cellTargetsOf(
  st: CellStatements,
  db: Db,
  plan: { id: string; programmeId: string; structureStamp: number },
  edits: readonly CellEdit[],
  allTransfers: boolean,
): CellTargets {
  // The indicators and transfers the block names, in the order it names them (the time and E-compte rows name nothing).
  const rows = new Set<string>();
  for (const e of edits) {
    if (isIndicatorGrid(e.grid)) rows.add(`i:${e.row}`);
    else if (e.grid === 'transfer') rows.add(`t:${e.row}`);
  }
  const key = `${plan.id}|${plan.structureStamp}|${allTransfers ? 'all' : ''}|${[...rows].join(',')}`;
  const kept = targetsRead(db);
  let targets = kept.get(key);
  if (!targets) {
    targets = deepFreeze(readCellTargets(st, plan.id, plan.programmeId, edits, allTransfers));
    if (kept.size >= MAX_TARGETS_KEPT) kept.clear();
    kept.set(key, targets);
  }
  return targets;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    const children = value instanceof Map ? [...value.values()] : value instanceof Set ? [] : Object.values(value);
    for (const child of children) deepFreeze(child);
  }
  return value;
}

function readCellTargets(st: CellStatements, planId: string, programmeId: string, edits: readonly CellEdit[], allTransfers: boolean): CellTargets {
  const indicatorIds = [...new Set(edits.filter((e) => isIndicatorGrid(e.grid)).map((e) => e.row))];
  const actionIds = [...new Set(indicatorIds.flatMap((indicatorId) => st.indicatorAction.all({ indicatorId, planId }).map((r) => r.actionId)))];
  emptyFiche ??= FicheSchema.parse({});
  const empty = emptyFiche;
  // A fiche is named by its code and, when other fiches share it, by its operator or its rank in the list
  // (`ficheLabel`): the edited fiches stand at their rank, the others of their code after them, and every other
  // place holds a fiche of no id and no code, which no path or code ever matches.
  const list: Action[] = [];
  const codes = new Set<string>();
  for (const actionId of actionIds) {
    const a = st.action.get({ actionId })!;
    const operateur = { ...OperateurSchema.parse(JSON.parse(a.operateur ?? '{}')), transferId: a.transferId };
    const rows = st.indicatorsOfAction.all({ actionId }).map(({ actionId: _a, position: _p, ...i }) => ({ ...i, values: {} }));
    list[st.actionsBefore.get({ planId, position: a.position })!.n] = scopeAction(a, { ...empty, operateur }, rows);
    codes.add(a.code);
  }
  const placeholder = scopeAction({ id: '', version: 0, code: '', statut: null, droitVise: null, priorite: null }, empty);
  for (let i = 0; i < list.length; i++) list[i] ??= placeholder;
  for (const code of codes) {
    for (const { id } of st.actionsOfCode.all({ planId, code })) {
      if (!actionIds.includes(id)) list.push(scopeAction({ id, version: 0, code, statut: null, droitVise: null, priorite: null }, empty));
    }
  }

  const transferIds = [...new Set(edits.filter((e) => e.grid === 'transfer').map((e) => e.row))];
  const transferRows = allTransfers ? st.transfersOfPlan.all({ planId }) : transferIds.flatMap((transferId) => st.transfer.all({ planId, transferId }));
  return {
    units: new Map(list.flatMap((a) => a.indicators.map((i) => [i.id, i.unit] as const))),
    transferIds: new Set(transferRows.map((t) => t.id)),
    scope: {
      programmeId,
      actions: list,
      transferts: transferRows.map((t) => ({ id: t.id, version: t.version, partenaire: t.partenaire, art20: t.art20, montant: t.montantCents, parAnnee: {} })),
    },
  };
}

/** The schema of an indicator's values, built once per unit (a pasted block validates thousands of cells). */
const VALUE_SCHEMAS = new Map<Unit, z.ZodType<number>>();
function valueSchemaOf(unit: Unit): z.ZodType<number> {
  let schema = VALUE_SCHEMAS.get(unit);
  if (!schema) {
    schema = indicatorValue(unit);
    VALUE_SCHEMAS.set(unit, schema);
  }
  return schema;
}

/** Checks where a cell is and what it may hold; answers the parsed value or a French issue. */
function validateCell(
  { units, transferIds }: CellTargets,
  programme: Programme,
  cell: CellEdit,
): { value: number | null; indicatorId: string | null } | string {
  const isYear = isProgrammeYear(programme, cell.period);
  const yearsText = programmeSpan(programme);
  let schema: z.ZodType<number>;
  let indicatorId: string | null = null;
  if (cell.grid === 'indicator-target' || cell.grid === 'indicator-actual') {
    const unit = units.get(cell.row);
    if (!unit) return `Indicateur introuvable dans ce plan : ${cell.row}`;
    if (!isYear) return yearOutsideProgramme(programme, cell.period);
    schema = valueSchemaOf(unit);
    indicatorId = cell.row;
  } else if (cell.grid === 'time') {
    if (!(TIME_CATEGORY_CODES as readonly string[]).includes(cell.row)) return `Catégorie de temps inconnue : ${cell.row}`;
    if (!isYear && cell.period !== TIME_PERIOD_EX_ANTE && cell.period !== TIME_PERIOD_EX_POST) {
      return `Colonne inconnue : ${cell.period} (Ex-ante, ${yearsText} ou Ex-post)`;
    }
    schema = percentHundredths;
  } else if (cell.grid === 'transfer') {
    if (!transferIds.has(cell.row)) return `Transfert introuvable dans ce plan : ${cell.row}`;
    if (!isYear) return yearOutsideProgramme(programme, cell.period);
    schema = cents;
  } else {
    if (cell.row !== CONSUMPTION_ROW) return `Ligne inconnue : ${cell.row}`;
    if (!isYear) return yearOutsideProgramme(programme, cell.period);
    schema = cents;
  }
  if (cell.value === null) return { value: null, indicatorId };
  const r = schema.safeParse(cell.value);
  if (!r.success) return r.error.issues[0]!.message;
  return { value: r.data, indicatorId };
}

/**
 * Writes a block of cells (one cell typed, or a pasted block) as one change, in one transaction that reads and
 * writes only what the block touches: the plan's row, the cells' rows and the rows that name them (their
 * indicators' fiches, their transfers: read again only when the plan's structure changed, `cellTargetsOf`), never
 * the whole plan. Every cell is validated and version-checked first;
 * one bad value answers 400 and one stale version answers 409 with what is stored now, and then nothing is
 * written. A written cell's version goes up by one, a cell sent with its stored value keeps its version; a blanked
 * cell keeps its row (so versions never go back). The audit difference is each cell's old value → new value; the
 * role rules and the submitted years judge it as they judge any change (`recordPlanChanges`), and a block that
 * changes nothing writes nothing (no version moves, no audit entry).
 */
export function updateCells(ctx: ServiceContext & { planId: string } & UpdateCellsBody): StoredCell[] {
  const edits = ctx.cells;
  const st = cellStatementsOf(ctx.db);
  const planId = ctx.planId;
  return ctx.db.transaction((db) => {
    const planRow = st.plan.get({ planId });
    if (!planRow) throw new NotFoundError(`Plan introuvable : ${planId}`);
    const programme = requireProgramme(ctx, planRow.programmeId);
    const targets = cellTargetsOf(st, ctx.db, { id: planId, ...planRow }, edits, ctx.actor?.role === 'partenaire');
    const { scope } = targets;
    // Where each cell is, decided before any value is compared: a cell the role may not write is refused even unchanged.
    if (ctx.actor)
      requireWritable(
        ctx.actor,
        scope,
        edits.map((cell) => cellPathOf(scope, cell)).filter((p) => p !== null),
      );

    const keyOf = (c: { grid: string; row: string; period: string }) => `${c.grid}|${c.row}|${c.period}`;
    const seen = new Set<string>();
    const problems: { index: number; cell: CellEdit; message: string }[] = [];
    const parsed = edits.map((cell, index) => {
      if (seen.has(keyOf(cell))) {
        problems.push({ index, cell, message: 'cette cellule figure deux fois dans le bloc' });
        return null;
      }
      seen.add(keyOf(cell));
      const r = validateCell(targets, programme, cell);
      if (typeof r === 'string') {
        problems.push({ index, cell, message: r });
        return null;
      }
      return { ...cell, ...r };
    });
    if (problems.length) {
      const issues: ApiIssue[] = problems.map((p) => ({
        path: pathOfIssue(['cells', p.index, 'value']),
        message: `${describeCell(scope, p.cell)} : ${p.message}`,
      }));
      throw new ValidationError(issues[0]!.message, issues);
    }

    const stored = edits.map((cell): StoredCell => {
      const row = st.cell.get({ planId, grid: cell.grid, row: cell.row, period: cell.period });
      return { grid: cell.grid, row: cell.row, period: cell.period, value: row?.value ?? null, version: row?.version ?? 0 };
    });
    const conflicts = edits.flatMap((cell, i) => (stored[i]!.version === cell.version ? [] : [stored[i]!]));
    if (conflicts.length) {
      throw new ConflictError(`${describeCell(scope, conflicts[0]!)} a été modifié(e) entre-temps : choisissez la valeur à garder`, conflicts);
    }

    const changes: ValueChange[] = [];
    const answers = parsed.map((cell, i): StoredCell => {
      const c = cell!;
      const before = stored[i]!;
      // Only a real change moves a cell's version: the same value again is answered as stored.
      if (before.value === c.value) return before;
      const key = { planId, grid: c.grid, row: c.row, period: c.period, value: c.value };
      if (c.version === 0) st.insertCell.run({ ...key, indicatorId: c.indicatorId });
      else st.updateCell.run({ ...key, version: c.version + 1 });
      const version = c.version + 1;
      changes.push({ path: cellPathOf(scope, c)!, old: before.value, new: c.value });
      return { grid: c.grid, row: c.row, period: c.period, value: c.value, version };
    });
    if (!changes.length) return answers;
    // The first saved change of a prepared plan makes it the commune's own: its preparation can no longer be undone.
    st.touchPlan.run({ planId, now: nowOf(ctx) });
    // The role rules, the submitted years and the trail, on the cells' own old → new values (a 403 or 409 rolls back).
    recordPlanChanges(ctx, db, planId, scope, scope, changes);
    return answers;
  });
}

/**
 * One target or actual of one indicator and one year (the grid's cell edit): 404 for an indicator of another plan,
 * 400 for a year outside the programme, 409 with `{ value, version }` stored now when the version is stale.
 */
export function updateIndicatorValue(
  ctx: ServiceContext & { planId: string; indicatorId: string; year: string; kind: 'target' | 'actual'; value: unknown; version: number },
): { value: number | null; version: number } {
  const programme = requireProgramme(ctx, requirePlanRow(ctx.db, ctx.planId).programmeId);
  const indicator = cellStatementsOf(ctx.db).indicatorAction.get({ indicatorId: ctx.indicatorId, planId: ctx.planId });
  if (!indicator) throw new NotFoundError("L'indicateur est introuvable dans ce plan");
  const cell = {
    grid: ctx.kind === 'target' ? 'indicator-target' : 'indicator-actual',
    row: ctx.indicatorId,
    period: ctx.year,
    value: ctx.value,
    version: ctx.version,
  };
  try {
    // The value comes from the route's body: parsed here as a cell of the grid, its issues named below.
    const { cells: edits } = parseOrThrow(UpdateCellsBody, { cells: [cell] });
    const [stored] = updateCells({ ...ctx, cells: edits });
    return { value: stored!.value, version: stored!.version };
  } catch (e) {
    if (e instanceof ConflictError && Array.isArray(e.current)) {
      const [current] = e.current as StoredCell[];
      throw new ConflictError(e.message, { value: current!.value, version: current!.version });
    }
    if (e instanceof ValidationError) {
      // The edit's only fields here are the year of the URL and the value of the body.
      const path = isProgrammeYear(programme, ctx.year) ? 'value' : 'year';
      throw new ValidationError(
        e.message,
        e.issues.map((i) => ({ ...i, path })),
      );
    }
    throw e;
  }
}
