import * as arrow from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import { take } from '../../common/arrow/take.js';
import { dataBytes } from '../../common/arrow/data-bytes.js';
import type { AddFile } from '../log/actions.js';
import { joinPath, type ObjectStore } from '../object-store/object-store.js';
import type { StructField, StructType } from '../schema/types.js';
import type { ColumnMappingMode } from '../snapshot/snapshot.js';
import { encodeParquet } from './parquet-file.js';
import { encodeLogPath, partitionFolder, partitionValues } from './partition-path.js';
import { columnsByField, physicalLayout, type PhysicalLayout } from './physical.js';
import { DEFAULT_INDEXED_COLUMNS, StatsCollector } from './stats.js';

/**
 * Arrow bytes buffered across all partitions before the biggest partition's file is written
 * early: a bulk load into many partitions must not hold a target-size file per partition.
 */
export const MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

/** Delta's default `delta.targetFileSize` (Spark OPTIMIZE's 1 GiB is for compaction; writes use 128 MiB). */
export const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;

export interface DataWriterOptions {
  readonly store: ObjectStore;
  readonly tableRoot: string;
  readonly tableName: string;
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  readonly columnMappingMode: ColumnMappingMode;
  readonly configuration: Readonly<Record<string, string>>;
  readonly engine: string;
  readonly dataChange: boolean;
  readonly targetFileSize?: number;
  readonly maxRowsPerFile?: number;
  /** Folder under the table root (`_change_data` for CDC files); default the root. */
  readonly subfolder?: string;
  /** Arrow bytes buffered across partitions before files are written early (default MAX_BUFFERED_BYTES). */
  readonly maxBufferedBytes?: number;
  /** Extra logical columns written after the table's (CDC's `_change_type`). */
  readonly extraFields?: readonly StructField[];
}

interface Pending {
  readonly values: Readonly<Record<string, string | null>>;
  chunks: arrow.Data[][];
  rows: number;
  bytes: number;
}

/**
 * Writes rows into new data files (reference/delta-protocol.md §8): one file per partition at a
 * time, cut at the target size (measured on the Arrow data, which Parquet compresses further)
 * or at `maxRowsPerFile`, named `part-00000-<uuid>.c000.snappy.parquet` under Hive-style
 * partition folders, each with its `add` action and `stats`.
 */
export class DataWriter {
  private readonly layout: PhysicalLayout;
  private readonly partitionFields: readonly StructField[];
  private readonly pending = new Map<string, Pending>();
  private readonly adds: AddFile[] = [];
  private readonly target: number;
  private readonly indexedColumns: number;
  private fileCounter = 0;
  private bufferedBytes = 0;
  /** Physical bytes written so far (for metrics). */
  bytesWritten = 0;
  rowsWritten = 0;

  constructor(private readonly options: DataWriterOptions) {
    const base = physicalLayout(options.schema, options.partitionColumns, options.columnMappingMode);
    if (options.extraFields?.length) {
      const extended: StructType = { kind: 'struct', fields: [...base.dataFields, ...options.extraFields] };
      this.layout = physicalLayout(extended, [], options.columnMappingMode);
    } else {
      this.layout = base;
    }
    this.partitionFields = options.partitionColumns.map((name) => options.schema.fields.find((f) => f.name === name) as StructField);
    this.target = options.targetFileSize ?? (Number(options.configuration['delta.targetFileSize']) || DEFAULT_TARGET_FILE_SIZE);
    const configured = Number(options.configuration['delta.dataSkippingNumIndexedCols']);
    this.indexedColumns = Number.isInteger(configured) ? configured : DEFAULT_INDEXED_COLUMNS;
  }

