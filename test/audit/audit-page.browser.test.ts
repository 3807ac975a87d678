import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { chromiumAvailable, collectProblems, launchChromium, type Browser } from '../helpers/headless-chromium.js';
import { tempDir } from '../helpers/temp-dir.js';

const available = chromiumAvailable('the HTML page browser tests');

const INJECTED = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>"];
const dir = tempDir('xent-html-');
/** Screenshots outlive the test, for a human to look at (the test prints the paths). */
const shots = join(tmpdir(), 'xent-screenshots');


describe.skipIf(!available)('HTML pages in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a page, records console errors, page errors, dialogs and requests; returns them with the page. */
  async function open(path: string) {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems = collectProblems(page);
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    return { page, problems, requests };
  }

  it('the audit page loads cleanly, has its charts, and shows injected tokens as text that never runs', async () => {
    const corpus = join(dir, 'injected.jsonl');
    const lines = [
      JSON.stringify({ id: 'evil <b>id</b>', tokens: ['Hello', ...INJECTED, ' world'], logprobs: [-0.1, -9.5, -4, -2, -0.5], top_logprobs: [[-0.1], [-0.2, -9.5], [-0.3], [-1], [-0.5]] }),
      ...Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `s${i}`, tokens: ['a', 'b', 'c'], logprobs: [-(i % 7) / 2, -0.3, -1.2] })),
      'not json',
    ];
    writeFileSync(corpus, `${lines.join('\n')}\n`);
    const html = join(dir, 'audit.html');
    const { code } = await runCli(['audit', corpus, '--html', html, '--top', '3', '--max-bad-records', '0']);
    expect(code).toBe(EXIT.THRESHOLD);
    const { page, problems, requests } = await open(html);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('svg.chart').count()).toBe(3);
    expect(await page.locator('#corpus-histogram rect.bar').count()).toBeGreaterThan(0);
    expect(await page.locator('#corpus-rolling polyline').count()).toBe(1);
    expect(await page.locator('#corpus-positions polyline').count()).toBe(1);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('.heat svg').count()).toBe(0);
    const heat = page.locator('.heat').first();
    const text = await heat.textContent();
    for (const token of INJECTED) expect(text).toContain(token);
    expect(await heat.locator('span').nth(1).getAttribute('title')).toMatch(/logprob -9\.5000[\s\S]*top alternatives:\n"" -0\.200/);
    expect(await page.locator('#corpus-anomalies tr').count()).toBe(8);
    expect(await page.locator('#bad-records').textContent()).toMatch(/INVALID_JSON/);
    expect(await page.locator('body').textContent()).toContain('evil <b>id</b>');
    const shot = join(shots, 'audit.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`audit page screenshot: ${shot}`);
    expect(existsSync(shot)).toBe(true);
    await page.close();
  });

  it('the compare page loads cleanly with its difference chart, ids escaped', async () => {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    writeFileSync(a, `${Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: i === 3 ? INJECTED[1] : `q${i}`, logprobs: [-1 - (i % 5) / 4] })).join('\n')}\n`);
    writeFileSync(b, `${Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: i === 3 ? INJECTED[1] : `q${i}`, logprobs: [-1 + (i % 3) / 4] })).join('\n')}\n`);
    const html = join(dir, 'compare.html');
    expect((await runCli(['compare', a, b, '--html', html, '--top', '40'])).code).toBe(EXIT.OK);
    const { page, problems, requests } = await open(html);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('#differences rect.bar').count()).toBeGreaterThan(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#most-changed').textContent()).toContain(INJECTED[1]);
    const shot = join(shots, 'compare.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`compare page screenshot: ${shot}`);
    await page.close();
  });

  it('has a control: an unescaped page with the same token does run it (the dialog check has teeth)', async () => {
    const control = join(dir, 'control.html');
    writeFileSync(control, `<!doctype html><meta charset="utf-8"><div>${INJECTED[1]}</div>`);
    const { page, problems } = await open(control);
    await page.waitForTimeout(200);
    expect(problems.some((p) => p.startsWith('dialog: 1'))).toBe(true);
    await page.close();
  });
});
