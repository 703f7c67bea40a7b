import type { CellGrid } from '../../schemas/cells.ts';
import { attachJustifications, checkPlan, type Finding, type JustifiedFinding } from '../../schemas/checks.ts';
import type { Plan, SectionKey } from '../../schemas/plan.ts';
import type { Catalogue, Programme } from '../../schemas/reference.ts';
import type { Action } from '../../schemas/action.ts';
import type { Indicator } from '../../schemas/indicator.ts';

/**
 * The plan being edited, in the browser: the server's plan plus the user's edits not yet confirmed. Pages read it
 * and change it through these methods; listeners (totals, checks panel, status) are told after every change.
 * `external` changes (a value taken from the server after a conflict) make the current page redraw.
 */
export type ChangeReason = 'local' | 'saved' | 'external';

/**
 * The yearly grids edited cell by cell: the server's cell grids plus the partners' yearly transfers
 * (row = transfer id, period = year; blank = the fiche plan's annual amount).
 */
export type EditableGrid = CellGrid | 'transfer';

export class PlanStore {
  private listeners = new Set<(reason: ChangeReason) => void>();
  readonly years: number[];

  constructor(
    public plan: Plan,
    readonly programme: Programme,
    readonly catalogue: Catalogue,
  ) {
    this.years = programme.years;
  }

  subscribe(listener: (reason: ChangeReason) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(reason: ChangeReason): void {
    for (const l of this.listeners) l(reason);
  }

  /** The findings of the plan as edited, by the same rules as `GET /api/plans/:id/checks`. */
  checks(): Finding[] {
    return checkPlan(this.plan, this.programme, this.catalogue);
  }

  /** The findings with the finance officer's justifications (outdated ones marked), as `GET …/checks` answers. */
  justifiedChecks(): JustifiedFinding[] {
    return attachJustifications(this.checks(), this.plan.justifications ?? []);
  }

  action(actionId: string): Action | undefined {
    return this.plan.actions.find((a) => a.id === actionId);
  }

  indicator(indicatorId: string): { action: Action; indicator: Indicator } | undefined {
    for (const action of this.plan.actions) {
      const indicator = action.indicators.find((i) => i.id === indicatorId);
      if (indicator) return { action, indicator };
    }
    return undefined;
  }

  setSection<K extends SectionKey>(section: K, data: Plan[K]): void {
    (this.plan as Record<SectionKey, unknown>)[section] = data;
  }

  cellValue(grid: EditableGrid, row: string, period: string): number | null {
    if (grid === 'transfer') return this.plan.transferts.find((t) => t.id === row)?.parAnnee?.[period] ?? null;
    if (grid === 'time') return this.plan.repartitionTemps[row as keyof Plan['repartitionTemps']]?.[period] ?? null;
    if (grid === 'consumption') return this.plan.consommation[period] ?? null;
    const cell = this.indicator(row)?.indicator.values[period];
    return (grid === 'indicator-target' ? cell?.target : cell?.actual) ?? null;
  }

  cellVersion(grid: EditableGrid, row: string, period: string): number {
    if (grid === 'transfer') return this.plan.cellVersions.transfer?.[row]?.[period] ?? 0;
    if (grid === 'time') return this.plan.cellVersions.time[row]?.[period] ?? 0;
    if (grid === 'consumption') return this.plan.cellVersions.consumption[period] ?? 0;
    const cell = this.indicator(row)?.indicator.values[period];
    return (grid === 'indicator-target' ? cell?.targetVersion : cell?.actualVersion) ?? 0;
  }

  /** Sets a cell's value and, when given, its version (a saved or a server value). */
  setCell(grid: EditableGrid, row: string, period: string, value: number | null, version?: number): void {
    if (grid === 'transfer') {
      const transfer = this.plan.transferts.find((t) => t.id === row);
      if (!transfer) return;
      (transfer.parAnnee ??= {})[period] = value;
      if (version !== undefined) ((this.plan.cellVersions.transfer ??= {})[row] ??= {})[period] = version;
      return;
    }
    if (grid === 'time') {
      const byPeriod = ((this.plan.repartitionTemps as Record<string, Record<string, number | null>>)[row] ??= {});
      byPeriod[period] = value;
      if (version !== undefined) (this.plan.cellVersions.time[row] ??= {})[period] = version;
      return;
    }
    if (grid === 'consumption') {
      this.plan.consommation[period] = value;
      if (version !== undefined) this.plan.cellVersions.consumption[period] = version;
      return;
    }
    const found = this.indicator(row);
    if (!found) return;
    const cell = (found.indicator.values[period] ??= { target: null, actual: null, targetVersion: 0, actualVersion: 0 });
    if (grid === 'indicator-target') {
      cell.target = value;
      if (version !== undefined) cell.targetVersion = version;
    } else {
      cell.actual = value;
      if (version !== undefined) cell.actualVersion = version;
    }
  }
}
