import { parquetMetadataAsync, type ColumnChunk, type FileMetaData, type RowGroup } from 'hyparquet';
import { objectStoreBuffer } from '../checkpoint/read.js';
import type { ObjectStore } from '../object-store/object-store.js';
import type { StructField } from '../schema/types.js';
import type { ColumnMappingMode } from '../snapshot/snapshot.js';
import type { FileStats } from '../stats/file-stats.js';
import { physicalName } from './conform.js';
import { statsMayMatch, type FilePredicate } from './prune.js';

/**
 * Row-group skipping from the Parquet footer: each row group's column-chunk statistics
 * (min/max/null count) are bounds like a Delta file's stats, so the same test (prune.ts
 * `statsMayMatch`) tells which row groups may hold a row satisfying every pushed predicate; the
 * reader then decodes only those. Conservative like file skipping: a row group without usable
 * statistics for a predicate's column is kept; decimals (hyparquet reads their bounds as floats)
 * and inexact string bounds are not used.
 *
 * The footer is read with hyparquet (a ranged read of the file's tail) only when a scan has
 * predicates on a column the file holds at the top level.
 */
export interface RowGroupSelection {
  /** Row groups in the file. */
  readonly total: number;
  /** Indexes of the row groups to read, ascending. */
  readonly kept: readonly number[];
}

/** Small files' footers fit in one read; bigger footers cost a second. */
const FOOTER_FETCH_BYTES = 64 * 1024;

/** The footers of data files read so far, per add action (a snapshot's adds outlive its scans). */
const footers = new WeakMap<object, Promise<FileMetaData>>();

/** The file's Parquet footer, read once per add action (a ranged read of the file's tail). */
export function readFooter(store: ObjectStore, add: { readonly size: number }, path: string): Promise<FileMetaData> {
  let footer = footers.get(add);
  if (footer === undefined) {
    footer = parquetMetadataAsync(objectStoreBuffer(store, { path, size: add.size } as never), {
      initialFetchSize: Math.min(add.size, FOOTER_FETCH_BYTES),
      parsers: BOUND_PARSERS,
    });
    footers.set(add, footer);
    footer.catch(() => footers.delete(add));
  }
  return footer;
}

/** The row groups of a file that may hold a row satisfying every predicate (on `fields`). */
export function selectRowGroups(metadata: FileMetaData, predicates: readonly FilePredicate[], fields: ReadonlyMap<string, StructField>, mode: ColumnMappingMode): RowGroupSelection {
  const kept: number[] = [];
  metadata.row_groups.forEach((group, index) => {
    const stats = rowGroupStats(group, fields, mode);
    if (predicates.every((p) => !fields.has(p.column) || statsMayMatch(stats, p, fields.get(p.column) as StructField, mode))) kept.push(index);
  });
  return { total: metadata.row_groups.length, kept };
}

/**
 * Bounds in the forms Delta's JSON stats use, which `statsMayMatch` reads: numbers, bigint for
 * int64, dates as `YYYY-MM-DD`, timestamps as Dates floored to the millisecond (the test widens
 * a max by 999 µs).
 */
const BOUND_PARSERS = {
  dateFromDays: (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10),
  timestampFromMilliseconds: (ms: bigint) => new Date(Number(ms)),
  timestampFromMicroseconds: (us: bigint) => new Date(Number(floorDiv(us, 1000n))),
  timestampFromNanoseconds: (ns: bigint) => new Date(Number(floorDiv(ns, 1_000_000n))),
  stringFromBytes: (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes)),
} as never;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** One row group's statistics as FileStats, keyed by physical column name (top-level columns). */
function rowGroupStats(group: RowGroup, fields: ReadonlyMap<string, StructField>, mode: ColumnMappingMode): FileStats {
  const byPhysical = new Map<string, StructField>();
  for (const field of fields.values()) byPhysical.set(physicalName(field, mode), field);
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, unknown> = {};
  for (const chunk of group.columns as ColumnChunk[]) {
    const meta = chunk.meta_data;
    const path = meta?.path_in_schema;
    if (meta === undefined || path === undefined || path.length !== 1) continue;
    const name = path[0] as string;
    const field = byPhysical.get(name);
    const stats = meta.statistics;
    if (field === undefined || stats === undefined) continue;
    if (stats.null_count !== undefined) nullCount[name] = stats.null_count;
    if (field.type.kind === 'decimal') continue;
    const exact = stats.is_min_value_exact !== false && stats.is_max_value_exact !== false;
    // The deprecated min/max order byte arrays as signed bytes: only the typed bounds for strings.
    const min = field.type.kind === 'primitive' && field.type.name === 'string' ? stats.min_value : (stats.min_value ?? stats.min);
    const max = field.type.kind === 'primitive' && field.type.name === 'string' ? stats.max_value : (stats.max_value ?? stats.max);
    if (typeof min === 'string' && !exact) continue;
    if (min !== undefined && min !== null) minValues[name] = min;
    if (max !== undefined && max !== null) maxValues[name] = max;
  }
  return { numRecords: Number(group.num_rows), minValues, maxValues, nullCount, tightBounds: true };
}
