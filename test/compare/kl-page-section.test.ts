import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFiles } from '../../src/compare/compare-files.js';
import { renderComparePage } from '../../src/compare/compare-page.js';
import { klPageSection } from '../../src/compare/kl-page-section.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('xent-kl-page-');

describe('klPageSection', () => {
  it('draws the KL histogram and lists the highest mean KL and the length mismatches, escaping every id and file', async () => {
    const a = join(dir, '<a>&.jsonl');
    const b = join(dir, 'b.jsonl');
    const row = (id: string, logits: number[][]) => JSON.stringify({ id, logits, targets: logits.map(() => 0) });
    const evil = '<script>alert(1)</script>';
    writeFileSync(a, `${row(evil, [[0, 1], [0, 0]])}\n${row('<img src=x>', [[0, 1], [2, 0]])}\n`);
    writeFileSync(b, `${row(evil, [[1, 0], [0, 0]])}\n${row('<img src=x>', [[0, 1]])}\n`);
    const report = await compareFiles([a], [b], { kl: true });
    const page = renderComparePage(report);
    expect(page).toContain('<svg id="kl-histogram"');
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;a&gt;&amp;.jsonl:2');
    expect(page).toMatch(/<table id="kl-length-mismatch">.*&lt;img src=x&gt;/s);
    // Positions: KL = tanh(0.5) = 0.4621 (bin from 0.1) and 0 (bin from 0): counts[1] and counts[7].
    expect(report.kl_histogram?.counts).toEqual([0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(klPageSection({ ...report, kl: undefined })).toBe('');
  });
});
