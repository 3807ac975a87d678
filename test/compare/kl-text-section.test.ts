import { describe, expect, it } from 'vitest';
import { compareFiles } from '../../src/compare/compare-files.js';
import { renderCompareText } from '../../src/compare/compare-text-report.js';
import { klTextSection } from '../../src/compare/kl-text-section.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('xent-kl-text-');

/** Two one-position dumps whose ids hold Markdown's and HTML's special characters, and a length mismatch. */
async function report() {
  const a = join(dir, 'a|1.jsonl');
  const b = join(dir, 'b.jsonl');
  const row = (id: string, logits: number[][]) => JSON.stringify({ id, logits, targets: logits.map(() => 0) });
  writeFileSync(a, `${row('x|y\nz', [[0, 1]])}\n${row('long', [[0, 1], [1, 0]])}\n`);
  writeFileSync(b, `${row('x|y\nz', [[1, 0]])}\n${row('long', [[0, 1]])}\n`);
  return compareFiles([a], [b], { kl: true });
}

describe('klTextSection', () => {
  it('is empty without --kl', async () => {
    const plain = { ...(await report()), kl: undefined };
    expect(klTextSection(plain, false)).toEqual([]);
  });

  it('prints the figures, the highest mean KL and each length mismatch in text', async () => {
    const text = renderCompareText(await report());
    // KL([e^0, e^1]/Z ‖ [e^1, e^0]/Z) = (p1 − p0)·1 with p1 = 1/(1 + e^−1): (e − 1)/(e + 1) = 0.46211715726000974 (math.tanh(0.5)).
    expect(text).toMatch(/mean KL\s+0\.4621 nats/);
    expect(text).toMatch(/positions compared\s+1 \(1 exact, 0 lower bounds from top-k\)/);
    expect(text).toMatch(/same top-1\s+0%/);
    expect(text).toMatch(/length mismatches\s+1 \(e\.g\. long: .*a\|1\.jsonl:2 has 2 positions, .*b\.jsonl:2 has 1\)/);
    expect(text).toMatch(/highest mean KL \(nats\)\n\n\s+0\.4621  x\|y\nz/);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('keeps its Markdown tables whole when ids and file names hold pipes or newlines', async () => {
    const md = renderCompareText(await report(), { markdown: true });
    for (const title of ['## Highest mean KL', '## Length mismatches']) {
      const lines = md.slice(md.indexOf(title)).split('\n');
      const header = lines[2] as string;
      const rows = lines.slice(4).filter((l, i, all) => l.startsWith('|') && all.slice(0, i).every((x) => x.startsWith('|')));
      expect(rows.length, title).toBe(1);
      const cellsOf = (row: string) => row.split(/(?<!\\)\|/).length;
      for (const row of rows) expect(cellsOf(row), row).toBe(cellsOf(header));
    }
    expect(md).toContain('x\\|y z');
  });
});