  /** Adds one logical batch; full files are written as they fill. */
  async write(batch: arrow.RecordBatch): Promise<void> {
    if (batch.numRows === 0) return;
    const data = columnsByField(batch, this.layout.dataFields, this.options.tableName);
    if (this.partitionFields.length === 0) {
      await this.append('', {}, data);
      return;
    }
    const keys = columnsByField(batch, this.partitionFields, this.options.tableName).map((d, i) => partitionValues(d, (this.partitionFields[i] as StructField).type));
    const groups = new Map<string, number[]>();
    for (let row = 0; row < batch.numRows; row++) {
      let key = '';
      for (const column of keys) key += (column[row] === null ? '\u0001' : (column[row] as string)) + '\u0000';
      let rows = groups.get(key);
      if (!rows) groups.set(key, (rows = []));
      rows.push(row);
    }
    for (const [key, rows] of groups) {
      const first = rows[0] as number;
      const values: Record<string, string | null> = {};
      this.partitionFields.forEach((field, i) => (values[this.physicalName(field)] = (keys[i] as (string | null)[])[first] ?? null));
      const indices = Int32Array.from(rows);
      await this.append(key, values, groups.size === 1 ? data : data.map((d) => take(d, indices)));
    }
  }

  /** Writes every buffered partition and returns all `add` actions. */
  async finish(): Promise<AddFile[]> {
    for (const pending of this.pending.values()) await this.flush(pending);
    this.pending.clear();
    return this.adds;
  }

  private physicalName(field: StructField): string {
    const physical = field.metadata['delta.columnMapping.physicalName'];
    return this.options.columnMappingMode !== 'none' && typeof physical === 'string' ? physical : field.name;
  }

  private async append(key: string, values: Readonly<Record<string, string | null>>, columns: arrow.Data[]): Promise<void> {
    let pending = this.pending.get(key);
    if (!pending) this.pending.set(key, (pending = { values, chunks: [], rows: 0, bytes: 0 }));
    const length = columns[0]?.length ?? 0;
    // Measure once and share out per row (a slice reports its whole parent buffers: an overestimate).
    const bytesPerRow = length === 0 ? 0 : columns.reduce((sum, d) => sum + dataBytes(d), 0) / length;
    let offset = 0;
    while (offset < length) {
      const room = this.options.maxRowsPerFile === undefined ? length - offset : Math.min(length - offset, this.options.maxRowsPerFile - pending.rows);
      const part = offset === 0 && room === length ? columns : columns.map((d) => d.slice(offset, room));
      pending.chunks.push(part);
      pending.rows += room;
      pending.bytes += bytesPerRow * room;
      this.bufferedBytes += bytesPerRow * room;
      offset += room;
      const full = pending.bytes >= this.target || (this.options.maxRowsPerFile !== undefined && pending.rows >= this.options.maxRowsPerFile);
      if (full) await this.flush(pending);
    }
    while (this.bufferedBytes > (this.options.maxBufferedBytes ?? MAX_BUFFERED_BYTES)) {
      let biggest: Pending | undefined;
      for (const p of this.pending.values()) if (!biggest || p.bytes > biggest.bytes) biggest = p;
      if (!biggest || biggest.rows === 0) break;
      await this.flush(biggest);
    }
  }

  private async flush(pending: Pending): Promise<void> {
    if (pending.rows === 0) return;
    const chunks = pending.chunks;
    this.bufferedBytes -= pending.bytes;
    pending.chunks = [];
    pending.rows = 0;
    pending.bytes = 0;
    const stats = new StatsCollector(this.layout.physicalFields, this.indexedColumns);
    for (const chunk of chunks) stats.add(chunk, this.layout.physicalFields);
    const bytes = encodeParquet(this.layout.arrowSchema, chunks, this.options.engine);
    const folder = (this.options.subfolder ? this.options.subfolder + '/' : '') + partitionFolder(this.partitionFields.map((f) => this.physicalName(f)), pending.values);
    const prefix = this.options.subfolder === '_change_data' ? 'cdc' : 'part';
    const name = `${prefix}-${String(this.fileCounter++).padStart(5, '0')}-${randomUUID()}.c000.snappy.parquet`;
    const relative = folder + name;
    await this.options.store.put(joinPath(this.options.tableRoot, relative), bytes);
    this.bytesWritten += bytes.length;
    this.rowsWritten += stats.numRecords;
    this.adds.push({
      path: encodeLogPath(relative),
      partitionValues: pending.values,
      size: bytes.length,
      modificationTime: Date.now(),
      dataChange: this.options.dataChange,
      stats: stats.toJson(),
    });
  }
}
