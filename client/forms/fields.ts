import type { z } from 'zod';
import { formatBelgianNumber, parseBelgianNumber } from '../../schemas/numbers.ts';
import { buildPath, isPathWithin, pathOfIssue, splitPath } from '../../schemas/plan-path.ts';
import { h, uid } from '../dom.ts';
import { addLocalRefusals, localRefusalsChanged } from '../state/local-refusals.ts';

/**
 * Form controls bound to a document (a section of the fiche plan, or an action with its fiche). Each control
 * edits one path, validates the whole document with its zod schema (the same as the server's) and saves it when
 * valid; an invalid value stays on screen with its French message and is not sent, and counts as a refused field
 * in the save status line until fixed.
 */

export type Binding<D extends object = Record<string, unknown>> = {
  /** The document being edited (a working copy the controls mutate, path by path). */
  doc: D;
  schema: z.ZodType;
  /** Path of the document in the plan, for `data-path` (e.g. `budget`, `actions.3`). */
  pathPrefix: string;
  /** Saves the validated document. */
  save: (data: unknown) => void;
  /**
   * May the person change the value at this path of the document (their role's write rules)? A control they may
   * not is read-only and its value is never sent. Default: every path.
   */
  canWrite?: (path: string) => boolean;
  /** Why a control is read-only, as its tooltip ("Votre rôle (…) ne permet pas de modifier ce champ"). */
  readOnlyReason?: string;
};

type Path = (string | number)[];

export function getAt(doc: unknown, path: Path): unknown {
  let cur = doc;
  for (const p of path) cur = cur === null || cur === undefined ? undefined : (cur as Record<string | number, unknown>)[p];
  return cur;
}

export function setAt(doc: object, path: Path, value: unknown): void {
  let cur = doc as Record<string | number, unknown>;
  path.slice(0, -1).forEach((p, i) => {
    if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = typeof path[i + 1] === 'number' ? [] : {};
    cur = cur[p] as Record<string | number, unknown>;
  });
  cur[path[path.length - 1]!] = value;
}

/** The keys of a path in the form's document: its rows are positions, so numeric parts index arrays. */
/** How a control marks a stored value that is not in the programme's list (any more). */
const OUT_OF_LIST = '(hors liste du programme)';

const keysOf = (path: string): Path => splitPath(path).map((p) => (/^\d+$/.test(p) ? Number(p) : p));

export class FormBinder<D extends object = Record<string, unknown>> {
  private errors = new Map<string, HTMLElement>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(readonly binding: Binding<D>) {
    // The fields showing a refusal; the form is gone once none of its fields is on screen any more.
    addLocalRefusals('field', () => {
      const fields = [...this.errors.values()];
      if (fields.length && !fields.some((el) => el.isConnected)) return null;
      return fields.filter((el) => !el.hidden).length;
    });
  }

  /** May the person change `path` of the document? */
  canWrite(path: string): boolean {
    return this.binding.canWrite?.(path) ?? true;
  }

  /**
   * Validates and saves after the user changed `path`; shows the message of that path if invalid. Answers the
   * document's validation issues (none when valid or when the check waits for its debounce).
   */
  commit(path: string, value: unknown, delay = 0): readonly z.core.$ZodIssue[] {
    if (!this.canWrite(path)) return [];
    setAt(this.binding.doc, keysOf(path), value);
    const run = (): readonly z.core.$ZodIssue[] => {
      this.timers.delete(path);
      const r = this.binding.schema.safeParse(this.binding.doc);
      for (const [p, el] of this.errors) {
        const issue = r.success ? undefined : r.error.issues.find((i) => isPathWithin(pathOfIssue(i.path), p));
        showError(el, issue?.message ?? null);
      }
      localRefusalsChanged();
      if (r.success) this.binding.save(r.data);
      return r.success ? [] : r.error.issues;
    };
    clearTimeout(this.timers.get(path));
    if (delay) {
      this.timers.set(path, setTimeout(run, delay));
      return [];
    }
    return run();
  }

  /** Sends what is waiting for its debounce now (before leaving the page). */
  flush(): void {
    for (const [path, t] of this.timers) {
      clearTimeout(t);
      this.timers.delete(path);
      this.commit(path, getAt(this.binding.doc, keysOf(path)));
    }
  }

  private wrap(path: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
    const id = uid('f');
    control.id = id;
    control.dataset.path = buildPath(this.binding.pathPrefix, path);
    const error = h('p', { class: 'field-error', id: `${id}-err`, role: 'alert', hidden: true });
    control.setAttribute('aria-describedby', `${id}-err`);
    this.errors.set(path, error);
    const locked = !this.canWrite(path);
    if (locked) this.lock(control);
    return h(
      'div',
      { class: locked ? 'field field-readonly' : 'field' },
      h('label', { for: id }, label),
      hint ? h('p', { class: 'hint' }, hint) : null,
      control,
      error,
    );
  }

