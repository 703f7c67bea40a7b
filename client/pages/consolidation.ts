import {
  CONSOLIDATION_DIMENSIONS,
  CONSOLIDATION_DIMENSION_LABELS,
  DEFAULT_CONSOLIDATION_DIMENSIONS,
  type ConsolidationDimension,
  type ConsolidationResponse,
  type RegionExportFormat,
  type RegionExportJob,
} from '../../schemas/consolidation.ts';
import type { Programme } from '../../schemas/reference.ts';
import { renderAttainmentBars, renderSubsidyScatter } from '../../schemas/charts/region-charts.ts';
import { api, send, failureMessage, NetworkFailure } from '../api.ts';
import { h, replaceChildren, svgNode } from '../dom.ts';
import { createGrid } from '../grid/grid.ts';
import { consolidationHref } from '../router.ts';
import { accountMenu } from './account.ts';
import { budgetColumns, budgetRows, dimensionsQuery, orderedDimensions, pivotColumns, pivotRows, transferColumns } from './consolidation-model.ts';

/**
 * « Consolidation » (DiCS and administrator): a programme's plans added up — the indicators pivoted by the chosen
 * dimensions in the application's read-only grid, the budgets by article and year, the transfers per year (art. 20
 * apart), two charts, and the flat XLSX / CSV downloads built by the server as jobs whose progress is shown.
 */

const POLL_MS = 300;
const MAX_NETWORK_MISSES = 20;

function download(url: string, filename: string): void {
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}

function readOnlyGrid<R>(label: string, columns: Parameters<typeof createGrid<R>>[1]['columns'], rows: R[], testId: string): HTMLElement {
  const host = h('div', { class: 'grid-host', 'data-testid': testId });
  createGrid<R>(host, { label, columns, rows, onChange: () => {}, canEdit: () => false, fixedColumns: 1 });
  return host;
}

export async function renderConsolidationPage(opts: { programmes: Programme[]; programmeId: string | null; lignes: string | null }): Promise<HTMLElement> {
  const published = opts.programmes.filter((p) => p.statut === 'publie');
  const programmeId = opts.programmeId ?? published[0]?.id ?? opts.programmes[0]?.id ?? '';
  const chosen = new Set<ConsolidationDimension>(
    (opts.lignes ?? DEFAULT_CONSOLIDATION_DIMENSIONS.join(','))
      .split(',')
      .filter((d): d is ConsolidationDimension => (CONSOLIDATION_DIMENSIONS as readonly string[]).includes(d)),
  );

  const programme = h(
    'select',
    { id: 'consolidation-programme', 'data-testid': 'consolidation-programme' },
    opts.programmes.map((p) => h('option', { value: p.id, selected: p.id === programmeId }, p.label)),
  );
  const boxes = CONSOLIDATION_DIMENSIONS.map((d) => {
    const box = h('input', { type: 'checkbox', value: d, checked: chosen.has(d), 'data-testid': `dimension-${d}` });
    return { d, box, el: h('label', { class: 'dimension-choice' }, box, ` ${CONSOLIDATION_DIMENSION_LABELS[d]}`) };
  });
  const apply = h('button', { type: 'submit', class: 'primary' }, 'Afficher');
  const form = h(
    'form',
    { class: 'consolidation-form' },
    h('div', { class: 'field' }, h('label', { for: 'consolidation-programme' }, 'Programme'), programme),
    h(
      'fieldset',
      null,
      h('legend', null, 'Lignes du tableau croisé'),
      boxes.map((b) => b.el),
    ),
    apply,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const lignes = dimensionsQuery(boxes.filter((b) => b.box.checked).map((b) => b.d));
    location.hash = consolidationHref(programme.value, lignes);
  });

  const lignes = dimensionsQuery(chosen);
  const body = h('div', { class: 'consolidation-body', 'aria-busy': 'true' }, h('p', null, 'Consolidation des plans…'));
  const result = (await send(api.region.consolidation.$get({ query: { programme: programmeId, lignes } }))) as ConsolidationResponse;
  const dims = orderedDimensions(result.dimensions);
  replaceChildren(
    body,
    h(
      'p',
      { class: 'hint', 'data-testid': 'consolidation-summary' },
      `${result.plans} plan${result.plans > 1 ? 's' : ''} du programme ${result.programme.label}. `,
      'Les nombres, montants et ETP s’additionnent entre plans ; les pourcentages, moyennes et scores ne s’additionnent pas : ',
      'leur ligne montre la moyenne des plans. Une valeur non renseignée ne compte pas (elle n’est pas zéro) ; « % atteint » compare ',
      'réalisés et cibles des seuls plans qui ont les deux.',
    ),
    h('h2', null, 'Indicateurs'),
    readOnlyGrid('Indicateurs consolidés', pivotColumns(dims), pivotRows(result), 'consolidation-pivot'),
    h(
      'div',
      { class: 'consolidation-charts' },
      h(
        'figure',
        { 'data-testid': 'chart-scatter' },
        svgNode(renderSubsidyScatter(result.communes.map((c) => ({ label: c.porteur, isadf: c.isadf, subvention: c.subvention })))),
      ),
      h(
        'figure',
        { 'data-testid': 'chart-attainment' },
        svgNode(renderAttainmentBars(result.objectifs.map((o) => ({ label: o.objectif, atteint: o.atteint, count: o.indicateurs })))),
      ),
    ),
    h('h2', null, 'Budgets par article (Σ des plans)'),
    readOnlyGrid('Budgets consolidés', budgetColumns(result.programme.years), budgetRows(result), 'consolidation-budgets'),
    h('h2', null, 'Transferts aux partenaires par année'),
    readOnlyGrid('Transferts consolidés', transferColumns(), result.transferts, 'consolidation-transfers'),
  );
  body.removeAttribute('aria-busy');

  return h(
    'main',
    { id: 'main', class: 'plans-page consolidation-page' },
    h('header', { class: 'app-header' }, h('h1', null, 'Consolidation des plans'), h('p', null, h('a', { href: '#/' }, 'Plans')), accountMenu()),
    form,
    h('div', { class: 'consolidation-downloads' }, exportControl(programmeId, 'xlsx'), exportControl(programmeId, 'csv')),
    body,
  );
}

