/**
 * Which chart fits a result, and the data to draw it (no DOM, no ECharts: unit-testable in Node).
 *
 * Columns have one of three roles from their PostgreSQL type: numbers (`int*`, `float*`,
 * `numeric`), times (`date`, `timestamp`, `timestamptz`) and categories (everything else). The
 * automatic choice, first match wins:
 * - a time column and numbers → **line** over time (one line per number column, or per value of
 *   a category column when there is one and it has few values: `ticker, date, close`);
 * - two categories and a number → **heatmap** (`ref, alt, count`);
 * - a category and numbers → **bar** (`ticker, avg(close)`);
 * - numbers only → **bar** by row number.
 * The user may ask for another kind; it is drawn when the result has the columns it needs.
 */

export type ChartKind = 'bar' | 'line' | 'heatmap';
export type ColumnRole = 'number' | 'time' | 'category';

export interface ChartColumn {
  readonly name: string;
  readonly type: string;
}

export interface ChartInput {
  readonly columns: readonly ChartColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface Series {
  readonly name: string;
  /** Bar: one value per category. Line: `[x, y]` pairs. */
  readonly data: readonly (number | null)[] | readonly (readonly [string | number, number | null])[];
}

export type ChartData =
  | { readonly kind: 'bar'; readonly xName: string; readonly categories: readonly string[]; readonly series: readonly Series[]; readonly clipped?: number }
  | { readonly kind: 'line'; readonly xName: string; readonly xIsTime: boolean; readonly categories: readonly string[]; readonly series: readonly Series[] }
  | {
      readonly kind: 'heatmap';
      readonly xName: string;
      readonly yName: string;
      readonly valueName: string;
      readonly x: readonly string[];
      readonly y: readonly string[];
      readonly cells: readonly (readonly [number, number, number])[];
      readonly min: number;
      readonly max: number;
    };

/** Rows charted at most: enough for any dashboard, few enough for the browser. */
export const MAX_CHART_ROWS = 5000;
/** Bars drawn at most: past that a bar chart is a smear; `clipped` says how many rows were left out. */
export const MAX_BARS = 500;
/** Series drawn at most (number columns, or values of the split-by category). */
export const MAX_SERIES = 12;

const NUMBER_TYPES = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric']);
const TIME_TYPES = new Set(['date', 'timestamp', 'timestamptz']);

export function roleOf(type: string): ColumnRole {
  if (NUMBER_TYPES.has(type)) return 'number';
  if (TIME_TYPES.has(type)) return 'time';
  return 'category';
}

interface Roles {
  readonly numbers: number[];
  readonly times: number[];
  readonly categories: number[];
}

function rolesOf(columns: readonly ChartColumn[]): Roles {
  const roles: Roles = { numbers: [], times: [], categories: [] };
  columns.forEach((c, i) => {
    const role = roleOf(c.type);
    (role === 'number' ? roles.numbers : role === 'time' ? roles.times : roles.categories).push(i);
  });
  return roles;
}

/** The kind the result's shape calls for, or undefined when nothing fits (no number column). */
export function autoKind(columns: readonly ChartColumn[]): ChartKind | undefined {
  const { numbers, times, categories } = rolesOf(columns);
  if (numbers.length === 0) return undefined;
  if (times.length > 0) return 'line';
  if (categories.length >= 2) return 'heatmap';
  return 'bar';
}

/** The data for `kind`, or a sentence saying why this result cannot be drawn that way. */
export function chartData(kind: ChartKind, input: ChartInput): ChartData | { readonly problem: string } {
  const roles = rolesOf(input.columns);
  if (roles.numbers.length === 0) return { problem: 'Charts need at least one numeric column.' };
  const rows = input.rows.length > MAX_CHART_ROWS ? input.rows.slice(0, MAX_CHART_ROWS) : input.rows;
  if (kind === 'heatmap') return heatmap(input.columns, rows, roles);
  if (kind === 'line') return line(input.columns, rows, roles);
  return bar(input.columns, rows, roles);
}

function bar(columns: readonly ChartColumn[], all: readonly (readonly unknown[])[], roles: Roles): ChartData {
  const rows = all.length > MAX_BARS ? all.slice(0, MAX_BARS) : all;
  const clipped = all.length - rows.length;
  const x = roles.categories[0] ?? roles.times[0];
  const categories = rows.map((row, r) => (x === undefined ? String(r + 1) : label(row[x])));
  const series = roles.numbers.slice(0, MAX_SERIES).map((c) => ({ name: columns[c]!.name, data: rows.map((row) => toNumber(row[c])) }));
  return { kind: 'bar', xName: x === undefined ? 'row' : columns[x]!.name, categories, series, ...(clipped > 0 ? { clipped } : {}) };
}

function line(columns: readonly ChartColumn[], rows: readonly (readonly unknown[])[], roles: Roles): ChartData {
  const x = roles.times[0] ?? roles.categories[0];
  const xIsTime = roles.times[0] !== undefined;
  const xOf = (row: readonly unknown[], r: number): string | number => (x === undefined ? r + 1 : label(row[x]));
  // On a time axis a row without a time has no place: it is left out (a NULL category is drawn as "NULL").
  let order = rows.map((row, r) => ({ row, r, t: xIsTime ? Date.parse(String(row[x!])) : 0 }));
  if (xIsTime) order = order.filter((o) => Number.isFinite(o.t)).sort((a, b) => a.t - b.t);
  // `ticker, date, close`: one line per ticker when the category has few enough values.
  const splitBy = xIsTime && roles.categories.length === 1 ? roles.categories[0]! : undefined;
  if (splitBy !== undefined) {
    const groups = new Map<string, [string | number, number | null][]>();
    for (const { row, r } of order) {
      const key = label(row[splitBy]);
      let points = groups.get(key);
      if (!points) groups.set(key, (points = []));
      points.push([xOf(row, r), toNumber(row[roles.numbers[0]!])]);
    }
    if (groups.size <= MAX_SERIES) {
      const series = [...groups].map(([name, data]) => ({ name, data }));
      return { kind: 'line', xName: columns[x!]!.name, xIsTime, categories: [], series };
    }
  }
  const series = roles.numbers.slice(0, MAX_SERIES).map((c) => ({ name: columns[c]!.name, data: order.map(({ row, r }) => [xOf(row, r), toNumber(row[c])] as const) }));
  const categories = xIsTime ? [] : order.map(({ row, r }) => String(xOf(row, r)));
  return { kind: 'line', xName: x === undefined ? 'row' : columns[x]!.name, xIsTime, categories, series };
}

function heatmap(columns: readonly ChartColumn[], rows: readonly (readonly unknown[])[], roles: Roles): ChartData | { readonly problem: string } {
  const axes = [...roles.categories, ...roles.times];
  if (axes.length < 2) return { problem: 'A heatmap needs two category (or time) columns and a number, e.g. ref, alt, count.' };
  const [xc, yc] = [axes[0]!, axes[1]!];
  const vc = roles.numbers[0]!;
  const x = distinct(rows.map((row) => label(row[xc])));
  const y = distinct(rows.map((row) => label(row[yc])));
  const xIndex = new Map(x.map((v, i) => [v, i]));
  const yIndex = new Map(y.map((v, i) => [v, i]));
  const cells: [number, number, number][] = [];
  let min = Infinity;
  let max = -Infinity;
  for (const row of rows) {
    const v = toNumber(row[vc]);
    if (v === null) continue;
    cells.push([xIndex.get(label(row[xc]))!, yIndex.get(label(row[yc]))!, v]);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (cells.length === 0) return { problem: 'Every value is NULL: nothing to draw.' };
  return { kind: 'heatmap', xName: columns[xc]!.name, yName: columns[yc]!.name, valueName: columns[vc]!.name, x, y, cells, min, max };
}

/** Distinct labels in a natural order (numbers numerically, text alphabetically). */
function distinct(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** Numbers arrive as JSON numbers, or as strings for exact decimals and 64-bit integers beyond 2^53. */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function label(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
