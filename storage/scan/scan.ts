import * as arrow from 'apache-arrow';
import { fileURLToPath } from 'node:url';
import { recordBatch } from '../../common/arrow/record-batch.js';
import { take } from '../../common/arrow/take.js';
import { SqlError } from '../../common/sql-error.js';
import { loadDeletionVector } from '../dv/read.js';
import { keepMask } from '../dv/selection.js';
import type { AddFile } from '../log/actions.js';
import { joinPath, type ObjectStore } from '../object-store/object-store.js';
import { deltaFieldToArrow } from '../schema/arrow.js';
import type { StructField } from '../schema/types.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { fileStats } from '../stats/file-stats.js';
import { ColumnCache } from './column-cache.js';
import { conformColumn, findSourceField, physicalName } from './conform.js';
import { constantData, parsePartitionValue } from './partition-values.js';
import { orderedPrefetch } from './prefetch.js';
import { fileMayMatch, selectFiles, type FilePredicate } from './prune.js';
import type { KeySet } from './flat-parquet/key-set.js';
import { stateName, VALUE_STATES } from './flat-parquet/partial-aggregate.js';
import { partialStateFields, plainNumber, rowsAsStates, type PartialAggregateSpec } from './partial-states.js';
import { openDataFile, type DataFile } from './read-parquet.js';
import { readFooter, selectRowGroups, type RowGroupSelection } from './row-groups.js';

export interface ScanOptions {
  /** Logical column names, in output order; empty when only row counts are needed. */
  readonly columns: readonly string[];
  /** Conjuncts every wanted row satisfies: files that cannot hold one are not read (prune.ts). */
  readonly filters?: readonly FilePredicate[];
  /**
   * More conjuncts, tightening while the scan runs (a top-N's boundary): asked for as each file
   * starts, they skip that file or some of its row groups. Files already started are read whole.
   */
  readonly dynamicFilters?: () => readonly FilePredicate[];
  /**
   * The caller needs only the set of distinct rows, not every row (`count(DISTINCT ticker)`,
   * `SELECT DISTINCT ticker`): a file of one wanted data column may answer each value of a row
   * group once (flat-parquet/column-chunk.ts), a file of only partition columns one row. Each
   * distinct row still comes at least once; files with a deletion vector are read row by row.
   */
  readonly distinctValues?: boolean;
  /**
   * The caller groups by `key` and aggregates `values` (all among `columns`): the scan answers
   * partial states instead of rows (partial-states.ts has their columns) — one per key of each
   * row group the decoder could aggregate (flat-parquet/partial-aggregate.ts), one per row
   * elsewhere. The caller merges them per key.
   */
  readonly partialAggregate?: PartialAggregateSpec;
  /**
   * The caller drops the rows whose value of a set's `column` is outside it (a hash join's build
   * keys), so storage may drop them first: files the flat decoder reads answer only the rows
   * inside every set (flat-parquet/key-set.ts). Such a narrowed read is not cached; the second one
   * of a file reads it whole, to be cached (column-cache.ts `readWhole`). Cached rows, files with a
   * deletion vector and partition columns come unnarrowed.
   */
  readonly keySets?: readonly KeySet[];
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** Decoded columns of hot files, reused across scans. */
  readonly cache?: ColumnCache;
  /** Counters the scan adds to (EXPLAIN ANALYZE shows them). */
  readonly metrics?: ScanMetrics;
}

/** What a scan read and skipped inside its files. */
export interface ScanMetrics {
  /** Row groups in the files whose footers were consulted, and those skipped by their statistics. */
  rowGroups: number;
  rowGroupsSkipped: number;
  /** Files the dynamic filters ruled out by their statistics as they were about to start. */
  filesSkippedAtRuntime: number;
}

export const DEFAULT_BATCH_SIZE = 65_536;
/**
 * Files decoded at once: enough to keep every decoding worker busy while one file is consumed.
 * Files go to the workers in turn and a worker decodes a whole 1M-row file ahead, so with 3 and
 * two workers the one holding a single file finished it and idled until the main thread moved
 * past the file before; 5 gives each worker a file to go on with.
 */
