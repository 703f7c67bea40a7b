import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency floors of the code base, read from the source itself: every `import`, `export … from` and
 * `import('…')` of every .ts file, type-only ones included. Biome checks the same boundaries (biome.json:
 * `noRestrictedImports` per folder, `noImportCycles` with `ignoreTypes: false`), but it cannot tell `import type` from
 * a value import in `noRestrictedImports` (it allows the client only `AppType` from server/app.ts, and relies on
 * `verbatimModuleSyntax` for the `type`), and its cycle rule has skipped type-only imports before; this test is the
 * second guard and says exactly which import breaks which rule.
 */

const ROOT = resolve(import.meta.dirname, '..');
const FOLDERS = ['schemas', 'server', 'client', 'test', 'bench', 'samples', 'templates'];
const SKIPPED = new Set(['node_modules', 'dist', 'test-output']);

type Edge = {
  /** The imported file, relative to the repository root with `/` separators. */
  to: string;
  /** `import type …` / `export type … from`: erased from the JavaScript. Inline `{ type X }` still loads the module. */
  typeOnly: boolean;
  line: number;
  text: string;
};

function listTs(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIPPED.has(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) out.push(path);
    }
  };
  if (existsSync(folder)) walk(folder);
  return out;
}

const rel = (abs: string) => relative(ROOT, abs).split(sep).join('/');

/** The file a relative specifier names (`./x.ts`, `./x`, `./dir`); null for a package. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return base;
}

// A statement starting a line: `import [type] … from '…'`, `export [type] … from '…'`, `import '…'`; then `import('…')`.
const STATIC = /^[ \t]*(import|export)(\s+type\b)?([^;'"`]*?)\bfrom\s*(['"])([^'"]+)\4/gm;
const SIDE_EFFECT = /^[ \t]*import\s*(['"])([^'"]+)\1/gm;
const DYNAMIC = /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g;

function importsOf(file: string): Edge[] {
  const source = readFileSync(file, 'utf8');
  const lineAt = (index: number) => source.slice(0, index).split('\n').length;
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean, index: number, text: string) => {
    const target = resolveSpecifier(file, specifier);
    if (target !== null) edges.push({ to: rel(target), typeOnly, line: lineAt(index), text: text.trim().replace(/\s+/g, ' ') });
  };
  for (const m of source.matchAll(STATIC)) add(m[5]!, m[2] !== undefined, m.index, m[0]);
  for (const m of source.matchAll(SIDE_EFFECT)) add(m[2]!, false, m.index, m[0]);
  // `import('…')` in a type position (`typeof import('…')`) is a type-only use; elsewhere it loads the module.
  for (const m of source.matchAll(DYNAMIC)) add(m[2]!, /typeof\s*$/.test(source.slice(Math.max(0, m.index - 20), m.index)), m.index, m[0]);
  return edges;
}

const files = FOLDERS.flatMap((f) => listTs(join(ROOT, f))).map(rel);
const graph = new Map(files.map((f) => [f, importsOf(join(ROOT, f))]));

const inFolder = (file: string, folder: string) => file.startsWith(`${folder}/`);
const describeEdge = (from: string, e: Edge) => `${from}:${e.line} → ${e.to}  (${e.text})`;
/** Every import from a file in `from` matching `bad`, as "file:line → target (statement)". */
function violations(fromFolder: (file: string) => boolean, bad: (edge: Edge) => boolean): string[] {
  return [...graph].filter(([file]) => fromFolder(file)).flatMap(([file, edges]) => edges.filter(bad).map((e) => describeEdge(file, e)));
}

/** The import cycles, each as the files in import order back to the first (type-only imports count). */
function findCycles(): string[][] {
  // Tarjan's strongly connected components; one cycle is then traced inside each component.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const targets = (f: string) => (graph.get(f) ?? []).map((e) => e.to).filter((t) => graph.has(t));
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of targets(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || targets(v).includes(v)) components.push(component);
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return components.map((component) => {
    const members = new Set(component);
    const start = component.slice().sort()[0]!;
    // Breadth-first inside the component from `start` back to `start`: the shortest circle through it.
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of targets(v).filter((t) => members.has(t))) {
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
          return [...path, start];
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    return [...component, component[0]!];
  });
}

describe('the dependency floors', () => {
  it('reads the code base', () => {
    // A guard on the guard: the rules below mean nothing if the reader finds no file or no import.
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get('server/app.ts')?.some((e) => e.to === 'server/services/context.ts' && e.typeOnly)).toBe(true);
  });

  it('has no import cycle, type-only imports included', () => {
    const cycles = findCycles().map((c) => c.join(' → '));
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('schemas/ imports nothing of ours outside schemas/', () => {
    expect(
      violations(
        (f) => inFolder(f, 'schemas'),
        (e) => !inFolder(e.to, 'schemas'),
      ),
    ).toEqual([]);
  });

  it('the server never imports the client, not even a type', () => {
    expect(
      violations(
        (f) => inFolder(f, 'server'),
        (e) => inFolder(e.to, 'client'),
      ),
    ).toEqual([]);
  });

  it('the client imports the server with `import type` only', () => {
    expect(
      violations(
        (f) => inFolder(f, 'client'),
        (e) => inFolder(e.to, 'server') && !e.typeOnly,
      ),
    ).toEqual([]);
  });

  it('server/routes never imports server/db (the services do)', () => {
    expect(
      violations(
        (f) => inFolder(f, 'server/routes'),
        (e) => inFolder(e.to, 'server/db'),
      ),
    ).toEqual([]);
  });

  it('nothing outside test/ imports test/', () => {
    expect(
      violations(
        (f) => !inFolder(f, 'test'),
        (e) => inFolder(e.to, 'test'),
      ),
    ).toEqual([]);
  });
});
