import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreRecord } from '../src/records/record-scorer.js';
import { parseJsonLenient } from '../src/records/lenient-json.js';
import { repoRoot } from './helpers/cli.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

function blocks(language: string, within: string): string[] {
  return [...within.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);
}

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README section "${title}"`).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 4);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README', () => {
  it('starts with the two quick-start commands', () => {
    expect(blocks('sh', section('Quick start'))[0]?.trim()).toBe('npm install && npm start\nnpm test');
  });

  it('runs its library examples as written (importing the package by name)', () => {
    const examples = blocks('js', section('Library'));
    expect(examples).toHaveLength(2);
    for (const [i, code] of examples.entries()) {
      // Inside the package directory, `import 'xent'` resolves to this package (self-reference via "exports").
      const file = join(repoRoot, `.readme-example-${i}.mjs`);
      writeFileSync(file, code);
      try {
        const out = execFileSync(process.execPath, [file], { cwd: repoRoot, encoding: 'utf8' });
        expect(out.trim()).toMatch(/\d/);
      } finally {
        rmSync(file, { force: true });
      }
    }
  });

  it('every JSON example in Formats is read as a record of its format, not a bad record', () => {
    const text = section('Formats');
    const lines = [...blocks('json', text), ...blocks('', text)]
      .flatMap((b) => b.split('\n'))
      .map((l) => l.replace(/^data: /, '').trim())
      .filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThanOrEqual(12);
    for (const line of lines) {
      const outcome = scoreRecord({ kind: 'record', value: parseJsonLenient(line), origin: { file: 'README.md' }, raw: line }, undefined);
      expect(outcome.kind === 'bad' ? outcome.bad.reason : 'ok', line.slice(0, 80)).toBe('ok');
    }
  });

  it('lists every format the registry knows, and every exit code the CLI uses', async () => {
    const { formatNames } = await import('../src/formats/registry.js');
    for (const name of formatNames) expect(section('Formats')).toContain(`\`${name}\``);
    const { EXIT } = await import('../src/cli/exit-codes.js');
    for (const code of Object.values(EXIT)) expect(section('Exit codes')).toContain(`| ${code} |`);
  });

  it('documents every metric the daemon exports, and shows the live page', async () => {
    const { METRIC_FAMILIES } = await import('../src/watch/metrics-exposition.js');
    const text = section('Watching the daemon');
    for (const name of Object.keys(METRIC_FAMILIES)) expect(text).toContain(`\`${name}`);
    expect(text).toContain('](docs/live-page.png)');
  });
});
