import { existsSync } from 'node:fs';

/**
 * Where Debian's `prometheus` package puts its binaries. Tests that need them skip with a
 * visible message when absent, and fail instead when XENT_REQUIRE_PROMETHEUS=1 (CI installs them).
 */
export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

export function prometheusTool(path: string): boolean {
  if (existsSync(path)) return true;
  if (process.env.XENT_REQUIRE_PROMETHEUS === '1') throw new Error(`${path} is missing and XENT_REQUIRE_PROMETHEUS=1: apt-get install -y prometheus`);
  console.warn(`SKIPPED: ${path} is not installed (apt-get install -y prometheus)`);
  return false;
}

/** Metric names in a PromQL expression: identifiers that start with xent_ (recording rules are xent:...). */
export function xentMetricsIn(expr: string): string[] {
  return [...expr.matchAll(/\bxent_[a-zA-Z0-9_]+/g)].map((m) => m[0]);
}
