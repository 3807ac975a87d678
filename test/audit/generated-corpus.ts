import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../src/math/paired-bootstrap.js';

/** Seeded uniform (mulberry32), so the corpus is the same on every run. */
export const seeded = mulberry32;

export interface GeneratedSequence {
  id: string;
  logprobs: number[];
  model: string;
}

export interface GeneratedCorpus {
  path: string;
  /** Every sequence that reaches the audit with tokens, in file order (duplicates included). */
  sequences: GeneratedSequence[];
  /** Ids of the 4 worst sequences by cross-entropy, worst first. */
  worst: string[];
  best: string;
  anomalies: Record<string, number>;
  badLines: number[];
}

export const MODELS = ['a', 'b', '__proto__', 'constructor'];

/**
 * An xent-sequence corpus whose answers are known by construction: ordinary sequences of constant
 * logprob (so each cross-entropy is that constant), three planted worst, one planted best, one
 * sentinel, two empty sequences, two repeated ids, one top-k sum above 1, one chosen token missing
 * from its top-k, and three bad lines (invalid JSON, a positive logprob, an unknown shape).
 */
export function generateCorpus(dir: string, n = 3000, seed = 42): GeneratedCorpus {
  const rand = seeded(seed);
  const lines: string[] = [];
  const sequences: GeneratedSequence[] = [];
  const badLines: number[] = [];
  const push = (s: GeneratedSequence, extra: Record<string, unknown> = {}): void => {
    sequences.push(s);
    lines.push(JSON.stringify({ id: s.id, model: s.model, logprobs: s.logprobs, ...extra }));
  };
  for (let i = 0; i < n; i++) {
    const ce = Number((0.5 + 3 * rand() ** 2).toFixed(4));
    const length = 5 + (i % 20);
    push({ id: `seq-${i}`, model: MODELS[i % 4] as string, logprobs: new Array<number>(length).fill(-ce) });
    if (i === 100) {
      for (const [k, ce2] of [18, 20, 19].entries()) push({ id: `planted-worst-${ce2}`, model: 'a', logprobs: new Array<number>(6 + k).fill(-ce2) });
      push({ id: 'planted-best', model: 'b', logprobs: [-0.001, -0.001, -0.001] });
      push({ id: 'sentinel-seq', model: 'a', logprobs: [-1, -1, -9999, -1, -1] });
    }
    if (i === 200) {
      lines.push('{"id": "broken", "logprobs": [-1, '); // invalid JSON
      badLines.push(lines.length);
      lines.push(JSON.stringify({ id: 'positive', logprobs: [-1, 0.5] }));
      badLines.push(lines.length);
      lines.push(JSON.stringify({ something: 'else' }));
      badLines.push(lines.length);
      lines.push(JSON.stringify({ id: 'empty-1', model: 'a', logprobs: [] }));
      lines.push(JSON.stringify({ id: 'empty-2', model: 'b', logprobs: [] }));
      push({ id: 'mass', model: 'b', logprobs: [-0.01, -1] }, { top_logprobs: [[-0.01, -0.02], [-1]] });
      push({ id: 'missing-chosen', model: 'b', logprobs: [-0.5, -1] }, { top_logprobs: [[-2, -3], [-1]] });
    }
  }
  push({ id: 'seq-5', model: 'b', logprobs: [-1, -1] });
  push({ id: 'seq-6', model: 'c', logprobs: [-1, -1, -1] });
  const path = join(dir, `generated-${n}-${seed}.jsonl`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return {
    path,
    sequences,
    worst: ['sentinel-seq', 'planted-worst-20', 'planted-worst-19', 'planted-worst-18'],
    best: 'planted-best',
    anomalies: {
      sentinel: 1,
      invalid_logprob: 1,
      top_k_mass_above_one: 1,
      chosen_not_in_top_k: 1,
      empty_sequence: 2,
      duplicate_id: 2,
      no_logprobs: 2,
    },
    badLines,
  };
}
