/**
 * Values refused on screen before any request: a grid cell whose text does not parse or that its row's rule refuses,
 * a form field whose value the form's schema refuses. They are not sent, so the save queue never hears of them; the
 * status line counts them with the server's refusals, so that it never says "Enregistré" while one is on screen.
 * Each grid and form registers a counter; a counter answering `null` is gone (its page was left) and is dropped.
 */
export type RefusalKind = 'cell' | 'field';
type Counter = { kind: RefusalKind; count: () => number | null };

const counters = new Set<Counter>();
const listeners = new Set<() => void>();

/** Registers a counter of refused values; the result unregisters it. */
export function addLocalRefusals(kind: RefusalKind, count: () => number | null): () => void {
  const counter = { kind, count };
  counters.add(counter);
  return () => {
    counters.delete(counter);
    localRefusalsChanged();
  };
}

/** Tells the status line that a counter may have changed (a value refused or fixed, a page left). */
export function localRefusalsChanged(): void {
  for (const l of listeners) l();
}

/** Refused cells and fields on screen now. */
export function countLocalRefusals(): Record<RefusalKind, number> {
  const out: Record<RefusalKind, number> = { cell: 0, field: 0 };
  for (const c of counters) {
    const n = c.count();
    if (n === null) counters.delete(c);
    else out[c.kind] += n;
  }
  return out;
}

export function onLocalRefusals(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