const FILES_IN_FLIGHT = 5;
/**
 * A distinct-values scan's files answer a few hundred rows each, so twice as many are under way
 * at once without holding more memory: the workers never wait for the scan to move past a file
 * whose row groups were slow to decode (count(DISTINCT ticker) over 10 files: 81–90 ms cold against 91–104).
 */
const DISTINCT_FILES_IN_FLIGHT = 10;

/**
 * Reads a snapshot's live files as Arrow record batches in the logical schema
 * (reference/delta-protocol.md §4 step 6): only the requested columns are decoded; files the
 * filters rule out are skipped; partition columns come from `partitionValues` (never directory
 * names); rows in a file's deletion vector are dropped; columns the file lacks are NULL;
 * physical names map back to logical ones. Files are decoded ahead, in order, on the worker pool.
 */
export async function* scanSnapshot(store: ObjectStore, snapshot: Snapshot, options: ScanOptions): AsyncGenerator<arrow.RecordBatch> {
  const fields = options.columns.map((name) => {
    const field = snapshot.schema.fields.find((f) => f.name === name);
    if (!field) throw SqlError.internal(`scan of ${snapshot.tableName} asked for unknown column ${name}`);
    return field;
  });
  const plan: FileScanPlan = {
    store,
    snapshot,
    fields,
    schema: new arrow.Schema(fields.map(deltaFieldToArrow)),
    partitionColumns: new Set(snapshot.partitionColumns),
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    ...(options.cache ? { cache: options.cache } : {}),
    filters: options.filters ?? [],
    ...(options.dynamicFilters ? { dynamicFilters: options.dynamicFilters } : {}),
    distinctValues: options.distinctValues === true,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.partialAggregate ? { partial: partialPlan(options.partialAggregate, fields, snapshot) } : {}),
    keySets: options.keySets ?? [],
  };
  const { files } = selectFiles(snapshot, options.filters ?? []);
  const perFile = files.map((add) => () => scanFile(plan, add));
  const partial = plan.partial;
  for await (const batch of orderedPrefetch(perFile, plan.distinctValues ? DISTINCT_FILES_IN_FLIGHT : FILES_IN_FLIGHT)) {
    if (options.signal?.aborted) throw new SqlError('57014', 'canceling statement due to user request');
    // Rows a partial scan read one by one: one state row each.
    yield partial === undefined || STATE_BATCHES.has(batch) ? batch : rowStates(batch, partial);
  }
}

/** Batches of partial states already (the others of a partial scan are rows). */
const STATE_BATCHES = new WeakSet<arrow.RecordBatch>();

/** A partial-aggregate scan's plan: its key and value fields and the schema of its batches. */
interface PartialPlan {
  readonly spec: PartialAggregateSpec;
  readonly key: StructField;
  readonly values: readonly StructField[];
  readonly schema: arrow.Schema;
}

function partialPlan(spec: PartialAggregateSpec, fields: readonly StructField[], snapshot: Snapshot): PartialPlan {
  const fieldOf = (name: string) => {
    const field = fields.find((f) => f.name === name);
    if (field === undefined) throw SqlError.internal(`partial aggregate of ${snapshot.tableName} over ${name}, which the scan does not read`);
    return field;
  };
  const key = fieldOf(spec.key);
  const values = spec.values.map(fieldOf);
  return { spec, key, values, schema: new arrow.Schema(partialStateFields(deltaFieldToArrow(key), values.map(deltaFieldToArrow))) };
}

/** A batch of the scan's columns as one state row per row. */
function rowStates(batch: arrow.RecordBatch, partial: PartialPlan): arrow.RecordBatch {
  const columnOf = (name: string) => batch.data.children[batch.schema.fields.findIndex((f) => f.name === name)] as arrow.Data;
  const states = rowsAsStates(partial.spec.values, columnOf, batch.numRows);
  const children = [columnOf(partial.spec.key), states.get(stateName('rows')) as arrow.Data, ...partial.spec.values.flatMap((v) => VALUE_STATES.map((state) => states.get(stateName(state, v)) as arrow.Data))];
  return recordBatch(partial.schema, children, batch.numRows);
}

