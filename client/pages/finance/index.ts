import type { FinanceView } from '../../router.ts';
import type { Page, PageContext } from '../context.ts';
import { financeYear } from './common.ts';
import { renderBudgets } from './budgets.ts';
import { renderImputations } from './imputations.ts';
import { renderRapprochement } from './rapprochement.ts';
import { renderTransfertsParAnnee } from './transferts.ts';

/**
 * The "Finances" group of the plan: the finance officer's pages, the reconciliation first. Each page shows one
 * programme year (the address's, else the last finished year of the programme); the imputations can show all years.
 */
export const FINANCE_PAGES: { id: FinanceView; title: string; render: (ctx: PageContext, year: number | null) => Page }[] = [
  { id: 'rapprochement', title: 'Rapprochement', render: (ctx, year) => renderRapprochement(ctx, financeYear(ctx.store, year)) },
  { id: 'budgets', title: 'Budgets annuels', render: (ctx, year) => renderBudgets(ctx, financeYear(ctx.store, year)) },
  { id: 'transferts', title: 'Transferts par année', render: (ctx, year) => renderTransfertsParAnnee(ctx, financeYear(ctx.store, year)) },
  {
    id: 'imputations',
    title: 'Imputations E-compte',
    render: (ctx, year) => renderImputations(ctx, year !== null && ctx.store.years.includes(year) ? year : null),
  },
];

export function renderFinancePage(ctx: PageContext, view: FinanceView, year: number | null): Page {
  return (FINANCE_PAGES.find((p) => p.id === view) ?? FINANCE_PAGES[0]!).render(ctx, year);
}
