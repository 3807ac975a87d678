/** How the report's text and Markdown renderings write figures: the same digits in both. */

/** Where a record was: "file line 12", "file line 3 element 2", "file element 4", or the file. */
export function where(b: { file: string; line?: number; element?: number }): string {
  if (b.line !== undefined) return `${b.file} line ${b.line}${b.element !== undefined ? ` element ${b.element}` : ''}`;
  return b.element !== undefined ? `${b.file} element ${b.element}` : b.file;
}

/** A count with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Four decimals; exponent form far from 1; '-' for NaN (undefined in the JSON), ∞ for overflow. */
export function num(x: number): string {
  if (Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x !== 0 && (Math.abs(x) >= 1e7 || Math.abs(x) < 1e-4)) return x.toExponential(4);
  return x.toFixed(4);
}
