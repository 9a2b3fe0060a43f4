/**
 * Test files written with parquet-wasm's writer (arrow-rs): every type the flat decoder covers,
 * NULLs, and writer settings that give data page v2, gzip, several pages per chunk, small row
 * groups and dictionaries that fall back to PLAIN mid-chunk.
 */
import { writeFileSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import * as parquet from 'parquet-wasm';

export const ROWS = 10_007;

/** A table of `ROWS` rows: one column per covered type, most nullable with NULLs. */
export function sampleTable(): arrow.Table {
  const n = ROWS;
  const pick = <T>(f: (i: number) => T, nullEvery = 0) => Array.from({ length: n }, (_, i) => (nullEvery > 0 && i % nullEvery === 3 ? null : f(i)));
  const tickers = Array.from({ length: 37 }, (_, k) => `T${k.toString(36).toUpperCase()}${'x'.repeat(k % 5)}`);
  const vector = <T extends arrow.DataType>(type: T, values: unknown[]) => arrow.vectorFromArray(values as never, type);
  const columns: Record<string, arrow.Vector> = {
    b: vector(new arrow.Bool(), pick((i) => i % 3 === 0, 7)),
    i8: vector(new arrow.Int8(), pick((i) => (i % 256) - 128, 11)),
    i16: vector(new arrow.Int16(), pick((i) => (i * 7) % 65536 - 32768)),
    i32: vector(new arrow.Int32(), pick((i) => i * 2654435761 | 0, 5)),
    i64: vector(new arrow.Int64(), pick((i) => BigInt(i) * 1_000_000_007n - 5_000_000_000_000n, 13)),
    f32: vector(new arrow.Float32(), pick((i) => i / 8, 9)),
    f64: vector(new arrow.Float64(), pick((i) => Math.sin(i) * 1e6, 4)),
    d: vector(new arrow.DateDay(), pick((i) => new Date(Date.UTC(2000, 0, 1 + (i % 4000))), 6)),
    ts: vector(new arrow.TimestampMicrosecond('UTC'), pick((i) => 1_600_000_000_000 + i * 1_000, 8)),
    ts_ms: vector(new arrow.TimestampMillisecond(), pick((i) => 1_600_000_000_000 + i * 17)),
    s: vector(new arrow.Utf8(), pick((i) => tickers[(i * 7) % tickers.length], 10)),
    u: vector(new arrow.Utf8(), pick((i) => `unique-${i}-${'é'.repeat(i % 4)}`, 12)),
    bin: vector(new arrow.Binary(), pick((i) => Uint8Array.from({ length: i % 9 }, (_, k) => (i + k) & 255), 14)),
    req: vector(new arrow.Int32(), pick((i) => i)),
  };
  const table = new arrow.Table(columns);
  // `req` is NOT NULL: Parquet REQUIRED, no definition levels.
  const fields = table.schema.fields.map((f) => (f.name === 'req' ? f.clone({ nullable: false }) : f));
  return new arrow.Table(new arrow.Schema(fields), table.batches.map((b) => new arrow.RecordBatch(new arrow.Schema(fields), b.data)));
}

export interface WriterSettings {
  readonly version?: 'v1' | 'v2';
  readonly compression?: 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP';
  readonly dictionary?: boolean;
  /** Bytes per data page (small: several pages per chunk). */
  readonly pageBytes?: number;
  /** Bytes per dictionary page (small: the dictionary falls back to PLAIN mid-chunk). */
  readonly dictionaryPageBytes?: number;
  readonly rowGroupRows?: number;
}

export function writeSample(path: string, table: arrow.Table, settings: WriterSettings): void {
  let props = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression[settings.compression ?? 'SNAPPY'])
    .setWriterVersion(settings.version === 'v2' ? parquet.WriterVersion.V2 : parquet.WriterVersion.V1)
    .setDictionaryEnabled(settings.dictionary ?? true)
    .setMaxRowGroupSize(settings.rowGroupRows ?? 1_000_000);
  if (settings.pageBytes !== undefined) props = props.setDataPageSizeLimit(settings.pageBytes).setWriteBatchSize(64);
  if (settings.dictionaryPageBytes !== undefined) props = props.setDictionaryPageSizeLimit(settings.dictionaryPageBytes);
  const wasmTable = parquet.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  writeFileSync(path, parquet.writeParquet(wasmTable, props.build()));
}
