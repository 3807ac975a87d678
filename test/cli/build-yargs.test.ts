import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildYargs } from '../../src/cli/build-yargs.js';
import type { Io } from '../../src/cli/report-runner.js';
import { tempDir } from '../helpers/temp-dir.js';

type Usage = { hasCachedHelpMessage(): boolean };
const usageOf = (parser: unknown): Usage =>
  (parser as { getInternalMethods(): { getUsageInstance(): Usage } }).getInternalMethods().getUsageInstance();

describe('buildYargs', () => {
  const file = join(tempDir(), 'one.jsonl');
  writeFileSync(file, '{"id":"a","logprobs":[-1]}\n');
  const io = (): Io => ({ stdout: new PassThrough(), stderr: new PassThrough() as unknown as NodeJS.WriteStream, env: {} });

  it('runs a command without rendering its help text (30-40 ms of start-up)', async () => {
    // If a yargs upgrade renames the hook, skipHelpRendering silently does nothing: this fails then.
    const parser = buildYargs(['report', file, '--json'], io(), () => {});
    await parser.parseAsync();
    expect(usageOf(parser).hasCachedHelpMessage()).toBe(false);
  });

  it('still prints help when asked', async () => {
    const parser = buildYargs(['report', '--help'], io(), () => {});
    const help = await parser.getHelp();
    expect(help).toMatch(/--json/);
  });
});

describe('options shared by commands', () => {
  it('watch and report have one default line limit, so a line report counts is never bad under watch', async () => {
    const { DEFAULT_MAX_LINE_BYTES } = await import('../../src/records/line-framer.js');
    const parsed = async (args: string[]) => {
      const io: Io = { stdout: new PassThrough(), stderr: new PassThrough() as unknown as NodeJS.WriteStream, env: {} };
      // --help stops before the handler runs, after the options are parsed with their defaults.
      const parser = buildYargs([...args, '--help'], io, () => {});
      return (await parser.parseAsync())['max-line-bytes'];
    };
    expect(await parsed(['watch', 'x.jsonl'])).toBe(DEFAULT_MAX_LINE_BYTES);
    expect(await parsed(['report', 'x.jsonl'])).toBe(DEFAULT_MAX_LINE_BYTES);
  });
});
