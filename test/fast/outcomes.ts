import type { ScoredItem } from '../../src/formats/scored-batch.js';
import type { RecordOutcome } from '../../src/formats/record-outcome.js';
import { scoreInput, type ScoreInputOptions } from '../../src/streams/score-input.js';

/**
 * What the accumulator consumes from an outcome, as plain data: token texts (and detail-only
 * alternatives) dropped — the fast path skips them, and no report reads them — and typed arrays
 * as arrays, so that toEqual compares every number with Object.is (−0 and NaN included).
 */
export function consumed(outcome: RecordOutcome): unknown {
  if (outcome.kind === 'bad') return outcome;
  return { ...outcome, items: outcome.items.map(plainItem) };
}

function plainItem(item: ScoredItem): unknown {
  if (item.kind === 'labels') return { ...item, losses: Array.from(item.losses) };
  if (item.kind !== 'tokens') return item;
  const { tokens: _tokens, alternatives: _alternatives, ...rest } = item as typeof item & { alternatives?: unknown };
  return {
    ...rest,
    logprobs: Array.from(item.logprobs),
    bytes: item.bytes === undefined ? undefined : Array.from(item.bytes),
    entropy: item.entropy === undefined ? undefined : Array.from(item.entropy),
    entropyBits: item.entropyBits === undefined ? undefined : Array.from(item.entropyBits),
    topK:
      item.topK === undefined
        ? undefined
        : {
            mass: Array.from(item.topK.mass),
            partialEntropy: Array.from(item.topK.partialEntropy),
            minProb: Array.from(item.topK.minProb),
            k: Array.from(item.topK.k),
          },
  };
}

/** Every outcome of an input, as consumed(). */
export async function outcomesOf(path: string, options: ScoreInputOptions): Promise<unknown[]> {
  const out: unknown[] = [];
  await scoreInput(path, (o) => out.push(consumed(o)), options);
  return out;
}

/**
 * Deep equality that reports only the first difference (with its path), so that a failure on a
 * corpus of hundreds of records does not ask the test runner to diff all of them: every number is
 * compared with Object.is (−0 and NaN included).
 */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${path}: ${show(a)} ≠ ${show(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array ≠ object`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    const found = firstDifference(x, y, `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function show(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return JSON.stringify(value) ?? String(value);
}
