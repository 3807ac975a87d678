/**
 * The value at a dotted path in a parsed record (`model`, `response.body.model`, `doc.task`,
 * `choices.0.index`). Only own properties are followed, so a path through `__proto__` or
 * `constructor` finds what the record holds under that name, never Object.prototype.
 */
export function valueAtPath(record: unknown, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Splits and validates a `--group-by`/`--key` path; the message quotes the option. */
export function parsePath(path: string, option: string): string[] {
  const parts = path.split('.');
  if (path === '' || parts.some((p) => p === '')) {
    throw new RangeError(`Expected \`${option}\` to be a dotted path like model or response.body.model, got ${JSON.stringify(path)}`);
  }
  return parts;
}

/**
 * A record's value at a path as a group or key: strings as they are, numbers and booleans as
 * their JSON text, objects as JSON (at most 200 characters); null when absent or null.
 */
export function keyOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value);
  return json.length > 200 ? `${json.slice(0, 199)}…` : json;
}
