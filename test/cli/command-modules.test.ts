import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ALL_COMMANDS, buildYargs } from '../../src/cli/build-yargs.js';
import { commandModules } from '../../src/cli/command-modules.js';
import { configureYargs } from '../../src/cli/configure-yargs.js';
import type { Io } from '../../src/cli/report-runner.js';

const io = (): Io => ({ stdout: new PassThrough(), stderr: new PassThrough() as unknown as NodeJS.WriteStream, env: {} });

/** What a parser says to a command line that fails: the message the bin prints. */
async function failure(parser: { parseAsync(): Promise<unknown> }): Promise<string> {
  try {
    await parser.parseAsync();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no failure';
}

const NAMES = ['report', 'run', 'watch', 'audit', 'compare', 'merge', 'submit', 'worker', 'collect', 'jobs'];

describe('commandModules (the bin loads only the command a line names)', () => {
  it('loads the one command a line names, and all of them, in the help order, for anything else', async () => {
    expect((await commandModules(['audit', 'a.jsonl'])).map((c) => c.command)).toEqual(['audit [files..]']);
    const all = ALL_COMMANDS.map((c) => c.command);
    expect(all.map((c) => c.split(' ')[0])).toEqual(NAMES);
    for (const args of [[], ['--help'], ['nope'], ['a.jsonl', 'report'], ['--version', 'report']]) {
      expect((await commandModules(args)).map((c) => c.command)).toEqual(all);
    }
  });

  it('a one-command parser prints the same help and the same errors as the parser with every command', async () => {
    const lines = (name: string) => [[name, '--bogus'], [name], [name, 'x', 'y', 'z', '--threads', '0'], [name, '--no-such', 'x'], [name, 'x', '--json', '--markdown']];
    for (const name of NAMES) {
      const one = await commandModules([name]);
      expect(one).toHaveLength(1);
      const help = await configureYargs([name, '--help'], io(), () => {}, one).getHelp();
      expect(help, name).toBe(await buildYargs([name, '--help'], io(), () => {}).getHelp());
      expect(help, name).toContain(`xent ${name}`);
      for (const args of lines(name)) {
        const expected = await failure(buildYargs(args, io(), () => {}));
        if (expected === 'no failure') continue; // a line some command accepts would run it: not here
        expect(await failure(configureYargs(args, io(), () => {}, one)), args.join(' ')).toBe(expected);
      }
    }
  });

  it('the check has teeth: a parser given another command than the line names answers differently', async () => {
    const [report] = await commandModules(['report']);
    const expected = await failure(buildYargs(['audit', '--bogus'], io(), () => {}));
    expect(await failure(configureYargs(['audit', '--bogus'], io(), () => {}, [report!]))).not.toBe(expected);
  });
});
