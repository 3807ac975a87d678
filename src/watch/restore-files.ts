import { CorpusAccumulator, type AccumulatorOptions } from '../aggregate/corpus-accumulator.js';
import { locateFile } from './file-identity.js';
import type { GlobPattern } from './glob-pattern.js';
import { restoreAccumulator, TailedFile, type TailedFileState } from './tailed-file.js';

export interface RestoreOptions {
  accumulator: Pick<AccumulatorOptions, 'segment' | 'sentinels' | 'vocabSize' | 'maxGroups'>;
  maxLineBytes: number;
  warn: (message: string) => void;
}

/**
 * The files of a checkpoint, taken up again after a restart: each found where it is now (see
 * locateFile) and read on from its committed offset, or frozen with what it counted when it is
 * gone. One truncated or replaced while xent was stopped is frozen and followed again from its
 * start, as a new file.
 */
export async function restoreFiles(
  states: readonly TailedFileState[],
  patterns: readonly GlobPattern[],
  options: RestoreOptions,
): Promise<TailedFile[]> {
  const files: TailedFile[] = [];
  for (const state of states) {
    const accumulator = restoreAccumulator(state.accumulator, state.groups, options.accumulator);
    if (state.frozen !== null) {
      files.push(TailedFile.frozenFrom(state, options.accumulator));
      continue;
    }
    const found = await locateFile(state, patterns);
    if (found === undefined) {
      options.warn(`${state.path}: gone while xent was stopped; its lines after offset ${state.offset} could not be read`);
      files.push(TailedFile.frozenFrom({ ...state, frozen: 'gone' }, options.accumulator));
      continue;
    }
    const file = await TailedFile.open(found, { offset: state.offset, line: state.line, accumulator, name: state.name }, options.maxLineBytes);
    const print = { headLength: state.headLength, head: state.head, marker: state.marker };
    if (file === undefined) {
      files.push(TailedFile.frozenFrom({ ...state, frozen: 'gone' }, options.accumulator));
      continue;
    }
    file.print = print;
    if (await file.intact()) {
      files.push(file);
    } else {
      // Truncated or replaced while stopped: what was counted stays counted; the file starts over.
      await file.close();
      files.push(TailedFile.frozenFrom({ ...state, frozen: 'truncated' }, options.accumulator));
      const fresh = await TailedFile.open(found, { offset: 0, line: 1, accumulator: new CorpusAccumulator(options.accumulator) }, options.maxLineBytes);
      if (fresh !== undefined) files.push(fresh);
    }
  }
  return files;
}
