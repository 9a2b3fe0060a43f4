import { parseDate, parseTimestamp } from '../../common/time/datetime.js';
import type { AddFile } from '../log/actions.js';
import type { DeltaType, StructField } from '../schema/types.js';
import type { ColumnMappingMode, Snapshot } from '../snapshot/snapshot.js';
import { fileStats, type FileStats } from '../stats/file-stats.js';
import { physicalName } from './conform.js';
import { parseDecimalUnscaled, parsePartitionValue, type PartitionScalar } from './partition-values.js';

/**
 * A conjunct pushed into a scan (planner/catalog.ts `ScanPredicate`, restated structurally:
 * storage does not import the planner). Values are in the column's scalar form: number for
 * int8/16/32, floats and dates (days); bigint for int64, decimal (unscaled) and timestamps (µs);
 * string; boolean.
 */
export type FilePredicate =
  | { readonly kind: 'compare'; readonly column: string; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly value: unknown; readonly orNull?: boolean }
  | { readonly kind: 'isNull'; readonly column: string; readonly negated: boolean }
  | { readonly kind: 'in'; readonly column: string; readonly values: readonly unknown[] };

export interface FileSelection {
  readonly files: readonly AddFile[];
  readonly totalFiles: number;
  readonly keptFiles: number;
  readonly skippedByPartition: number;
  readonly skippedByStats: number;
}

/**
 * Data skipping (reference/delta-protocol.md §3–4): drops the files that cannot hold a row
 * satisfying every predicate — by `partitionValues` exactly, and by `add.stats` bounds. Only ever
 * conservative: stats are bounds, not values (strings are prefix-truncated to 32 characters,
 * timestamps truncated to milliseconds, `tightBounds=false` after DV deletes), so a file is skipped
 * only when its bounds prove no row can match. The rows of kept files are filtered by the plan.
 */
export function selectFiles(snapshot: Snapshot, predicates: readonly FilePredicate[]): FileSelection {
  const total = snapshot.files.length;
  if (predicates.length === 0) return { files: snapshot.files, totalFiles: total, keptFiles: total, skippedByPartition: 0, skippedByStats: 0 };
  const partitionColumns = new Set(snapshot.partitionColumns);
  const fields = new Map(snapshot.schema.fields.map((f) => [f.name, f] as const));
  const usable = predicates.filter((p) => fields.has(p.column));
  const partitionPredicates = usable.filter((p) => partitionColumns.has(p.column));
  const statsPredicates = usable.filter((p) => !partitionColumns.has(p.column));
  let byPartition = 0;
  let byStats = 0;
  const files = snapshot.files.filter((add) => {
    const verdict = fileVerdict(add, partitionPredicates, statsPredicates, fields, snapshot.columnMappingMode);
    if (verdict === 'partition') byPartition++;
    if (verdict === 'stats') byStats++;
    return verdict === 'keep';
  });
  return { files, totalFiles: total, keptFiles: files.length, skippedByPartition: byPartition, skippedByStats: byStats };
}

/** Whether one file may hold a row satisfying every predicate (its partition values, then its stats). */
export function fileMayMatch(snapshot: Snapshot, add: AddFile, predicates: readonly FilePredicate[]): boolean {
  const partitionColumns = new Set(snapshot.partitionColumns);
  const fields = new Map(snapshot.schema.fields.map((f) => [f.name, f] as const));
  const usable = predicates.filter((p) => fields.has(p.column));
  const onPartitions = usable.filter((p) => partitionColumns.has(p.column));
  const onStats = usable.filter((p) => !partitionColumns.has(p.column));
  return fileVerdict(add, onPartitions, onStats, fields, snapshot.columnMappingMode) === 'keep';
}

function fileVerdict(
  add: AddFile,
  partitionPredicates: readonly FilePredicate[],
  statsPredicates: readonly FilePredicate[],
  fields: ReadonlyMap<string, StructField>,
  mode: ColumnMappingMode,
): 'keep' | 'partition' | 'stats' {
  if (partitionPredicates.some((p) => !partitionMayMatch(add, p, fields.get(p.column) as StructField, mode))) return 'partition';
  if (statsPredicates.length > 0) {
    const stats = fileStats(add);
    if (stats && statsPredicates.some((p) => !statsMayMatch(stats, p, fields.get(p.column) as StructField, mode))) return 'stats';
  }
  return 'keep';
}

/** Rows the live files hold (numRecords less deletion-vector cardinality); undefined without stats. */
export function estimateRows(files: readonly AddFile[]): number | undefined {
  let rows = 0;
  for (const add of files) {
    const n = fileStats(add)?.numRecords;
    if (n === undefined) return undefined;
    rows += n - (add.deletionVector?.cardinality ?? 0);
  }
  return rows;
}

// ── partitions: exact values ──

