/**
 * JSON that is always valid: NaN and ±Infinity (an empty denominator, an overflowing perplexity)
 * become null, as JSON has no token for them. The report's `notes` say when that happened.
 */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, finiteOrNull, indent);
}

function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