interface FileScanPlan {
  readonly store: ObjectStore;
  readonly snapshot: Snapshot;
  readonly fields: readonly StructField[];
  readonly schema: arrow.Schema;
  readonly partitionColumns: ReadonlySet<string>;
  readonly batchSize: number;
  readonly cache?: ColumnCache;
  readonly filters: readonly FilePredicate[];
  readonly dynamicFilters?: () => readonly FilePredicate[];
  readonly distinctValues: boolean;
  readonly metrics?: ScanMetrics;
  readonly partial?: PartialPlan;
  /** Logical column names. */
  readonly keySets: readonly KeySet[];
}

/** One decoded chunk of a file: Parquet column name → data, and its row count. */
interface Chunk {
  readonly length: number;
  readonly columns: ReadonlyMap<string, arrow.Data>;
}

async function* scanFile(plan: FileScanPlan, add: AddFile): AsyncGenerator<arrow.RecordBatch> {
  const { snapshot, fields, partitionColumns } = plan;
  const path = dataFilePath(snapshot.tableRoot, add.path);
  const mode = snapshot.columnMappingMode;
  const partitionData = new Map<string, ReturnType<typeof parsePartitionValue>>();
  for (const field of fields) {
    if (!partitionColumns.has(field.name)) continue;
    // partitionValues are keyed by physical name under column mapping.
    const key = physicalName(field, mode);
    const raw = key in add.partitionValues ? add.partitionValues[key] : add.partitionValues[field.name];
    partitionData.set(field.name, parsePartitionValue(raw, field.type, `${path} partition value ${field.name}`));
  }
  // The dynamic filters as this file starts: its stats may already rule it out.
  const dynamic = plan.dynamicFilters?.() ?? [];
  if (dynamic.length > 0 && !fileMayMatch(snapshot, add, dynamic)) {
    if (plan.metrics) plan.metrics.filesSkippedAtRuntime++;
    return;
  }
  const deleted = add.deletionVector ? await loadDeletionVector(plan.store, snapshot.tableRoot, add.deletionVector) : undefined;
  const dataFields = fields.filter((f) => !partitionColumns.has(f.name));

  const assemble = (length: number, columnOf: (field: StructField) => arrow.Data | undefined) =>
    recordBatch(
      plan.schema,
      fields.map((field) => {
        if (partitionColumns.has(field.name)) return constantData(field.type, partitionData.get(field.name) ?? null, length);
        return columnOf(field) ?? constantData(field.type, null, length);
      }),
      length,
    );

  if (dataFields.length === 0) {
    // Only partition columns or a bare count: the row count comes from stats, else the footer.
    const physicalRows = fileStats(add)?.numRecords ?? (await footerRows(plan.store, add, path));
    const live = physicalRows - (deleted?.length ?? 0);
    // Every row of the file holds the same partition values.
    if (plan.distinctValues && fields.length > 0) {
      if (live > 0) yield assemble(1, () => undefined);
      return;
    }
    for (let start = 0; start < live; start += plan.batchSize) yield assemble(Math.min(plan.batchSize, live - start), () => undefined);
    return;
  }

  // Row groups whose footer statistics rule the predicates out are not decoded. Not with a
  // deletion vector: its row numbers count every row of the file.
  let selection = await rowGroupSelection(plan, add, path, dataFields, plan.filters);
  // The dynamic filters narrow the read, unless the planned read is in the column cache already
  // (then they would save nothing, and a narrower read would miss the cache).
  if (dynamic.length > 0 && !cachedRead(plan, path, add, dataFields, keptOf(selection))) {
    selection = (await rowGroupSelection(plan, add, path, dataFields, [...plan.filters, ...dynamic])) ?? selection;
  }
  if (selection !== undefined && plan.metrics) {
    plan.metrics.rowGroups += selection.total;
    plan.metrics.rowGroupsSkipped += selection.total - selection.kept.length;
  }
  if (selection?.kept.length === 0) return;
  const rowGroups = keptOf(selection);
  // Row groups may answer their distinct values, unless row numbers matter (a deletion vector).
  const distinct = plan.distinctValues && dataFields.length === 1 && deleted === undefined;
  // …or their partial aggregates, when every column they need is in the file (not a partition's).
  const partial = plan.partial !== undefined && deleted === undefined && [plan.partial.key, ...plan.partial.values].every((f) => !partitionColumns.has(f.name)) ? plan.partial : undefined;

  // …or only the rows whose keys are in the key sets, unless row numbers matter.
  const keySets = deleted === undefined && !distinct && partial === undefined ? plan.keySets.filter((set) => dataFields.some((f) => f.name === set.column)) : [];

  let firstRow = 0;
  for await (const { fileFields, chunk } of decodeChunks(plan, path, add, dataFields, rowGroups, distinct, partial, keySets)) {
    if (partial !== undefined && chunk.columns.has(stateName('rows'))) {
      yield partialBatch(partial, fileFields, chunk, mode, path);
      continue;
    }
    const keep = deleted ? keepMask(deleted, firstRow, chunk.length) : undefined;
    firstRow += chunk.length;
    const indices = keep ? maskToIndices(keep) : undefined;
    const length = indices ? indices.length : chunk.length;
    if (length === 0) continue;
    yield assemble(length, (field) => {
      const index = findSourceField(fileFields, field, mode);
      const sourceField = fileFields[index];
      const data = sourceField === undefined ? undefined : chunk.columns.get(sourceField.name);
      if (data === undefined) return undefined;
      return conformColumn(indices ? take(data, indices) : data, sourceField, field.type, mode, path);
    });
  }
}

