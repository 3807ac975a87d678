import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  folderEdges,
  folderLoops,
  forbiddenImports,
  importGraph,
  importSpecifiers,
  loadClosure,
  loadTimeImports,
  type ImportEdge,
  type ImportRule,
} from './helpers/import-graph.js';

/** The rule of what may import what (ARCHITECTURE.md, "What may import what"). */
const PURE_LAYERS = new Set(['math', 'formats', 'records']);
const RULES: ImportRule[] = [
  {
    name: 'math, formats and records are pure: no node:*',
    from: (layer) => PURE_LAYERS.has(layer),
    forbids: (_target, layer) => layer === 'node:',
  },
  {
    name: 'math imports no other part of xent',
    from: (layer) => layer === 'math',
    forbids: (_target, layer) => layer !== 'math' && layer !== 'node:',
  },
  {
    name: 'records import nothing from streams/',
    from: (layer) => layer === 'records',
    forbids: (_target, layer) => layer === 'streams',
  },
  {
    name: 'only cli/ imports cli/',
    from: (layer) => layer !== 'cli',
    forbids: (_target, layer) => layer === 'cli',
  },
];

/**
 * Folder loops that stand and are accepted, each with its reason. Empty: every loop found so far has been removed.
 * An entry is written as folderLoops() prints it, e.g. 'audit ↔ reports'.
 */
const ALLOWED_LOOPS: string[] = [];

/** The layers of ARCHITECTURE.md, bottom up: an import goes down, or sideways within one rank (loops checked apart). */
const LAYER_RANK: Record<string, number> = {
  math: 0,
  'errors.ts': 0,
  'version.ts': 0,
  formats: 1,
  fast: 2,
  records: 3,
  aggregate: 3,
  streams: 4,
  reports: 4,
  // The versioned state files and the NATS job engine (issue 10, on main): state as reports, distributed as watch.
  state: 4,
  threads: 5,
  audit: 6,
  compare: 6,
  watch: 6,
  pipelines: 6,
  distributed: 6,
  'evaluate.ts': 7,
  'index.ts': 7,
  cli: 8,
};

/** Folder edges ("a -> b") that point up the layers, or name a layer the table does not know. */
function upwardEdges(edges: readonly string[]): string[] {
  return edges.filter((edge) => {
    const [from = '', to = ''] = edge.split(' -> ');
    const a = LAYER_RANK[from];
    const b = LAYER_RANK[to];
    return a === undefined || b === undefined || b > a;
  });
}

const SRC = fileURLToPath(new URL('../src', import.meta.url));

describe('the import rules of src/', () => {
  const graph = importGraph(SRC);

  it('reads the real graph (a checker that finds no imports would pass anything)', () => {
    expect(graph.length).toBeGreaterThan(200);
    expect(folderEdges(graph)).toContain('cli -> audit');
    expect(folderEdges(graph)).toContain('records -> formats');
  });

  it('has no forbidden import', () => {
    expect(forbiddenImports(graph, RULES)).toEqual([]);
  });

  it('imports only down the layers (or within one rank), and every folder is in the table', () => {
    expect(upwardEdges(folderEdges(graph))).toEqual([]);
  });

  it('has no two folders importing each other, directly or round a loop', () => {
    expect(folderLoops(graph).filter((loop) => !ALLOWED_LOOPS.includes(loop))).toEqual([]);
  });

  it('loads no engine when the command line starts: runners and engines come with import() when a command runs', () => {
    for (const entry of ['cli/bin.ts', 'cli/build-yargs.ts']) {
      const loaded = loadClosure(SRC, entry);
      expect(loaded).toContain('cli/report-settings.ts'); // the closure is followed at all
      expect(loaded.filter(isEngine)).toEqual([]);
    }
  });

  it('reads a plain report command line without yargs, the other commands or the format registry (start-up, issue 13)', () => {
    const loaded = loadClosure(SRC, 'cli/bin.ts');
    expect(loaded).toContain('cli/quick-report.ts');
    expect(loaded.filter((file) => file.endsWith('-command.ts') || file === 'cli/build-yargs.ts' || file === 'formats/registry.ts')).toEqual([]);
    const packages = loaded.flatMap((file) => loadTimeImports(readFileSync(join(SRC, file), 'utf8'))).filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:'));
    expect(packages).toEqual([]);
    // The long way does load yargs: the check above would see it if the bin imported configure-yargs statically.
    expect(loadTimeImports(readFileSync(join(SRC, 'cli/configure-yargs.ts'), 'utf8'))).toContain('yargs');
  });
});

