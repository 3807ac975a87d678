import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** One import statement (static, `export … from`, `import type` or dynamic `import()`) of one source file. */
export interface ImportEdge {
  /** The importing file, relative to the source root, with forward slashes: `records/line-scorer.ts`. */
  from: string;
  /** What it names: `node:fs`, a package (`yargs`), or a source file relative to the root (`streams/open-input.js`). */
  to: string;
  /** True when `to` is a file of the same source tree (the import was relative). */
  local: boolean;
}

/** Where a file or import target sits: its top folder, a top-level file (`evaluate.ts`), `node:` or a package. */
export type Layer = string;

/** The import specifiers of one file, found by TypeScript's own pre-processor (comments and strings cannot fool it). */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Every import of every `.ts` file under `root`, with relative targets resolved against the root. */
export function importGraph(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of tsFiles(root)) {
    const from = toPosix(relative(root, file));
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      const to = spec.startsWith('.') ? posix.normalize(posix.join(posix.dirname(from), spec)) : spec;
      edges.push({ from, to, local: spec.startsWith('.') });
    }
  }
  return edges;
}

/** The layer of a source path (`records/x.ts` → `records`, `evaluate.ts` → `evaluate.ts`) or of a target. */
export function layerOf(path: string): Layer {
  if (path.startsWith('node:')) return 'node:';
  if (path.startsWith('..')) return path; // outside the root: reported as itself
  const slash = path.indexOf('/');
  return slash === -1 ? path.replace(/\.js$/, '.ts') : path.slice(0, slash);
}

/** A rule of what may not import what: `from` layers may not name targets that `forbids` matches. */
export interface ImportRule {
  name: string;
  from: (layer: Layer) => boolean;
  forbids: (target: string, layer: Layer) => boolean;
}

/** The imports that break a rule, as readable lines: "records/x.ts imports node:fs (records use no node:*)". */
export function forbiddenImports(edges: readonly ImportEdge[], rules: readonly ImportRule[]): string[] {
  const found: string[] = [];
  for (const e of edges) {
    const fromLayer = layerOf(e.from);
    const toLayer = e.local ? layerOf(e.to) : e.to.startsWith('node:') ? 'node:' : e.to;
    for (const rule of rules) {
      if (rule.from(fromLayer) && rule.forbids(e.to, toLayer)) found.push(`${e.from} imports ${e.to} (${rule.name})`);
    }
  }
  return found;
}

/**
 * Groups of folders that import each other, directly or round a longer loop (the strongly connected components of the
 * folder graph with more than one member), each sorted, as "a ↔ b ↔ c". Imports inside one folder do not count.
 */
export function folderLoops(edges: readonly ImportEdge[]): string[] {
  const next = new Map<Layer, Set<Layer>>();
  for (const e of edges) {
    if (!e.local) continue;
    const a = layerOf(e.from);
    const b = layerOf(e.to);
    if (a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    next.get(a)?.add(b);
  }
  // Tarjan's algorithm: the graph is a few dozen nodes, recursion depth is no concern.
  let index = 0;
  const order = new Map<Layer, number>();
  const low = new Map<Layer, number>();
  const stack: Layer[] = [];
  const onStack = new Set<Layer>();
  const loops: string[] = [];
  const visit = (v: Layer): void => {
    order.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, order.get(w) ?? 0));
      }
    }
    if (low.get(v) === order.get(v)) {
      const component: Layer[] = [];
      for (;;) {
        const w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1) loops.push(component.sort().join(' ↔ '));
    }
  };
  for (const v of [...next.keys()].sort()) if (!order.has(v)) visit(v);
  return loops.sort();
}

/** The folder graph as "from -> to" lines, for a failure message or to draw ARCHITECTURE.md. */
export function folderEdges(edges: readonly ImportEdge[]): string[] {
  const lines = new Set<string>();
  for (const e of edges) {
    if (!e.local) continue;
    const a = layerOf(e.from);
    const b = layerOf(e.to);
    if (a !== b) lines.add(`${a} -> ${b}`);
  }
  return [...lines].sort();
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/**
 * The specifiers a module loads when it is loaded: static imports and `export … from`, less type-only ones (erased by
 * the compiler) and dynamic `import()` (loaded only when that code runs).
 */
export function loadTimeImports(source: string): string[] {
  const file = ts.createSourceFile('module.ts', source, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      const onlyTypes = clause !== undefined && clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) found.push(statement.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier) && !statement.isTypeOnly) {
      found.push(statement.moduleSpecifier.text);
    }
  }
  return found;
}

/** Every source file (relative to `root`, `.ts`) that loading `entry` loads, following loadTimeImports. */
export function loadClosure(root: string, entry: string, read: (file: string) => string = (file) => readFileSync(join(root, file), 'utf8')): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of loadTimeImports(read(file))) {
      if (spec.startsWith('.')) queue.push(posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
    }
  }
  return [...seen].sort();
}