/** A chunk of partial states (Parquet names, file types) as a batch of the scan's partial schema. */
function partialBatch(partial: PartialPlan, fileFields: readonly arrow.Field[], chunk: Chunk, mode: Snapshot['columnMappingMode'], path: string): arrow.RecordBatch {
  const source = (field: StructField) => fileFields[findSourceField(fileFields, field, mode)] as arrow.Field;
  const conformed = (field: StructField, name: string) => conformColumn(chunk.columns.get(name) as arrow.Data, source(field), field.type, mode, path);
  const keySource = source(partial.key);
  const children = [
    conformColumn(chunk.columns.get(keySource.name) as arrow.Data, keySource, partial.key.type, mode, path),
    chunk.columns.get(stateName('rows')) as arrow.Data,
    ...partial.values.flatMap((field) => {
      const name = source(field).name;
      return VALUE_STATES.map((state) => (state === 'min' || state === 'max' ? conformed(field, stateName(state, name)) : (chunk.columns.get(stateName(state, name)) as arrow.Data)));
    }),
  ];
  const batch = recordBatch(partial.schema, children, chunk.length);
  STATE_BATCHES.add(batch);
  return batch;
}

/**
 * Which row groups of the file may hold a row satisfying `filters`, by its footer's statistics;
 * undefined when no filter is on a column the file holds, or with a deletion vector (its row
 * numbers count every row of the file), or when the footer is unreadable (the decoder reports it).
 */
async function rowGroupSelection(plan: FileScanPlan, add: AddFile, path: string, dataFields: readonly StructField[], filters: readonly FilePredicate[]): Promise<RowGroupSelection | undefined> {
  if (add.deletionVector || !filters.some((p) => dataFields.some((f) => f.name === p.column))) return undefined;
  const fieldsByName = new Map(dataFields.map((f) => [f.name, f] as const));
  return readFooter(plan.store, add, path).then(
    (footer) => selectRowGroups(footer, filters, fieldsByName, plan.snapshot.columnMappingMode),
    () => undefined,
  );
}

/** The row groups to read: undefined for all of them. */
function keptOf(selection: RowGroupSelection | undefined): readonly number[] | undefined {
  return selection !== undefined && selection.kept.length < selection.total ? selection.kept : undefined;
}

/** Whether the column cache holds every wanted column of this read. */
function cachedRead(plan: FileScanPlan, path: string, add: AddFile, dataFields: readonly StructField[], rowGroups: readonly number[] | undefined): boolean {
  const key = ColumnCache.key(path, add.size, plan.batchSize, rowGroups);
  const known = plan.cache?.fieldsOf(key);
  return known !== undefined && plan.cache?.holds(key, sourceNames(known, dataFields, plan.snapshot)) === true;
}

/**
 * The file's chunks for the wanted fields: from the column cache when every column is there,
 * else decoded (and offered to the cache once the whole file has been read). `distinct`: the
 * one field's distinct values per row group will do — whole columns cached already serve too.
 * `partial`: partial aggregates will do — each chunk then holds the key and the states (Parquet
 * names), a row group read row by row holding one state row per row; cached columns serve too.
 */
