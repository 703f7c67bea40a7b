/**
 * A few DOM helpers for the pages. Text always goes through `textContent` (never `innerHTML`), so user text can
 * never become markup; the only markup inserted as such is SVG produced by our own chart generators.
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element: `h('button', { class: 'primary', onclick: save }, 'Enregistrer')`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (typeof value === 'function') {
        el.addEventListener(name.replace(/^on/, ''), value);
      } else if (value === true) {
        el.setAttribute(name, '');
      } else {
        el.setAttribute(name, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces the content of `el`. */
export function replaceChildren(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** An SVG string from our own chart generators, as a node. */
export function svgNode(markup: string): Element {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  return document.importNode(doc.documentElement, true);
}

let idCounter = 0;
/** A unique DOM id for label/control pairs. */
export function uid(prefix = 'c'): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A random row id accepted by the API (`RowId`: letters, digits, - and _). */
export function newRowId(): string {
  return crypto.randomUUID().replace(/-/g, '').slice(0, 20);
}
