/**
 * Values that servers write instead of a real log-probability. They are scored by default (the
 * model did give the token next to no probability) and always counted, so a report can say how
 * much of its NLL comes from them.
 */
export const SENTINELS = {
  /** OpenAI and vLLM write -9999.0 for −inf. */
  '-9999': -9999,
  /** llama.cpp writes −FLT_MAX for p = 0. */
  '-3.4028234663852886e38': -3.4028234663852886e38,
  /** Seen in OpenAI top_logprobs. */
  '-100': -100,
  /** A true −Infinity (Python's json writes it; xent reads it on purpose). */
  '-Infinity': Number.NEGATIVE_INFINITY,
} as const;

export type SentinelKind = keyof typeof SENTINELS;
export const SENTINEL_KINDS = Object.keys(SENTINELS) as SentinelKind[];

/** Index into SENTINEL_KINDS, or -1 for an ordinary value. Four comparisons: cheap on the hot path. */
export function sentinelIndex(x: number): number {
  if (x > -100) return -1;
  if (x === -100) return 2;
  if (x === -9999) return 0;
  if (x === -3.4028234663852886e38) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 3;
  return -1;
}