async function* decodeChunks(
  plan: FileScanPlan,
  path: string,
  add: AddFile,
  dataFields: readonly StructField[],
  rowGroups: readonly number[] | undefined,
  distinct: boolean,
  partial: PartialPlan | undefined,
  keySets: readonly KeySet[],
): AsyncGenerator<{ fileFields: readonly arrow.Field[]; chunk: Chunk }> {
  const rowsCached = cachedRead(plan, path, add, dataFields, rowGroups);
  const valuesOnly = distinct && !rowsCached;
  const statesOnly = partial !== undefined && !rowsCached;
  const rowsKey = ColumnCache.key(path, add.size, plan.batchSize, rowGroups);
  const narrowed = keySets.length > 0 && !rowsCached && plan.cache?.readWhole(rowsKey) !== true;
  // Distinct values and partial states are cached apart (their chunks align with no other read's).
  const statesKey = partial === undefined ? rowsKey : `${rowsKey}\u0000partial=${partial.spec.key}:${partial.spec.values.join(',')}:${partial.spec.extremes?.join(',') ?? '*'}`;
  const key = valuesOnly ? `${rowsKey}\u0000distinct=${(dataFields[0] as StructField).name}` : statesOnly ? statesKey : rowsKey;
  const known = plan.cache?.fieldsOf(key);
  if (known) {
    const request = statesOnly ? partialRequest(known, partial, plan.snapshot) : undefined;
    const names = request !== undefined ? stateColumns(request) : sourceNames(known, dataFields, plan.snapshot);
    const hit = plan.cache?.lookup(key, names);
    if (hit) {
      for (let i = 0; i < hit.chunkRows.length; i++) {
        const columns = new Map(names.map((n) => [n, hit.columns.get(n)?.[i] as arrow.Data] as const));
        yield { fileFields: known, chunk: { length: hit.chunkRows[i] as number, columns } };
      }
      return;
    }
  }
  const file: DataFile = await openDataFile(plan.store, path);
  try {
    const names = sourceNames(file.fields, dataFields, plan.snapshot);
    if (names.length === 0) {
      // None of the wanted columns is in this file (added later): NULLs, one chunk per batch size.
      for (let start = 0; start < file.numRows; start += plan.batchSize) {
        yield { fileFields: file.fields, chunk: { length: Math.min(plan.batchSize, file.numRows - start), columns: new Map() } };
      }
      return;
    }
    // Partial states, when the file holds every column they need (else rows, cached as rows).
    const request = statesOnly ? partialRequest(file.fields, partial, plan.snapshot) : undefined;
    const storeKey = statesOnly && request === undefined ? rowsKey : key;
    const keptNames = request === undefined ? names : stateColumns(request);
    const sets = narrowed ? sourceKeySets(file.fields, dataFields, keySets, plan.snapshot) : [];
    // A narrowed read's rows are not the file's: not cached.
    const kept = plan.cache && sets.length === 0 ? { rows: [] as number[], columns: new Map<string, arrow.Data[]>(keptNames.map((n) => [n, []])) } : undefined;
    const options = {
      ...(rowGroups === undefined ? {} : { rowGroups }),
      ...(valuesOnly ? { distinctValues: true } : {}),
      ...(request === undefined ? {} : { partialAggregate: request }),
      ...(sets.length === 0 ? {} : { keySets: sets }),
    };
    for await (const batch of file.read(names, plan.batchSize, options)) {
      let columns = new Map(batch.schema.fields.map((f, i) => [f.name, batch.data.children[i] as arrow.Data] as const));
      if (request !== undefined && !columns.has(stateName('rows'))) {
        // A row group read row by row: one state row per row, so every chunk of the read is alike.
        const states = rowsAsStates(request.values, (name) => columns.get(name) as arrow.Data, batch.numRows);
        columns = new Map([[request.key, columns.get(request.key) as arrow.Data], ...states]);
      }
      if (kept) {
        kept.rows.push(batch.numRows);
        for (const [name, data] of columns) kept.columns.get(name)?.push(data);
      }
      yield { fileFields: file.fields, chunk: { length: batch.numRows, columns } };
    }
    if (kept && plan.cache) plan.cache.store(storeKey, file.fields, kept.rows, kept.columns);
  } finally {
    // Not awaited: a worker answers between row groups, and the next file's batches need not wait.
    file.close().catch(() => undefined);
  }
}

