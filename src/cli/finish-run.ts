import type { InputStatus } from '../audit/read-tagged-inputs.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './report-runner.js';

/**
 * The end of an audit or compare, once its outputs are written: names every input that could not
 * be read and every crossed threshold on stderr, and gives the exit code (2 takes precedence over 4).
 */
export function finishRun(io: Io, inputs: readonly InputStatus[], crossed: readonly string[]): number {
  const failed = inputs.filter((i) => i.status === 'failed');
  for (const f of failed) io.stderr.write(`xent: ${f.error ?? f.file}\n`);
  for (const c of crossed) io.stderr.write(`xent: threshold crossed: ${c}\n`);
  return failed.length > 0 ? EXIT.INPUT : crossed.length > 0 ? EXIT.THRESHOLD : EXIT.OK;
}
