/** Figures for humans: 4 significant digits, grouped counts, '—' for undefined (null in JSON). */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential(3);
  return Number(x.toPrecision(4)).toString();
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** "file line 12", "file [3]" (an element of a JSON document), or just the file. */
export function place(o: { file: string; line?: number | undefined; element?: number | undefined }): string {
  if (o.line !== undefined) return `${o.file}:${o.line}`;
  if (o.element !== undefined) return `${o.file}[${o.element}]`;
  return o.file;
}
