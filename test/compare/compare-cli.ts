import * as compare from '../../src/cli/compare-command.js';
import { runLocalCommand, type CommandModule } from '../audit/audit-cli.js';

export function runCompare(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runLocalCommand(compare as unknown as CommandModule, args);
}