/**
 * A partial read's key and value columns by their Parquet names; undefined when the file lacks one
 * or holds one in another form than a plain number, string or date (a decimal file under a double
 * column: its rows are read and conformed first).
 */
function partialRequest(fileFields: readonly arrow.Field[], partial: PartialPlan, snapshot: Snapshot): PartialAggregateSpec | undefined {
  const sourceOf = (field: StructField) => fileFields[findSourceField(fileFields, field, snapshot.columnMappingMode)];
  const keySource = sourceOf(partial.key);
  if (keySource === undefined || !(arrow.DataType.isUtf8(keySource.type) || plainNumber(keySource.type))) return undefined;
  const sources = partial.values.map(sourceOf);
  if (!sources.every((source) => source !== undefined && plainNumber(source.type))) return undefined;
  const values = sources.map((source) => (source as arrow.Field).name);
  const extremes = partial.spec.extremes === undefined ? undefined : values.filter((_, k) => partial.spec.extremes?.includes((partial.values[k] as StructField).name));
  return { key: keySource.name, values, ...(extremes === undefined ? {} : { extremes }) };
}

/** The columns of a partial read's chunks: the key, then the states. */
function stateColumns(request: PartialAggregateSpec): string[] {
  return [request.key, stateName('rows'), ...request.values.flatMap((v) => VALUE_STATES.map((state) => stateName(state, v)))];
}

/** The key sets on the file's columns, by their Parquet names. */
function sourceKeySets(fileFields: readonly arrow.Field[], dataFields: readonly StructField[], keySets: readonly KeySet[], snapshot: Snapshot): KeySet[] {
  return keySets.flatMap((set) => {
    const field = dataFields.find((f) => f.name === set.column);
    const source = field === undefined ? undefined : fileFields[findSourceField(fileFields, field, snapshot.columnMappingMode)];
    return source === undefined ? [] : [{ ...set, column: source.name }];
  });
}

/** The distinct top-level Parquet columns holding the wanted fields. */
function sourceNames(fileFields: readonly arrow.Field[], dataFields: readonly StructField[], snapshot: Snapshot): string[] {
  const names = new Set<string>();
  for (const field of dataFields) {
    const index = findSourceField(fileFields, field, snapshot.columnMappingMode);
    const source = fileFields[index];
    if (source) names.add(source.name);
  }
  return [...names];
}

/**
 * Row counts of data files without `numRecords` stats, read from their footers once per add
 * action: data files are immutable and a snapshot's adds outlive its scans (a refresh keeps
 * them), so `count(*)` over such a table opens no file after its first run.
 */
const footerRowCounts = new WeakMap<AddFile, Promise<number>>();

function footerRows(store: ObjectStore, add: AddFile, path: string): Promise<number> {
  let rows = footerRowCounts.get(add);
  if (rows === undefined) {
    rows = (async () => {
      const file = await openDataFile(store, path);
      try {
        return file.numRows;
      } finally {
        await file.close();
      }
    })();
    footerRowCounts.set(add, rows);
    rows.catch(() => footerRowCounts.delete(add)); // a failure is reported to each statement that asks
  }
  return rows;
}

function maskToIndices(mask: Uint8Array): Int32Array {
  const out = new Int32Array(mask.length);
  let n = 0;
  for (let row = 0; row < mask.length; row++) if (mask[row]) out[n++] = row;
  return out.subarray(0, n);
}

/** `add.path` is a URI: relative to the table root, or absolute; URL-decoded exactly once (§1). */
export function dataFilePath(tableRoot: string, uri: string): string {
  if (/^file:/i.test(uri)) return fileURLToPath(uri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) throw SqlError.unsupportedFeature(`data file on another store (${uri})`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch (err) {
    throw SqlError.corruptData(uri, 'add.path is not a valid URI', err);
  }
  return decoded.startsWith('/') ? decoded : joinPath(tableRoot, decoded);
}
