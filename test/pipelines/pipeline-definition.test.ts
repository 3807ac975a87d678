import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/pipelines/pipeline-definition.js';
import { repoRoot } from '../helpers/cli.js';

describe('parsePipeline', () => {
  it('accepts every ready-made pipeline in pipelines/', () => {
    const dir = join(repoRoot, 'pipelines');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toContain('batch-report.json');
    for (const f of files) expect(() => parsePipeline(JSON.parse(readFileSync(join(dir, f), 'utf8')), f)).not.toThrow();
  });

  it('names the field that is wrong', () => {
    const base = { source: { paths: ['x'] }, outputs: [{ type: 'json' }] };
    expect(() => parsePipeline({ ...base, segment: 'middle' }, 'p.json')).toThrow(/p\.json: expected `segment` to be one of all, prompt, completion, got "middle"/);
    expect(() => parsePipeline({ ...base, source: { paths: [] } }, 'p.json')).toThrow(/`source.paths`/);
    expect(() => parsePipeline({ ...base, outputs: [{ type: 'pdf' }] }, 'p.json')).toThrow(/`outputs\[0\].type`/);
    expect(() => parsePipeline({ ...base, windows: { every: 0 } }, 'p.json')).toThrow(/`windows.every`/);
    expect(() => parsePipeline({ ...base, script: 'rm -rf /' }, 'p.json')).toThrow(/unknown field `script`/);
    expect(() => parsePipeline({ ...base, outputs: [{ type: 'json' }, { type: 'text', path: '-' }] }, 'p.json')).toThrow(/at most one output/);
  });
});
