/** Plain-text tables for the terminal: one per measurement, figures right-aligned. */

export type Cell = string | number;

export interface TableSpec {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** Lines printed under the table: what was measured and why it is a fair comparison. */
  readonly notes?: readonly string[];
}

export function printTable(spec: TableSpec): void {
  const cells = [spec.headers, ...spec.rows].map((row) => row.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = spec.headers.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? '').length)));
  // The first column is a label (left-aligned); the rest are figures (right-aligned).
  const line = (row: readonly string[]) =>
    row.map((c, col) => (col === 0 ? c.padEnd(widths[col] ?? 0) : c.padStart(widths[col] ?? 0))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const out = [``, spec.title, rule, line(cells[0] ?? []), rule, ...cells.slice(1).map(line), rule];
  for (const note of spec.notes ?? []) out.push(`  ${note}`);
  console.log(out.join('\n'));
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** Milliseconds with a sensible number of digits. */
export function ms(value: number): string {
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

/** Rows per second as e.g. `12.3 M rows/s`. */
export function rowsPerSecond(rows: number, millis: number): string {
  const perSecond = rows / (millis / 1000);
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M rows/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k rows/s`;
  return `${perSecond.toFixed(0)} rows/s`;
}

/** ours ÷ theirs as `0.42×`. */
export function ratio(ours: number, theirs: number): string {
  return `${(ours / theirs).toFixed(2)}×`;
}

export function mib(value: number): string {
  return `${value.toFixed(0)} MiB`;
}
