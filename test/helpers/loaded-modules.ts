import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bin, repoRoot } from './cli.js';

const register = fileURLToPath(new URL('./module-log/register.mjs', import.meta.url));

/** Runs the built CLI and lists the modules it loaded (file URLs, or node:… for built-ins), in load order. */
export function loadedModules(args: string[]): { code: number | null; modules: string[] } {
  const r = spawnSync(process.execPath, ['--import', register, bin, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const modules = [...r.stderr.matchAll(/^XENT_LOADED (.+)$/gm)].map((m) => m[1] as string);
  return { code: r.status, modules };
}
