import { h } from '../dom.ts';
import { countLocalRefusals, onLocalRefusals } from '../state/local-refusals.ts';
import type { SaveQueue, SaveStatus } from '../state/save-queue.ts';

/** "1 cellule refusée", "3 cellules refusées", "2 cellules refusées, 1 champ refusé". */
export function refusedText(cells: number, fields: number): string {
  const parts = [];
  if (cells) parts.push(cells > 1 ? `${cells} cellules refusées` : `${cells} cellule refusée`);
  if (fields) parts.push(fields > 1 ? `${fields} champs refusés` : `${fields} champ refusé`);
  return parts.join(', ');
}

/**
 * The save status line: Enregistré / Enregistrement… / Hors ligne — modifications en attente / n cellule(s)
 * refusée(s) / Non enregistré : … / Lecture seule. Refused cells are those the server refused (kept by the save
 * queue until fixed) and those the grids and forms on screen refuse themselves (`local-refusals.ts`: text that does
 * not parse, a rule of the row or the form): while any remains the line never says "Enregistré". A person who may change nothing in the plan reads
 * "Lecture seule", not "Enregistré".
 */
export function statusLine(queue: SaveQueue, options: { isReadOnly?: () => boolean } = {}): HTMLElement {
  const el = h('p', { class: 'save-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'save-status' });
  let status: SaveStatus = queue.status();
  const render = () => {
    const s = status;
    const here = countLocalRefusals();
    const cells = (s.state === 'refused' ? s.cells : 0) + here.cell;
    el.removeAttribute('title');
    if (s.state === 'offline') {
      el.dataset.state = 'offline';
      el.textContent = `Hors ligne — modifications en attente (${s.pending})`;
    } else if (cells + here.field > 0) {
      el.dataset.state = 'refused';
      el.textContent = refusedText(cells, here.field);
      el.title = s.state === 'refused' ? s.message : 'Voir les cellules marquées en rouge : leur info-bulle dit pourquoi';
    } else if (s.state === 'error') {
      el.dataset.state = 'error';
      el.textContent = `Non enregistré : ${s.message}`;
    } else if (s.state === 'saving') {
      el.dataset.state = 'saving';
      el.textContent = 'Enregistrement…';
    } else if (options.isReadOnly?.()) {
      el.dataset.state = 'read-only';
      el.textContent = 'Lecture seule';
    } else {
      el.dataset.state = 'saved';
      el.textContent = 'Enregistré';
    }
  };
  queue.onStatus((s) => {
    status = s;
    render();
  });
  onLocalRefusals(render);
  return el;
}
