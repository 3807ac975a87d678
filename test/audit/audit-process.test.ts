import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { bin, repoRoot, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { generateCorpus, type GeneratedCorpus } from './generated-corpus.js';

const dir = tempDir('xent-audit-process-');

/** The built CLI (dist/, from `npm run build`, which `npm test` runs first) as a process. */
describe('the xent audit process', () => {
  let corpus: GeneratedCorpus;
  beforeAll(() => {
    corpus = generateCorpus(dir);
  });

  it('exits 4 when a threshold is crossed, naming it on stderr after the report; 0 when every threshold holds', async () => {
    const crossed = await spawnCli(['audit', corpus.path, '--max-anomalies', 'sentinel=0', '--max-bad-records', '3']);
    expect(crossed.code).toBe(EXIT.THRESHOLD);
    expect(crossed.stderr).toBe('xent: threshold crossed: --max-anomalies sentinel 0: 1\n');
    expect(crossed.stdout).toMatch(/thresholds: 1 crossed of 2/);
    const held = await spawnCli(['audit', corpus.path, '--max-anomalies', 'sentinel=1', '--max-bad-records', '3']);
    expect(held.code).toBe(EXIT.OK);
    expect(held.stderr).toBe('');
  });

  it('exits quietly when its reader goes away (audit --json | head)', () => {
    const command = ['audit', corpus.path, '--json', '--top', '3000'];
    const r = spawnSync('bash', ['-c', `node ${bin} ${command.join(' ')} | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0');
    // The broken control: with a reader that stays, the same command writes far more than head took.
    const full = spawnSync(process.execPath, [bin, ...command], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(full.status).toBe(EXIT.OK);
    expect(full.stdout.length).toBeGreaterThan(1_000_000);
  });

  it('with --html, prints for a plain file (read in two passes) what stdin (one pass) gives for the same bytes', async () => {
    const onePass = join(dir, 'one-pass.html');
    const twoPass = join(dir, 'two-pass.html');
    const fromStdin = await spawnCli(['audit', '-', '--json', '--html', onePass, '--top', '5', '--detail-tokens', '4'], { input: readFileSync(corpus.path, 'utf8') });
    const fromFile = await spawnCli(['audit', corpus.path, '--json', '--html', twoPass, '--top', '5', '--detail-tokens', '4']);
    expect([fromFile.code, fromFile.stderr]).toEqual([EXIT.OK, '']);
    expect([fromStdin.code, fromStdin.stderr]).toEqual([EXIT.OK, '']);
    expect(JSON.parse(fromFile.stdout).worst[0].detail).toHaveLength(4);
    // The outputs differ only in the input's name.
    expect(fromFile.stdout.replaceAll(corpus.path, '<stdin>')).toBe(fromStdin.stdout);
    expect(readFileSync(twoPass, 'utf8').replaceAll(corpus.path, '&lt;stdin&gt;')).toBe(readFileSync(onePass, 'utf8'));
  });

  it('runs the ready-made pipelines/corpus-audit.json: its outputs, dead letters and gates', async () => {
    const r = await spawnCli(['run', join(repoRoot, 'pipelines', 'corpus-audit.json'), corpus.path], { cwd: dir });
    expect(r.code).toBe(EXIT.THRESHOLD);
    expect(r.stderr).toBe('xent: threshold crossed: --max-anomalies sentinel 0: 1\nxent: threshold crossed: --max-bad-records 0: 3\n');
    expect(r.stdout).toMatch(/^xent audit/);
    const json = JSON.parse(readFileSync(join(dir, 'xent-audit.json'), 'utf8'));
    expect(json.top).toBe(20);
    expect(json.worst.slice(0, 4).map((w: { id: string }) => w.id)).toEqual(corpus.worst);
    expect(existsSync(join(dir, 'xent-audit.html'))).toBe(true);
    const dead = readFileSync(join(dir, 'xent-bad.ndjson'), 'utf8').trim().split('\n');
    expect(dead.map((l) => JSON.parse(l).line)).toEqual(corpus.badLines);
  });
});
