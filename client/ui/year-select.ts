import { h, uid } from '../dom.ts';

/**
 * The one year selector of the interface (plan header, Rapport annuel, Rapprochement, Budgets annuels, Transferts
 * par année, Imputations E-compte): the label « Année », one option per programme year written as the year alone,
 * and, where a page can show every year at once, one more option first (`allLabel`).
 */
export type YearSelect = { el: HTMLElement; select: HTMLSelectElement; set(year: number | null): void };

export const YEAR_SELECT_LABEL = 'Année';

export function yearSelect(opts: {
  years: readonly number[];
  value: number | null;
  onChange: (year: number | null) => void;
  testId: string;
  allLabel?: string;
}): YearSelect {
  const id = uid('year');
  const select = h(
    'select',
    { id, class: 'year-select', 'data-testid': opts.testId },
    opts.allLabel ? h('option', { value: '' }, opts.allLabel) : null,
    opts.years.map((y) => h('option', { value: y }, String(y))),
  );
  const set = (year: number | null) => {
    select.value = year === null ? '' : String(year);
  };
  set(opts.value);
  select.addEventListener('change', () => opts.onChange(select.value === '' ? null : Number(select.value)));
  return { el: h('div', { class: 'year-field' }, h('label', { for: id }, YEAR_SELECT_LABEL), select), select, set };
}
