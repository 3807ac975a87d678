import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { chromiumAvailable, collectProblems, launchChromium, type Browser } from '../helpers/headless-chromium.js';
import { tempDir } from '../helpers/temp-dir.js';

const available = chromiumAvailable('the compare --kl page browser test');
const INJECTED = '"><img src=x onerror=alert(1)>';
const dir = tempDir('xent-kl-html-');

describe.skipIf(!available)('the compare --kl page in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads cleanly with its KL histogram and tables, every injected id shown as text', async () => {
    const row = (id: string, logits: number[][]) => JSON.stringify({ id, logits, targets: logits.map(() => 0) });
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    writeFileSync(a, `${Array.from({ length: 12 }, (_, i) => row(i === 3 ? INJECTED : `q${i}`, [[0, i / 4, 1], [1, 0, -i / 3]])).join('\n')}\n${row('short', [[0, 1]])}\n`);
    writeFileSync(b, `${Array.from({ length: 12 }, (_, i) => row(i === 3 ? INJECTED : `q${i}`, [[0.1, i / 5, 1], [1, 0.2, -i / 4]])).join('\n')}\n${row('short', [[0, 1], [1, 0]])}\n`);
    const html = join(dir, 'kl.html');
    expect((await runCli(['compare', a, b, '--kl', '--html', html, '--top', '20'])).code).toBe(EXIT.OK);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems = collectProblems(page);
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('#kl-histogram rect.bar').count()).toBe(10);
    expect(await page.locator('#kl-top tr').count()).toBe(13);
    expect(await page.locator('#kl-top').textContent()).toContain(INJECTED);
    expect(await page.locator('#kl-length-mismatch').textContent()).toContain('short');
    expect(await page.locator('img').count()).toBe(0);
    const shot = join(tmpdir(), 'xent-screenshots', 'compare-kl.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`compare --kl page screenshot: ${shot}`);
    await page.close();
  });
});
