import { formatBelgianNumber } from '../../schemas/numbers.ts';
import type { PdfJob } from '../../schemas/pdf-export.ts';
import { api, send, ApiFailure, NetworkFailure } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import { toast } from '../ui/dialog.ts';
import { yearSelect } from '../ui/year-select.ts';
import { choosePlanYear, planYear, subscribePlanYear } from '../state/plan-year.ts';
import type { PageContext } from './context.ts';
import { waitForSaves } from './saves.ts';

/**
 * The official PDF report in the plan header: the report year (one of the programme's years) and "Exporter en PDF".
 * The server renders the document as a job; the page follows it (progress bar, stage, elapsed time, place in the
 * queue) in a small panel under the button, downloads the file when it is ready and keeps a link to download it
 * again.
 */

/** How often the page asks the server where the render is. */
const POLL_MS = 300;

/** Consecutive polls without an answer before the page gives up (about 6 s). */
const MAX_NETWORK_MISSES = 20;

/** "0,3 s", "12,4 s". */
function seconds(ms: number): string {
  return `${formatBelgianNumber(Math.round(ms / 100), 1)} s`;
}

/** Starts a browser download of `url` as a user's click on a download link would. */
function download(url: string, filename: string): void {
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}

export function pdfExportControl(ctx: PageContext): HTMLElement {
  // The report year is the plan's current year: the one of the page shown (Rapport annuel 2022 → 2022), and the
  // other pages follow a year chosen here.
  const yearField = yearSelect({
    years: ctx.store.years,
    value: planYear(ctx.store),
    testId: 'pdf-year',
    onChange: (y) => {
      if (y !== null) choosePlanYear(ctx.store, y);
    },
  });
  const select = yearField.select;
  select.title = 'Année du rapport PDF';
  subscribePlanYear(ctx.store, (y) => {
    if (!running) yearField.set(y);
  });

  const panelId = uid('pdf-progress');
  const button = h(
    'button',
    {
      type: 'button',
      class: 'header-button',
      'data-testid': 'export-pdf',
      'aria-controls': panelId,
      title: 'Générer le rapport annuel du plan au format PDF et le télécharger',
    },
    'Exporter en PDF',
  );

  const title = h('p', { class: 'pdf-progress-title' });
  const bar = h('progress', { max: 1, value: 0, 'data-testid': 'pdf-progress-bar', 'aria-label': 'Avancement du PDF' });
  const message = h('p', { class: 'pdf-progress-message', 'data-testid': 'pdf-progress-message' });
  const detail = h('p', { class: 'pdf-progress-detail', 'data-testid': 'pdf-progress-detail' });
  const ready = h('div', { class: 'pdf-ready' });
  const closeButton = h('button', { type: 'button', class: 'pdf-progress-close', 'aria-label': 'Fermer', title: 'Fermer' }, '×');
  const panel = h(
    'div',
    { id: panelId, class: 'pdf-progress', role: 'status', 'aria-live': 'polite', 'data-testid': 'pdf-progress', hidden: true },
    closeButton,
    title,
    bar,
    message,
    detail,
    ready,
  );
  closeButton.addEventListener('click', () => {
    panel.hidden = true;
    button.focus();
  });

  const el = h('div', { class: 'pdf-export', role: 'group', 'aria-label': 'Rapport PDF' }, yearField.el, button, panel);

  let running = false;

  function setRunning(on: boolean): void {
    running = on;
    button.disabled = on;
    select.disabled = on;
    panel.setAttribute('aria-busy', String(on));
  }

  function showJob(job: PdfJob): void {
    panel.dataset.state = job.state;
    bar.value = job.progress;
    message.textContent = job.message;
    // The message says the stage, its share and, while waiting, how many documents are ahead.
    detail.textContent = `Temps écoulé : ${seconds(job.elapsedMs)}`;
  }

  function showFailure(text: string): void {
    panel.dataset.state = 'failed';
    message.textContent = text;
    replaceChildren(ready);
    toast(text, 'error');
  }

  function showReady(job: PdfJob & { fileUrl: string }): void {
    replaceChildren(
      ready,
      h('p', { class: 'pdf-ready-name' }, 'PDF prêt : ', h('strong', null, job.filename)),
      h('a', { href: job.fileUrl, download: job.filename, class: 'pdf-download', 'data-testid': 'pdf-download' }, 'Télécharger à nouveau'),
    );
  }

  async function run(): Promise<void> {
    if (running) return;
    const annee = Number(select.value);
    setRunning(true);
    panel.hidden = false;
    panel.dataset.state = 'queued';
    title.textContent = `Rapport ${annee} en PDF`;
    bar.value = 0;
    message.textContent = 'Demande envoyée au serveur…';
    detail.textContent = '';
    replaceChildren(ready);
    try {
      // Edits still being saved would be missing from the document: wait for them first.
      if (ctx.queue.pending > 0) {
        message.textContent = 'Enregistrement des modifications en cours : le PDF suivra.';
        if (!(await waitForSaves(ctx))) {
          toast('Des modifications ne sont pas encore enregistrées : le PDF ne les contiendra pas.', 'error');
        }
      }
      let job = await send(api.plans[':planId']['pdf-jobs'].$post({ param: { planId: ctx.planId }, json: { annee } }));
      showJob(job);
      let misses = 0;
      while (job.state === 'queued' || job.state === 'rendering') {
        await new Promise((r) => setTimeout(r, POLL_MS));
        // The plan was closed meanwhile: nobody is waiting for this document any more.
        if (!el.isConnected) return;
        try {
          job = await send(api.plans[':planId']['pdf-jobs'][':jobId'].$get({ param: { planId: ctx.planId, jobId: job.id } }));
          misses = 0;
        } catch (err) {
          if (err instanceof NetworkFailure && ++misses < MAX_NETWORK_MISSES) continue;
          throw err;
        }
        showJob(job);
      }
      if (job.state === 'done' && job.fileUrl) {
        showReady({ ...job, fileUrl: job.fileUrl });
        download(job.fileUrl, job.filename);
      } else {
        // The server's reason (over time, over memory, renderer stopped…) when it gave one.
        showFailure(job.error || job.message || 'La génération du PDF a échoué');
      }
    } catch (err) {
      showFailure(
        err instanceof ApiFailure
          ? err.body.message
          : err instanceof NetworkFailure
            ? 'Le serveur ne répond pas : vérifiez la connexion puis relancez l’export PDF.'
            : `Erreur inattendue : ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      setRunning(false);
    }
  }

  button.addEventListener('click', () => void run());
  return el;
}
