import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { finish, newWorld, startWatcher, steps } from '../helpers/watch-fault-model.js';
import { expectSameTotals } from '../helpers/watch-harness.js';

// CI runs a fixed seed and budget; `npm run soak` runs many random seeds (XENT_FAULT_RUNS,
// XENT_FAULT_SEED=random). fast-check prints the seed and the failing program of any failure.
const runs = Number(process.env.XENT_FAULT_RUNS ?? 8);
const seedSetting = process.env.XENT_FAULT_SEED ?? '20261204';
const seed = seedSetting === 'random' ? Date.now() >>> 0 : Number(seedSetting);
// To replay one failure: XENT_FAULT_SEED=<seed> XENT_FAULT_PATH=<path> (both printed with it).
const path = process.env.XENT_FAULT_PATH;

const root = tempDir('xent-fault-');
let n = 0;

describe('xent watch under random programs of writes, rotations, truncations, kills and restarts', () => {
  it(`the final report equals xent report over what was completely written (seed ${seed}, ${runs} runs)`, { timeout: Math.max(60_000, runs * 15_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (program) => {
        const dir = join(root, `w${n++}`);
        mkdirSync(dir, { recursive: true });
        const world = newWorld(dir);
        startWatcher(world);
        try {
          await fc.asyncModelRun(() => ({ model: world, real: world }), program);
          const { final, expected } = await finish(world);
          if (process.env.XENT_FAULT_DEBUG !== undefined) console.log(world.warnings, world.generations.map((g) => g.length));
          expectSameTotals(final, expected);
        } finally {
          if (world.running !== undefined) {
            world.running.watcher.abort();
            await world.running.done;
          }
        }
      }),
      { numRuns: runs, seed, endOnFailure: true, verbose: 1, ...(path === undefined ? {} : { path }) },
    );
  });
});
