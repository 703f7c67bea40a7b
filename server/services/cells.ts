import type { z } from 'zod';
import { and, eq, inArray } from 'drizzle-orm';
import { actions, cells, indicators, transfers } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ConflictError, NotFoundError, ValidationError, parseOrThrow } from '../errors.ts';
import { cellPathOf, describeCell, type CellEdit, type StoredCell } from '../../schemas/cells.ts';
import { UpdateCellsBody } from '../../schemas/requests/actions.ts';
import { TIME_CATEGORY_CODES } from '../../schemas/enums.ts';
import { indicatorValue } from '../../schemas/indicator.ts';
import { cents, percentHundredths } from '../../schemas/primitives.ts';
import { TIME_PERIOD_EX_ANTE, TIME_PERIOD_EX_POST } from '../../schemas/plan.ts';
import type { Unit } from '../../schemas/numbers.ts';
import type { ApiIssue } from '../../schemas/errors.ts';
import { pathOfIssue } from '../../schemas/plan-path.ts';
import { isProgrammeYear, programmeSpan, type Programme, yearOutsideProgramme } from '../../schemas/reference.ts';
import { CONSUMPTION_ROW, readPlan, requirePlanRow, storeCell } from './plan-store.ts';
import { mutatePlan } from './mutate.ts';
import { requireProgramme, type ServiceContext } from './context.ts';

type IndicatorUnits = Map<string, Unit>;
/** What a cell edit needs to know of the plan: its indicators' units and its transfers' ids. */
type CellTargets = { units: IndicatorUnits; transferIds: Set<string> };

/** Units of the plan's indicators, by id. */
function indicatorUnitsOf(db: DbOrTx, planId: string): IndicatorUnits {
  const rows = db
    .select({ id: indicators.id, unit: indicators.unit })
    .from(indicators)
    .innerJoin(actions, eq(actions.id, indicators.actionId))
    .where(eq(actions.planId, planId))
    .all();
  return new Map(rows.map((r) => [r.id, r.unit]));
}

function cellTargetsOf(db: DbOrTx, planId: string): CellTargets {
  const ids = db.select({ id: transfers.id }).from(transfers).where(eq(transfers.planId, planId)).all();
  return { units: indicatorUnitsOf(db, planId), transferIds: new Set(ids.map((r) => r.id)) };
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
    schema = indicatorValue(unit);
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
 * Writes a block of cells as one change: every cell is validated and version-checked first; one bad value
 * answers 400 and one stale version answers 409 with what is stored now, and then nothing is written.
 * A written cell's version goes up by one, a cell sent with its stored value keeps its version; a blanked cell keeps
 * its row (so versions never go back).
 */
export function updateCells(ctx: ServiceContext & { planId: string } & UpdateCellsBody): StoredCell[] {
  const edits = ctx.cells;
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const programme = requireProgramme(ctx, requirePlanRow(db, ctx.planId).programmeId);
      const targets = cellTargetsOf(db, ctx.planId);
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
      // Only a failing edit pays for reading the whole plan, to name each cell as people know it.
      const describe = () => readPlan(db, ctx.planId);
      if (problems.length) {
        const planActions = describe();
        const issues: ApiIssue[] = problems.map((p) => ({
          path: pathOfIssue(['cells', p.index, 'value']),
          message: `${describeCell(planActions, p.cell)} : ${p.message}`,
        }));
        throw new ValidationError(issues[0]!.message, issues);
      }

      const existing = new Map(
        db
          .select()
          .from(cells)
          .where(and(eq(cells.planId, ctx.planId), inArray(cells.grid, [...new Set(edits.map((c) => c.grid))])))
          .all()
          .map((c) => [keyOf({ grid: c.grid, row: c.rowKey, period: c.period }), c]),
      );
      const conflicts: StoredCell[] = [];
      for (const cell of edits) {
        const stored = existing.get(keyOf(cell));
        const version = stored?.version ?? 0;
        if (version !== cell.version) {
          conflicts.push({ grid: cell.grid, row: cell.row, period: cell.period, value: stored?.value ?? null, version });
        }
      }
      if (conflicts.length) {
        throw new ConflictError(`${describeCell(describe(), conflicts[0]!)} a été modifié(e) entre-temps : choisissez la valeur à garder`, conflicts);
      }

      return parsed.map((cell) => {
        const c = cell!;
        // Only a real change moves a cell's version: the same value again is answered as stored.
        const stored = existing.get(keyOf(c));
        if ((stored?.value ?? null) === c.value) return { grid: c.grid, row: c.row, period: c.period, value: c.value, version: stored?.version ?? 0 };
        const version = storeCell(db, ctx.planId, { grid: c.grid, rowKey: c.row, period: c.period, value: c.value, indicatorId: c.indicatorId }, c.version);
        return { grid: c.grid, row: c.row, period: c.period, value: c.value, version };
      });
    },
    {
      verifyIntegrity: false,
      unchanged: (db) => storedCellsOf(db, ctx.planId, edits),
      // Where each cell is, decided before any value is compared: a cell the role may not write is refused even unchanged.
      addresses: (plan) => edits.map((cell) => cellPathOf(plan, cell)).filter((p) => p !== null),
    },
  );
}

/** The cells of `edits` as stored now (version 0 and blank for a cell never written). */
function storedCellsOf(db: DbOrTx, planId: string, edits: readonly CellEdit[]): StoredCell[] {
  return edits.map((e) => {
    const stored = db
      .select()
      .from(cells)
      .where(and(eq(cells.planId, planId), eq(cells.grid, e.grid), eq(cells.rowKey, e.row), eq(cells.period, e.period)))
      .get();
    return { grid: e.grid, row: e.row, period: e.period, value: stored?.value ?? null, version: stored?.version ?? 0 };
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
  if (!indicatorUnitsOf(ctx.db, ctx.planId).has(ctx.indicatorId)) throw new NotFoundError("L'indicateur est introuvable dans ce plan");
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