function partitionMayMatch(add: AddFile, p: FilePredicate, field: StructField, mode: ColumnMappingMode): boolean {
  const key = physicalName(field, mode);
  const raw = key in add.partitionValues ? add.partitionValues[key] : add.partitionValues[field.name];
  let value: PartitionScalar;
  try {
    value = parsePartitionValue(raw, field.type, add.path);
  } catch {
    return true; // an unparseable value is the scan's error to report, not a reason to skip
  }
  switch (p.kind) {
    case 'isNull':
      return (value === null) !== p.negated;
    case 'in':
      return value !== null && p.values.some((v) => compareScalars(value, v) === 0);
    case 'compare': {
      if (value === null) return p.orNull === true;
      const c = compareScalars(value, p.value);
      if (c === undefined) return true;
      return holds(p.op, c);
    }
  }
}

// ── statistics: bounds ──

/** Whether a file (or a row group, storage/scan/row-groups.ts) with these bounds may hold a row satisfying `p`. */
export function statsMayMatch(stats: FileStats, p: FilePredicate, field: StructField, mode: ColumnMappingMode): boolean {
  const key = physicalName(field, mode);
  const nullCount = toNumber(stats.nullCount[key]);
  const allNull = nullCount !== undefined && stats.numRecords !== undefined && nullCount === stats.numRecords && stats.tightBounds;
  if (p.kind === 'isNull') {
    if (!stats.tightBounds || nullCount === undefined) return true;
    return p.negated ? !allNull : nullCount > 0;
  }
  // A NULL qualifies too: any NULL (or not knowing) keeps the file.
  if (p.kind === 'compare' && p.orNull === true && (nullCount === undefined || nullCount > 0 || !stats.tightBounds)) return true;
  if (allNull) return false; // a comparison with NULL is never true
  const min = boundOf(stats.minValues[key], field.type, 'min');
  const max = boundOf(stats.maxValues[key], field.type, 'max');
  const mayEqual = (v: unknown) => {
    const low = min === undefined ? undefined : compareScalars(v, min);
    const high = max === undefined ? undefined : compareScalars(v, max);
    return !(low !== undefined && low < 0) && !(high !== undefined && high > 0);
  };
  if (p.kind === 'in') return p.values.some(mayEqual);
  const v = p.value;
  switch (p.op) {
    case '=':
      return mayEqual(v);
    case '<>':
      return !(min !== undefined && max !== undefined && compareScalars(min, v) === 0 && compareScalars(max, v) === 0 && nullCount === 0);
    case '<':
      return min === undefined || (compareScalars(min, v) ?? -1) < 0;
    case '<=':
      return min === undefined || (compareScalars(min, v) ?? -1) <= 0;
    case '>':
      return max === undefined || (compareScalars(max, v) ?? 1) > 0;
    case '>=':
      return max === undefined || (compareScalars(max, v) ?? 1) >= 0;
  }
}

/**
 * A stats value as a bound in the column's scalar form, widened where Delta's stats are lossy;
 * undefined when it cannot serve as a bound at all.
 */
function boundOf(raw: unknown, type: DeltaType, side: 'min' | 'max'): unknown {
  if (raw === undefined || raw === null) return undefined;
  if (type.kind === 'decimal') {
    const n = typeof raw === 'number' ? raw : Number(raw);
    // A JSON number only represents a decimal exactly up to 15 significant digits.
    if (!Number.isFinite(n) || Math.abs(n) * 10 ** type.scale >= 2 ** 50) return undefined;
    return parseDecimalUnscaled(String(raw), type.scale);
  }
  if (type.kind !== 'primitive') return undefined;
  switch (type.name) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double': {
      const n = toNumber(raw);
      return n === undefined || Number.isNaN(n) ? undefined : n;
    }
    case 'long': {
      if (typeof raw === 'bigint') return raw;
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) return BigInt(raw);
      if (typeof raw === 'string' && /^-?\d+$/.test(raw)) return BigInt(raw);
      return undefined;
    }
    case 'string':
      // Prefix-truncated: a min prefix is still a lower bound, a truncated max is not an upper one.
      if (typeof raw !== 'string') return undefined;
      return side === 'max' && [...raw].length >= 32 ? undefined : raw;
    case 'date':
      return typeof raw === 'string' ? parseDate(raw) : undefined;
    case 'timestamp':
    case 'timestamp_ntz': {
      const micros = raw instanceof Date ? BigInt(raw.getTime()) * 1000n : typeof raw === 'string' ? parseTimestamp(raw, type.name === 'timestamp_ntz') : undefined;
      if (micros === undefined) return undefined;
      // Truncated to milliseconds: the true maximum may be up to 999 µs later.
      return side === 'max' ? micros + 999n : micros;
    }
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    default:
      return undefined;
  }
}

/** Three-way comparison of two scalars of one column's form; undefined when incomparable. */
function compareScalars(a: unknown, b: unknown): number | undefined {
  if (a === null || b === null || a === undefined || b === undefined) return undefined;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    if (typeof a === 'number' && Number.isNaN(a)) return undefined;
    if (typeof b === 'number' && Number.isNaN(b)) return undefined;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return undefined;
}

/** Byte (code point) order, as Parquet, Delta stats and the executor order strings. */
function compareUtf8(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

function holds(op: '=' | '<>' | '<' | '<=' | '>' | '>=', c: number): boolean {
  switch (op) {
    case '=': return c === 0;
    case '<>': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}
