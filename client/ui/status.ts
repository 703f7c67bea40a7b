import { h } from '../dom.ts';
import type { SaveQueue, SaveStatus } from '../state/save-queue.ts';

/** The save status line: Enregistré / Enregistrement… / Hors ligne — modifications en attente / error. */
export function statusLine(queue: SaveQueue): HTMLElement {
  const el = h('p', { class: 'save-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'save-status' });
  const render = (s: SaveStatus) => {
    el.dataset.state = s.state;
    switch (s.state) {
      case 'saved':
        el.textContent = 'Enregistré';
        break;
      case 'saving':
        el.textContent = 'Enregistrement…';
        break;
      case 'offline':
        el.textContent = `Hors ligne — modifications en attente (${s.pending})`;
        break;
      case 'error':
        el.textContent = `Non enregistré : ${s.message}`;
        break;
    }
  };
  queue.onStatus(render);
  return el;
}
