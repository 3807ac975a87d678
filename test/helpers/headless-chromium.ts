import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Debian's Chromium, driven by playwright-core (CI installs it with apt; see .ci/run). */
export const CHROMIUM = '/usr/bin/chromium';

export type Browser = Awaited<ReturnType<(typeof import('playwright-core'))['chromium']['launch']>>;

/** Whether a browser test can run here; says so visibly when it cannot (`what` names the test). */
export function chromiumAvailable(what: string): boolean {
  const require = createRequire(import.meta.url);
  let playwright = true;
  try {
    require.resolve('playwright-core');
  } catch {
    playwright = false;
  }
  const available = existsSync(CHROMIUM) && playwright;
  if (!available) console.warn(`SKIPPED: ${what} needs ${CHROMIUM} and playwright-core (apt-get install -y chromium; npm ci)`);
  return available;
}

type Page = Awaited<ReturnType<Browser['newPage']>>;

/** What a page must never do, as it happens: console errors and warnings, uncaught errors, dialogs (dismissed). */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', async (d) => {
    problems.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  return problems;
}

/** Debian's Chromium, headless and quiet: no sandbox (CI runs as root), no network of its own. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
