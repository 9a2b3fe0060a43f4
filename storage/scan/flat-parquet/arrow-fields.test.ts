/**
 * arrow-fields.ts against parquet-wasm, over files DuckDB writes (no ARROW:schema, every type of
 * its mapping, and types outside it). The corpus test (corpus.test.ts) does the same over the
 * Spark, Databricks and delta-rs files.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { parquetMetadataAsync, type FileMetaData } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaFromIPC } from '../../../common/arrow/ipc-schema.js';
import { flatArrowFields } from './arrow-fields.js';
import { fieldsShown, openFile } from './testing/compare.js';

let dir: string;
let duck: DuckDBConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'arrow-fields-'));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});

afterAll(() => {
  duck.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;

/** A Parquet file DuckDB writes of `select`: its footer, and its fields as parquet-wasm reports them. */
async function written(select: string, options = ''): Promise<{ meta: FileMetaData; wasmFields: readonly arrow.Field[] }> {
  const path = join(dir, `f${files++}.parquet`);
  await duck.run(`COPY (${select}) TO '${path}' (FORMAT parquet${options})`);
  const blob = await openAsBlob(path);
  const meta = await parquetMetadataAsync({ byteLength: blob.size, slice: (s, e) => blob.slice(s, e).arrayBuffer() });
  const opened = await openFile(path);
  opened.file.free();
  return { meta, wasmFields: opened.fields };
}

/** Fields as the main thread receives them from a worker: through an IPC schema message. */
function afterIpc(fields: arrow.Field[]): readonly arrow.Field[] {
  return schemaFromIPC(arrow.tableToIPC(new arrow.Table(new arrow.Schema(fields)), 'stream')).fields;
}

describe('the Arrow fields of a flat file, from its footer', () => {
  const covered: [string, string, string][] = [
    ['BOOLEAN', 'true', 'Bool'],
    ['TINYINT', '-3', 'Int8'],
    ['SMALLINT', '-300', 'Int16'],
    ['INTEGER', '70000', 'Int32'],
    ['BIGINT', '5000000000', 'Int64'],
    ['FLOAT', '1.5', 'Float32'],
    ['DOUBLE', '2.5', 'Float64'],
    ['VARCHAR', "'x'", 'Utf8'],
    ['BLOB', "'\\x01'::BLOB", 'Binary'],
    ['DATE', "DATE '2024-02-29'", 'Date32<DAY>'],
    ['TIMESTAMP', "TIMESTAMP '2024-02-29 10:00:00'", 'Timestamp<MICROSECOND>'],
    ['TIMESTAMPTZ', "TIMESTAMPTZ '2024-02-29 10:00:00+00'", 'Timestamp<MICROSECOND, UTC>'],
    ['TIMESTAMP_MS', "TIMESTAMP_MS '2024-02-29 10:00:00'", 'Timestamp<MILLISECOND>'],
    ['TIMESTAMP_NS', "TIMESTAMP_NS '2024-02-29 10:00:00'", 'Timestamp<NANOSECOND>'],
    ['JSON', `'{"a": 1}'::JSON`, 'Utf8'],
    ['HUGEINT', '1', 'Float64'], // DuckDB writes it as a DOUBLE
  ];
  it.each(covered)('%s: the field parquet-wasm reports, nullable or not', async (sqlType, value, arrowType) => {
    const { meta, wasmFields } = await written(`SELECT ${value}::${sqlType} AS v, NULL::${sqlType} AS n`);
    const fields = flatArrowFields(meta);
    expect(fields).toBeDefined();
    expect(fieldsShown(afterIpc(fields as arrow.Field[]))).toEqual(fieldsShown(wasmFields));
    expect(String(wasmFields[0]?.type)).toBe(arrowType);
  });

  it('carries field ids as PARQUET:field_id metadata and NOT NULL columns as not nullable', async () => {
    const { meta, wasmFields } = await written('SELECT 1::INTEGER AS a, 2::BIGINT AS b', ', FIELD_IDS {a: 7, b: 9}');
    const fields = flatArrowFields(meta) as arrow.Field[];
    expect(fieldsShown(afterIpc(fields))).toEqual(fieldsShown(wasmFields));
    expect(fields.map((f) => f.metadata.get('PARQUET:field_id'))).toEqual(['7', '9']);
    // DuckDB writes every column OPTIONAL; a REQUIRED one comes from the corpus (corpus.test.ts).
    expect(fields.every((f) => f.nullable)).toBe(true);
  });

  const outside: [string, string][] = [
    ['DECIMAL(10,2)', '1.25'],
    ['UTINYINT', '1'],
    ['UBIGINT', '1'],
    ['TIME', "TIME '10:00:00'"],
    ['UUID', "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"],
    ['INTEGER[]', '[1, 2]'],
    ['STRUCT(a INTEGER)', '{a: 1}'],
    ['INTERVAL', "INTERVAL '1 day'"],
  ];
  it.each(outside)('%s beside a covered column: the whole file is left to parquet-wasm', async (sqlType, value) => {
    const { meta } = await written(`SELECT 1::INTEGER AS a, ${value}::${sqlType} AS v`);
    expect(flatArrowFields(meta)).toBeUndefined();
  });
});