/** What the command line must not load before a command runs (rule 5 of ARCHITECTURE.md). */
function isEngine(file: string): boolean {
  if (file.endsWith('-runner.ts') || file === 'evaluate.ts') return true;
  if (file === 'threads/thread-setting.ts') return false;
  return /^(records|streams|aggregate|threads|watch|compare|reports)\//.test(file);
}

describe('the import checker, on a synthetic graph', () => {
  const edge = (from: string, to: string): ImportEdge => ({ from, to, local: to.includes('/') && !to.startsWith('node:') });

  it('finds node:* in a pure layer, records importing streams and anything importing cli', () => {
    const graph = [
      edge('records/line-scorer.ts', 'node:fs'),
      edge('formats/vllm.ts', 'node:stream'),
      edge('records/line-scorer.ts', 'streams/open-input.js'),
      edge('audit/audit-files.ts', 'cli/exit-codes.js'),
      edge('evaluate.ts', 'cli/usage-error.js'),
      edge('math/metrics.ts', 'formats/adapter.js'),
    ];
    expect(forbiddenImports(graph, RULES)).toEqual([
      'records/line-scorer.ts imports node:fs (math, formats and records are pure: no node:*)',
      'formats/vllm.ts imports node:stream (math, formats and records are pure: no node:*)',
      'records/line-scorer.ts imports streams/open-input.js (records import nothing from streams/)',
      'audit/audit-files.ts imports cli/exit-codes.js (only cli/ imports cli/)',
      'evaluate.ts imports cli/usage-error.js (only cli/ imports cli/)',
      'math/metrics.ts imports formats/adapter.js (math imports no other part of xent)',
    ]);
  });

  it('lets the allowed imports through', () => {
    const graph = [
      edge('cli/audit-runner.ts', 'audit/audit-files.js'),
      edge('cli/bin.ts', 'cli/build-yargs.js'),
      edge('streams/open-input.ts', 'node:fs'),
      edge('streams/record-decoder.ts', 'records/line-scorer.js'),
      edge('formats/vllm.ts', 'stream-json'),
      edge('math/metrics.ts', 'math/exact-sum.js'),
    ];
    expect(forbiddenImports(graph, RULES)).toEqual([]);
    expect(folderLoops(graph)).toEqual([]);
  });

  it('finds a two-folder loop and a longer one, but not imports inside one folder', () => {
    const graph = [
      edge('audit/a.ts', 'reports/r.js'),
      edge('reports/r.ts', 'audit/b.js'),
      edge('fast/f.ts', 'streams/s.js'),
      edge('streams/s.ts', 'records/r.js'),
      edge('records/r.ts', 'fast/g.js'),
      edge('math/m.ts', 'math/n.js'),
      edge('watch/w.ts', 'math/m.js'),
    ];
    expect(folderLoops(graph)).toEqual(['audit ↔ reports', 'fast ↔ records ↔ streams']);
  });

  it('finds an import up the layers and a folder missing from the table', () => {
    expect(upwardEdges(['cli -> audit', 'audit -> audit', 'formats -> records', 'records -> fast', 'plugins -> math'])).toEqual([
      'formats -> records',
      'plugins -> math',
    ]);
  });

  it('follows what loading a module loads: not type-only imports, not import()', () => {
    const files: Record<string, string> = {
      'cli/bin.ts': "import { a } from './a.js';\nimport type { R } from './report-runner.js';\nconst r = () => import('./report-runner.js');",
      'cli/a.ts': "import { type T, b } from '../b/b.js';\nexport { c } from './c.js';\nimport { type U } from '../streams/u.js';",
      'b/b.ts': "export * from '../streams/s.js';",
      'cli/c.ts': '',
      'streams/s.ts': '',
    };
    const loaded = loadClosure('', 'cli/bin.ts', (file) => files[file] ?? '');
    expect(loaded).toEqual(['b/b.ts', 'cli/a.ts', 'cli/bin.ts', 'cli/c.ts', 'streams/s.ts']);
    expect(loaded.filter(isEngine)).toEqual(['streams/s.ts']);
    expect(loadTimeImports("import type { X } from './x.js';\nimport { type Y } from './y.js';\nexport type { Z } from './z.js';")).toEqual([]);
  });

  it('reads static, type-only, re-exported and dynamic imports, and ignores comments', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "export { c } from './c.js';",
      "const d = await import('./d.js');",
      "import {\n  e,\n  f,\n} from 'node:fs';",
      "// import { g } from '../cli/g.js';",
      "/* import h from '../cli/h.js'; */",
      "const text = \"import i from '../cli/i.js'\";",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(['../b/b.js', './a.js', './c.js', './d.js', 'node:fs']);
  });
});
