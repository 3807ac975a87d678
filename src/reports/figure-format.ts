/**
 * How every report writes figures for humans, in text, Markdown and HTML alike. Two named styles, because the reports
 * already print them and their output is pinned byte for byte:
 * - `fixedFigure`: the `xent report` style, four decimals (3.1416), exponent form far from 1, '-' for undefined;
 * - `significantFigure`: the audit and compare style, four significant digits (3.142), '—' for undefined.
 * Counts are grouped the same way everywhere.
 */

/**
 * A count with thousands separators, as `toLocaleString('en-US')` writes it. Whole numbers are grouped here: the first
 * toLocaleString of a process loads ICU's locale data, 13-20 ms of CPU in a 0.1 s report on a small file (measured).
 * Anything else (-0, fractions, beyond 2^53) is left to toLocaleString.
 */
export function count(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** Four decimals; exponent form far from 1; '-' for NaN (undefined in the JSON), ∞ for overflow. */
export function fixedFigure(x: number): string {
  if (Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x !== 0 && (Math.abs(x) >= 1e7 || Math.abs(x) < 1e-4)) return x.toExponential(4);
  return x.toFixed(4);
}

/** Four significant digits, '—' for undefined (null in JSON), exponent form far from 1. */
export function significantFigure(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential(3);
  return Number(x.toPrecision(4)).toString();
}

/** Where a record was, in the report's words: "file line 12", "file line 3 element 2", "file element 4", or the file. */
export function where(b: { file: string; line?: number; element?: number }): string {
  if (b.line !== undefined) return `${b.file} line ${b.line}${b.element !== undefined ? ` element ${b.element}` : ''}`;
  return b.element !== undefined ? `${b.file} element ${b.element}` : b.file;
}

/** Where a record was, in the audit's short form: "file:12", "file[3]" (an element of a JSON document), or the file. */
export function place(o: { file: string; line?: number | undefined; element?: number | undefined }): string {
  if (o.line !== undefined) return `${o.file}:${o.line}`;
  if (o.element !== undefined) return `${o.file}[${o.element}]`;
  return o.file;
}
