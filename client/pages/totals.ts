import { h, replaceChildren } from '../dom.ts';

/**
 * A box of live figures under a grid: label, value, and a verdict (ok / wrong) with the reason. Figures come from
 * the shared functions of `schemas/`; this only lays them out.
 */
export type Figure = { label: string; value: string; status?: 'ok' | 'error' | 'warning'; note?: string; testId?: string };

export function totalsBox(title: string): { el: HTMLElement; update(figures: Figure[]): void } {
  const list = h('dl', { class: 'totals-list' });
  const el = h('section', { class: 'totals', 'aria-live': 'polite' }, h('h2', null, title), list);
  return {
    el,
    update(figures) {
      replaceChildren(
        list,
        figures.map((f) =>
          h(
            'div',
            { class: `figure ${f.status ?? ''}`, 'data-testid': f.testId ?? null },
            h('dt', null, f.label),
            h('dd', null, h('span', { class: 'value' }, f.value), f.note ? h('span', { class: 'note' }, ` ${f.note}`) : null),
          ),
        ),
      );
    },
  };
}
