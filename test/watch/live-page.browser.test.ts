import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { chromiumAvailable, collectProblems, launchChromium, type Browser } from '../helpers/headless-chromium.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startDaemon, waitUntil, type Daemon } from '../helpers/watch-daemon.js';

const available = chromiumAvailable('the live page browser test');

const EVIL = '<img src=x onerror=alert(1)>';
const dir = tempDir('xent-live-');

const record = (id: string, logprobs: number[]) => `${JSON.stringify({ id, tokens: logprobs.map((_, i) => `t${i}`), logprobs })}\n`;

describe.skipIf(!available)('the live page in headless Chromium', () => {
  let browser: Browser;
  let daemon: Daemon | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await daemon?.stop();
    await browser?.close();
  });

  it('loads from the daemon alone, gains curve points while a writer appends, and shows a hostile id as text', async () => {
    const log = join(dir, 'eval.jsonl');
    writeFileSync(log, record(EVIL, [-9.5, -8, -7]) + record('ok-1', [-0.5, -1]) + 'not json\n');
    daemon = await startDaemon([log, '--state', join(dir, 'state'), '--out', join(dir, 'out.ndjson'), '--interval', '150ms', '--poll', '20ms', '--checkpoint-interval', '100ms', '--window', '20']);
    const page = await browser.newPage({ viewport: { width: 1100, height: 1250 } });
    const problems = collectProblems(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).origin));
    await page.goto(`http://127.0.0.1:${daemon.port}/`, { waitUntil: 'load' });
    await page.waitForFunction('document.querySelectorAll("#worst tr").length >= 2');
    const pointsAt = async () => Number(await page.locator('#points').textContent());
    const before = await pointsAt();
    const polyline = async () => (await page.locator('#ce-chart polyline.win').getAttribute('points')) ?? '';
    const lineBefore = (await polyline()).split(' ').length;
    // A writer appends for a while, with a loss that climbs, so the window curve moves.
    for (let i = 0; i < 12; i++) {
      appendFileSync(log, record(`s${i}`, [-(i % 5) - 0.25, -1.5, -0.5]));
      await new Promise((r) => setTimeout(r, 120));
    }
    await waitUntil(async () => (await pointsAt()) >= before + 4);
    await waitUntil(async () => (await polyline()).split(' ').length > lineBefore);
    // The hostile id is text in a cell: no <img> element was made, nothing ran.
    const ids = await page.locator('#worst tr td:first-child').allTextContents();
    expect(ids).toContain(EVIL);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#reasons').textContent()).toContain('INVALID_JSON');
    expect(await page.locator('#files').textContent()).toContain('eval.jsonl');
    // Every appended token arrives: 3 + 2 at the start, then 12 records of 3.
    const tokens = async () => Number((await page.locator('#tokens').textContent())?.replace(/,/g, ''));
    await waitUntil(async () => (await tokens()) === 5 + 12 * 3);
    expect(problems).toEqual([]);
    expect(new Set(requests)).toEqual(new Set([`http://127.0.0.1:${daemon.port}`]));
    // The README's screenshot is refreshed with XENT_UPDATE_SCREENSHOTS=1; otherwise it goes to the temp dir.
    const shots = process.env.XENT_UPDATE_SCREENSHOTS === '1' ? join(repoRoot, 'docs') : join(tmpdir(), 'xent-screenshots');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'live-page.png'), fullPage: true });
    console.log(`screenshot: ${join(shots, 'live-page.png')}`);
    await page.close();
  }, 60_000);
});