  /** A control the person may not change: texts stay selectable (read-only), choices are disabled. */
  private lock(control: HTMLElement): void {
    if (control instanceof HTMLInputElement && (control.type === 'radio' || control.type === 'checkbox')) control.disabled = true;
    else if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) control.readOnly = true;
    else if (control instanceof HTMLSelectElement) control.disabled = true;
    if (this.binding.readOnlyReason) control.title = this.binding.readOnlyReason;
  }

  text(path: string, label: string, opts: { long?: boolean; type?: string; hint?: string } = {}): HTMLElement {
    const value = (getAt(this.binding.doc, keysOf(path)) as string | null) ?? '';
    const control = opts.long ? h('textarea', { rows: 5 }) : h('input', { type: opts.type ?? 'text', autocomplete: 'off' });
    (control as HTMLInputElement).value = value;
    control.addEventListener('input', () => {
      const v = (control as HTMLInputElement).value;
      this.commit(path, v.trim() === '' ? null : opts.long ? v : v.trim(), 600);
    });
    return this.wrap(path, label, control, opts.hint);
  }

  /** A Belgian number; `plain` shows it without thousands separators (a year reads "AAAA", never with a thousands dot). */
  number(path: string, label: string, scale: number, opts: { suffix?: string; plain?: boolean } = {}): HTMLElement {
    const current = getAt(this.binding.doc, keysOf(path)) as number | null;
    const show = (v: number) => (opts.plain ? formatBelgianNumber(v, scale).replace(/\./g, '') : formatBelgianNumber(v, scale));
    const control = h('input', { type: 'text', inputmode: 'decimal', class: 'num', autocomplete: 'off' });
    control.value = current === null || current === undefined ? '' : show(current);
    const field = this.wrap(path, opts.suffix ? `${label} (${opts.suffix})` : label, control);
    control.addEventListener('change', () => {
      const t = control.value.trim();
      if (t === '') return this.commit(path, null);
      const r = parseBelgianNumber(t, scale);
      const err = this.errors.get(path)!;
      if (!r.ok) {
        showError(err, r.message);
        localRefusalsChanged();
        return;
      }
      control.value = show(r.value);
      this.commit(path, r.value);
    });
    return field;
  }

  date(path: string, label: string): HTMLElement {
    const control = h('input', { type: 'date' });
    control.value = (getAt(this.binding.doc, keysOf(path)) as string | null) ?? '';
    control.addEventListener('change', () => this.commit(path, control.value === '' ? null : control.value));
    return this.wrap(path, label, control);
  }

  select(
    path: string,
    label: string,
    options: readonly (string | { value: string; label: string })[],
    opts: { onChange?: (v: string | null) => void } = {},
  ): HTMLElement {
    const current = getAt(this.binding.doc, keysOf(path)) as string | null;
    const listed = options.some((o) => (typeof o === 'string' ? o : o.value) === current);
    // A value stored before its list changed (another programme's wording) stays shown until someone changes it.
    const shown = current === null || current === undefined || listed ? options : [...options, { value: current, label: `${current} ${OUT_OF_LIST}` }];
    const control = h(
      'select',
      null,
      h('option', { value: '' }, '— non renseigné —'),
      shown.map((o) => {
        const { value, label: text } = typeof o === 'string' ? { value: o, label: o } : o;
        return h('option', { value, selected: value === current }, text);
      }),
    );
    control.addEventListener('change', () => {
      const v = control.value === '' ? null : control.value;
      this.commit(path, v);
      opts.onChange?.(v);
    });
    return this.wrap(path, label, control);
  }

  yesno(path: string, label: string): HTMLElement {
    const current = getAt(this.binding.doc, keysOf(path)) as boolean | null;
    const name = uid('yn');
    const choice = (value: string, text: string, checked: boolean) => {
      const input = h('input', { type: 'radio', name, value, checked });
      input.addEventListener('change', () => this.commit(path, value === 'oui' ? true : value === 'non' ? false : null));
      return h('label', { class: 'inline' }, input, text);
    };
    const group = h(
      'div',
      { class: 'radios', role: 'radiogroup' },
      choice('oui', 'Oui', current === true),
      choice('non', 'Non', current === false),
      choice('', 'Non renseigné', current === null || current === undefined),
    );
    return this.wrapGroup(path, label, group);
  }

  checkboxes(path: string, label: string, options: readonly string[]): HTMLElement {
    const current = new Set((getAt(this.binding.doc, keysOf(path)) as string[] | null) ?? []);
    // Values stored before the list changed stay shown (and kept) until someone unticks them.
    const all = [...options, ...[...current].filter((v) => !options.includes(v))];
    const group = h(
      'div',
      { class: 'checks' },
      all.map((o) => {
        const input = h('input', { type: 'checkbox', value: o, checked: current.has(o) });
        input.addEventListener('change', () => {
          if (input.checked) current.add(o);
          else current.delete(o);
          this.commit(
            path,
            all.filter((x) => current.has(x)),
          );
        });
        return h('label', { class: 'inline' }, input, options.includes(o) ? o : `${o} ${OUT_OF_LIST}`);
      }),
    );
    return this.wrapGroup(path, label, group);
  }

  /** A list of short texts, one per line (communes, e-mail addresses…). */
  lines(path: string, label: string, hint = 'Une entrée par ligne'): HTMLElement {
    const control = h('textarea', { rows: 3 });
    control.value = ((getAt(this.binding.doc, keysOf(path)) as string[] | null) ?? []).join('\n');
    control.addEventListener('input', () => {
      const items = control.value
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
      this.commit(path, items, 600);
    });
    return this.wrap(path, label, control, hint);
  }

  private wrapGroup(path: string, label: string, group: HTMLElement): HTMLElement {
    const id = uid('g');
    group.dataset.path = buildPath(this.binding.pathPrefix, path);
    group.setAttribute('aria-labelledby', `${id}-label`);
    group.setAttribute('tabindex', '-1');
    const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
    this.errors.set(path, error);
    const locked = !this.canWrite(path);
    if (locked) for (const input of group.querySelectorAll('input')) this.lock(input);
    return h('fieldset', { class: locked ? 'field field-readonly' : 'field' }, h('legend', { id: `${id}-label` }, label), group, error);
  }
}

function showError(el: HTMLElement, message: string | null): void {
  el.hidden = message === null;
  el.textContent = message ?? '';
  const control = el.parentElement?.querySelector('input, textarea, select');
  if (control) control.setAttribute('aria-invalid', message === null ? 'false' : 'true');
}