/** A download button whose file the server builds as a job; a progress bar follows it. */
function exportControl(programme: string, format: RegionExportFormat): HTMLElement {
  const label = format === 'xlsx' ? 'Télécharger en XLSX' : 'Télécharger en CSV';
  const button = h('button', { type: 'button', 'data-testid': `export-${format}` }, label);
  const bar = h('progress', {
    max: 1,
    value: 0,
    'data-testid': `export-${format}-progress`,
    'aria-label': `Avancement de l’export ${format.toUpperCase()}`,
    hidden: true,
  });
  const message = h('span', { class: 'hint', role: 'status', 'data-testid': `export-${format}-message` });
  const el = h('div', { class: 'export-control' }, button, bar, message);

  const show = (job: RegionExportJob) => {
    bar.value = job.progress;
    message.textContent = job.message;
  };

  button.addEventListener('click', async () => {
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    message.textContent = 'Demande envoyée au serveur…';
    try {
      let job = (await send(api.region.exports.$post({ json: { programme, format } }))) as RegionExportJob;
      show(job);
      let misses = 0;
      while (job.state === 'queued' || job.state === 'running') {
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (!el.isConnected) return;
        try {
          job = (await send(api.region.exports[':jobId'].$get({ param: { jobId: job.id } }))) as RegionExportJob;
          misses = 0;
        } catch (err) {
          if (err instanceof NetworkFailure && ++misses < MAX_NETWORK_MISSES) continue;
          throw err;
        }
        show(job);
      }
      if (job.state === 'done' && job.fileUrl) {
        message.textContent = `Prêt : ${job.filename}`;
        download(job.fileUrl, job.filename);
      } else {
        message.textContent = job.error ? `${job.message} (${job.error})` : job.message;
      }
    } catch (err) {
      message.textContent = failureMessage(err);
    } finally {
      button.disabled = false;
    }
  });
  return el;
}
