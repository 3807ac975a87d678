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
