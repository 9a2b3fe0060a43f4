/**
 * How result values are written in `.slt` files, the same for our engine and every oracle, so a
 * comparison is a comparison of strings:
 *
 * - a value is PostgreSQL's text output form (what psql prints: `t`/`f`, `123.50`,
 *   `2024-01-02 10:00:00+00` in UTC, `{1,2}`, `\x00ff`; structs and maps as JSON, DESIGN.md §3);
 * - SQL NULL is `NULL`; the empty string is `(empty)`; TAB, newline and backslash-n inside a
 *   value are written `\t`, `\n`;
 * - an `R` (real) column is compared at 10 significant digits: the value is parsed as a number,
 *   rounded with `toPrecision(10)` and printed the way PostgreSQL prints a float8
 *   (`185.3245`, `1e+21`, `2.5e-10`). This absorbs summation-order noise in the last bits of
 *   `avg`/`sum` over doubles and the different scales engines give `avg(decimal)`;
 * - values of one row are separated by a single TAB (DuckDB's convention; DataFusion uses
 *   spaces, which breaks on strings with spaces).
 */

export const NULL_TEXT = 'NULL';
export const EMPTY_TEXT = '(empty)';

/** The text of one value (PostgreSQL text form, or null for SQL NULL) as an .slt cell. */
export function cell(text: string | null, type: string): string {
  if (text === null) return NULL_TEXT;
  if (text === '') return EMPTY_TEXT;
  const escaped = text.replaceAll('\t', '\\t').replaceAll('\n', '\\n');
  return type === 'R' ? normalizeReal(escaped) : escaped;
}

/** A real value at 10 significant digits, in PostgreSQL's float8 spelling; other text unchanged. */
export function normalizeReal(text: string): string {
  if (text === NULL_TEXT || text === EMPTY_TEXT) return text;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) && !/^[+-]?(Infinity|NaN)$/.test(text)) return text;
  const x = Number(text);
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  return pgFloat8Text(Number(x.toPrecision(10)));
}

/** PostgreSQL's float8 output (extra_float_digits = 1): shortest digits, exponent outside [1e-4, 1e15). */
export function pgFloat8Text(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e >= -4 && e < 15) return String(x);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Applies a query's sort mode to rendered rows (arrays of cells); returns result lines. */
export function resultLines(rows: readonly (readonly string[])[], sort: 'nosort' | 'rowsort' | 'valuesort'): string[] {
  if (sort === 'valuesort') return rows.flat().sort(compareText);
  const lines = rows.map((r) => r.join('\t'));
  return sort === 'rowsort' ? lines.sort(compareText) : lines;
}

/** Expected lines re-normalised (R columns, sort), so a hand-written file compares fairly. */
export function normalizeExpected(lines: readonly string[], types: string, sort: 'nosort' | 'rowsort' | 'valuesort'): string[] {
  if (sort === 'valuesort') {
    // One value per line, in row order before sorting: the column is the line index mod width.
    return lines.map((v, i) => (types[i % types.length] === 'R' ? normalizeReal(v) : v)).sort(compareText);
  }
  const rows = lines.map((line) => line.split('\t').map((v, i) => (types[i] === 'R' ? normalizeReal(v) : v)));
  return resultLines(rows, sort);
}

/** Code-unit order, independent of locale (what `sort` would do with LC_ALL=C). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
