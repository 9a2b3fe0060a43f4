import { createHash } from 'node:crypto';

/**
 * Writers for real Delta JSON (reference/delta-protocol.md §3): what Spark writes for a plain
 * append-only table at protocol (1, 2), so the benchmark reads the log shape users have.
 */

export type SparkType = 'date' | 'string' | 'double' | 'long' | 'integer' | 'boolean' | 'timestamp';

export interface Column {
  readonly name: string;
  readonly type: SparkType;
}

/** The stock-analysis shape of PRODUCT.md job 1, used by every generated table. */
export const PRICE_COLUMNS: readonly Column[] = [
  { name: 'date', type: 'date' },
  { name: 'ticker', type: 'string' },
  { name: 'open', type: 'double' },
  { name: 'high', type: 'double' },
  { name: 'low', type: 'double' },
  { name: 'close', type: 'double' },
  { name: 'volume', type: 'long' },
];

/** Spark's `schemaString`: a JSON struct type, every field nullable with empty metadata. */
export function sparkSchemaString(columns: readonly Column[]): string {
  return JSON.stringify({ type: 'struct', fields: columns.map((c) => ({ name: c.name, type: c.type, nullable: true, metadata: {} })) });
}

export const PROTOCOL = { minReaderVersion: 1, minWriterVersion: 2 } as const;

export interface MetaData {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly format: { readonly provider: 'parquet'; readonly options: Record<string, string> };
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Record<string, string>;
  readonly createdTime: number;
}

export function metaData(id: string, columns: readonly Column[], createdTime: number): MetaData {
  return {
    id,
    name: null,
    description: null,
    format: { provider: 'parquet', options: {} },
    schemaString: sparkSchemaString(columns),
    partitionColumns: [],
    configuration: {},
    createdTime,
  };
}

export interface AddFile {
  readonly path: string;
  readonly partitionValues: Record<string, string>;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** Spark's statistics JSON: numRecords, minValues, maxValues, nullCount. */
  readonly stats: string;
}

/** Per-file statistics as Spark writes them (dates as `YYYY-MM-DD`, strings, numbers). */
export interface FileStats {
  readonly numRecords: number;
  readonly minValues: Record<string, string | number>;
  readonly maxValues: Record<string, string | number>;
  readonly nullCount: Record<string, number>;
}

export function statsJson(stats: FileStats): string {
  return JSON.stringify(stats);
}

export interface CommitOptions {
  readonly timestamp: number;
  readonly operation: 'WRITE' | 'CREATE TABLE AS SELECT';
  readonly mode: 'Append' | 'ErrorIfExists';
  readonly readVersion?: number;
  readonly adds: readonly AddFile[];
  /** Version 0 also carries the protocol and the table's metaData. */
  readonly metaData?: MetaData;
}

/** One commit file's text: commitInfo first (as Spark writes it), then the actions, one per line. */
export function commitText(options: CommitOptions): string {
  const rows = options.adds.reduce((n, a) => n + (JSON.parse(a.stats) as FileStats).numRecords, 0);
  const bytes = options.adds.reduce((n, a) => n + a.size, 0);
  const lines: unknown[] = [
    {
      commitInfo: {
        timestamp: options.timestamp,
        operation: options.operation,
        operationParameters: { mode: options.mode, partitionBy: '[]' },
        ...(options.readVersion === undefined ? {} : { readVersion: options.readVersion }),
        isolationLevel: 'Serializable',
        isBlindAppend: true,
        operationMetrics: { numFiles: String(options.adds.length), numOutputRows: String(rows), numOutputBytes: String(bytes) },
        engineInfo: 'deltasql-bench',
        txnId: uuidFrom(`txn-${options.timestamp}-${options.adds[0]?.path ?? ''}`),
      },
    },
  ];
  if (options.metaData) lines.push({ protocol: PROTOCOL }, { metaData: options.metaData });
  for (const add of options.adds) lines.push({ add });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

/** A 20-digit zero-padded log file name, e.g. `00000000000000000042.json`. */
export function logFileName(version: number, suffix: 'json' | 'checkpoint.parquet'): string {
  return `${String(version).padStart(20, '0')}.${suffix}`;
}

/** Spark's data file name, `part-00042-<uuid>-c000.snappy.parquet`, deterministic in `seed`. */
export function dataFileName(index: number, seed: string): string {
  return `part-${String(index).padStart(5, '0')}-${uuidFrom(`${seed}-${index}`)}-c000.snappy.parquet`;
}

/** A UUID-shaped string derived from `seed`, so regenerated tables get the same names. */
export function uuidFrom(seed: string): string {
  const h = createHash('md5').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
