import * as arrow from 'apache-arrow';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local.js';
import { scanSnapshot } from '../scan/scan.js';
import type { StructType } from '../schema/types.js';
import { DeltaTable } from '../table.js';
import type { TableDefinition } from './api.js';
import { createTable } from './create-table.js';
import { batchOf, schemaOf, tempTableDir } from './testing/batches.js';
import { canon, ourRows } from './testing/our-rows.js';
import { duck, readRows, replay } from './testing/protocol-reader.js';
import { WriteTransaction } from './transaction.js';

const store = new LocalObjectStore();

interface Shape {
  readonly name: string;
  readonly definition: TableDefinition;
  /** Two commits' worth of input rows. */
  readonly commits: readonly (readonly Record<string, unknown>[])[];
  /** Every row after both commits, each value as text (protocol-reader.ts `valueSql`). */
  readonly expected: readonly Record<string, string | null>[];
  readonly protocol: Record<string, unknown>;
}

const nested: StructType['fields'][number]['type'] = {
  kind: 'struct',
  fields: [
    { name: 'a', type: { kind: 'primitive', name: 'integer' }, nullable: true, metadata: {} },
    { name: 'b', type: { kind: 'primitive', name: 'string' }, nullable: true, metadata: {} },
  ],
};

const DAY_2024_02_29 = 19782;
const TS = 1_709_210_096_123_456n; // 2024-02-29T12:34:56.123456Z

const shapes: Shape[] = [
  {
    name: 'plain',
    definition: { schema: schemaOf({ id: 'long', name: 'string', score: 'double', ok: 'boolean' }) },
    commits: [
      [{ id: 1n, name: 'alpha', score: 1.5, ok: true }, { id: 2n, name: null, score: -2.25, ok: false }],
      [{ id: 9007199254740993n, name: 'z'.repeat(40), score: null, ok: null }],
    ],
    expected: [
      { id: '1', name: 'alpha', score: '1.500000', ok: 'true' },
      { id: '2', name: null, score: '-2.250000', ok: 'false' },
      { id: '9007199254740993', name: 'z'.repeat(40), score: null, ok: null },
    ],
    protocol: { minReaderVersion: 1, minWriterVersion: 2 },
  },
  {
    name: 'partitioned',
    definition: { schema: schemaOf({ v: 'integer', p: 'string', d: 'date' }), partitionColumns: ['p', 'd'] },
    commits: [
      [{ v: 1, p: 'a:b/c', d: DAY_2024_02_29 }, { v: 2, p: 'x', d: DAY_2024_02_29 }, { v: 3, p: null, d: null }],
      [{ v: 4, p: 'x', d: 0 }],
    ],
    expected: [
      { v: '1', p: 'a:b/c', d: '2024-02-29' },
      { v: '2', p: 'x', d: '2024-02-29' },
      { v: '3', p: null, d: null },
      { v: '4', p: 'x', d: '1970-01-01' },
    ],
    protocol: { minReaderVersion: 1, minWriterVersion: 2 },
  },
  {
    name: 'column mapping (name)',
    definition: {
      schema: schemaOf({ 'Id Col': 'integer', s: nested, part: 'string' }),
      partitionColumns: ['part'],
      configuration: { 'delta.columnMapping.mode': 'name' },
    },
    commits: [[{ 'Id Col': 1, s: { a: 10, b: 'x' }, part: 'p1' }], [{ 'Id Col': 2, s: null, part: 'p2' }]],
    expected: [
      { 'Id Col': '1', s: '{"a":10,"b":"x"}', part: 'p1' },
      { 'Id Col': '2', s: null, part: 'p2' },
    ],
    protocol: { minReaderVersion: 2, minWriterVersion: 5 },
  },
  {
    name: 'column mapping (id) with deletion vectors',
    definition: {
      schema: schemaOf({ k: 'integer', v: 'string' }),
      configuration: { 'delta.columnMapping.mode': 'id', 'delta.enableDeletionVectors': 'true' },
    },
    commits: [[{ k: 1, v: 'one' }], [{ k: 2, v: 'two' }]],
    expected: [
      { k: '1', v: 'one' },
      { k: '2', v: 'two' },
    ],
    protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['columnMapping', 'deletionVectors'], writerFeatures: ['columnMapping', 'deletionVectors'] },
  },
  {
    name: 'decimals, dates and timestamps',
    definition: { schema: schemaOf({ small: 'decimal(10,2)', big: 'decimal(38,6)', day: 'date', ts: 'timestamp', ntz: 'timestamp_ntz' }) },
    commits: [
      [{ small: 12345n, big: 12345678901234567890123456789012n, day: DAY_2024_02_29, ts: TS, ntz: TS }],
      [{ small: -1n, big: null, day: -1, ts: -1n, ntz: null }],
    ],
    expected: [
      { small: '123.45', big: '12345678901234567890123456.789012', day: '2024-02-29', ts: String(TS), ntz: String(TS) },
      { small: '-0.01', big: null, day: '1969-12-31', ts: '-1', ntz: null },
    ],
    protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz'] },
  },
];

afterAll(async () => {
  (await duck()).closeSync();
});

describe.each(shapes.map((s) => [s.name, s] as const))('a %s table written by deltasql', (_name, shape) => {
  let root: string;

  it('is read back by our reader and by the protocol-only reader + DuckDB with the same rows', async () => {
    root = tempTableDir();
    const tx = await createTable(store, root, 't', shape.definition);
    await tx.write([batchOf(tx.schema, shape.commits[0] ?? [])]);
    expect((await tx.commit({ operation: 'CREATE TABLE AS SELECT' })).version).toBe(0);
    const table = new DeltaTable(store, root, 't');
    const append = await WriteTransaction.open(table);
    await append.write([batchOf(append.schema, shape.commits[1] ?? [])]);
    expect((await append.commit({ operation: 'WRITE', operationParameters: { mode: 'Append' } })).version).toBe(1);

    const ours = await ourRows(store, await table.latest());
    expect(canon(ours)).toEqual(canon(shape.expected));
    const independent = await replay(root);
    expect(independent.version).toBe(1);
    expect(canon(await readRows(root, independent))).toEqual(canon(shape.expected));
  });

  it('writes the lowest protocol its features need, in version 0 only', () => {
    const lines = (v: number) => readFileSync(join(root, '_delta_log', `${String(v).padStart(20, '0')}.json`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines(0).find((a) => a.protocol)?.protocol).toEqual(shape.protocol);
    expect(lines(1).some((a) => a.protocol || a.metaData)).toBe(false);
    const info = lines(1)[0]?.commitInfo as Record<string, unknown>;
    expect(info).toMatchObject({ operation: 'WRITE', readVersion: 0, isBlindAppend: true, engineInfo: 'deltasql/0.1.0', operationParameters: { mode: 'Append' } });
    expect((info.operationMetrics as Record<string, string>).numOutputRows).toBe(String(shape.commits[1]?.length));
  });
});

describe('what the files look like on disk', () => {
  it('partition folders use Hive escaping and the null folder; add.path is URL-encoded once', async () => {
    const root = tempTableDir();
    const schema = schemaOf({ v: 'integer', p: 'string' });
    const tx = await createTable(store, root, 't', { schema, partitionColumns: ['p'] });
    const adds = await tx.write([batchOf(schema, [{ v: 1, p: 'a:b/c d%' }, { v: 2, p: null }])]);
    await tx.commit({ operation: 'CREATE TABLE AS SELECT' });
    const folders = readdirSync(root).filter((n) => n.startsWith('p=')).sort();
    expect(folders).toEqual(['p=__HIVE_DEFAULT_PARTITION__', 'p=a%3Ab%2Fc d%25']);
    const escaped = adds.find((a) => a.partitionValues.p === 'a:b/c d%');
    expect(escaped?.path).toMatch(/^p=a%253Ab%252Fc%20d%2525\/part-00000-[0-9a-f-]{36}\.c000\.snappy\.parquet$/);
    expect(adds.find((a) => a.partitionValues.p === null)?.path).toMatch(/^p=__HIVE_DEFAULT_PARTITION__\//);
  });

  it('stats have numRecords, nested min/max/nullCount, 32-character string prefixes and millisecond timestamps', async () => {
    const root = tempTableDir();
    const schema = schemaOf({ id: 'long', s: 'string', ts: 'timestamp', n: nested, price: 'decimal(10,2)' });
    const tx = await createTable(store, root, 't', { schema });
    const [add] = await tx.write([
      batchOf(schema, [
        { id: 5n, s: 'b'.repeat(40), ts: TS, n: { a: 3, b: null }, price: 999n },
        { id: -7n, s: 'a', ts: TS + 1000n, n: null, price: null },
      ]),
    ]);
    await tx.commit({ operation: 'CREATE TABLE AS SELECT' });
    expect(JSON.parse(add?.stats ?? '{}')).toEqual({
      numRecords: 2,
      minValues: { id: -7, s: 'a', ts: '2024-02-29T12:34:56.123Z', n: { a: 3 }, price: 9.99 },
      maxValues: { id: 5, s: 'b'.repeat(32) + '\u{10FFFF}', ts: '2024-02-29T12:34:56.124Z', n: { a: 3 }, price: 9.99 },
      nullCount: { id: 0, s: 0, ts: 0, n: { a: 1, b: 2 }, price: 1 },
    });
  });

  it('our scan skips files by the stats we wrote', async () => {
    const root = tempTableDir();
    const schema = schemaOf({ id: 'long' });
    const tx = await createTable(store, root, 't', { schema });
    await tx.write([batchOf(schema, Array.from({ length: 30 }, (_, i) => ({ id: BigInt(i) })))], { maxRowsPerFile: 10 });
    await tx.commit({ operation: 'CREATE TABLE AS SELECT' });
    const snapshot = await new DeltaTable(store, root, 't').latest();
    expect(snapshot.files).toHaveLength(3);
    const ids: bigint[] = [];
    for await (const b of scanSnapshot(store, snapshot, { columns: ['id'], filters: [{ kind: 'compare', column: 'id', op: '>=', value: 25n }] })) {
      ids.push(...(b.getChildAt(0)?.toArray() as BigInt64Array));
    }
    // Only the third file (20..29) is read: its ten rows come back, unfiltered by the scan.
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(20 + i)));
  });

  it('refuses a NULL in a NOT NULL column (23502) and a column of the wrong type (42804), writing nothing', async () => {
    const root = tempTableDir();
    const schema: StructType = { kind: 'struct', fields: [{ name: 'id', type: { kind: 'primitive', name: 'long' }, nullable: false, metadata: {} }] };
    const tx = await createTable(store, root, 't', { schema });
    await expect(tx.write([batchOf(schemaOf({ id: 'long' }), [{ id: null }])])).rejects.toMatchObject({ sqlstate: '23502' });
    await expect(tx.write([batchOf(schemaOf({ id: 'string' }), [{ id: 'x' }])])).rejects.toMatchObject({ sqlstate: '42804' });
    expect(existsSync(root)).toBe(false);
  });

  it('Parquet files carry field ids under column mapping, and timestamps as INT64 micros adjusted to UTC only for timestamp', async () => {
    const root = tempTableDir();
    const schema = schemaOf({ ts: 'timestamp', ntz: 'timestamp_ntz', k: 'integer' });
    const tx = await createTable(store, root, 't', { schema, configuration: { 'delta.columnMapping.mode': 'id' } });
    const [add] = await tx.write([batchOf(tx.schema, [{ ts: TS, ntz: TS, k: 1 }])]);
    await tx.commit({ operation: 'CREATE TABLE AS SELECT' });
    const file = join(root, add?.path ?? '');
    const columns = (await (await duck()).runAndReadAll(`SELECT name, type, field_id, logical_type FROM parquet_schema('${file}') WHERE name <> 'arrow_schema' AND num_children IS NULL`)).getRowObjectsJS();
    const fields = tx.schema.fields;
    expect(columns.map((c) => [c.name, c.type, Number(c.field_id)])).toEqual(fields.map((f) => [f.metadata['delta.columnMapping.physicalName'], f.name === 'k' ? 'INT32' : 'INT64', f.metadata['delta.columnMapping.id']]));
    expect(String(columns[0]?.logical_type)).toContain('isAdjustedToUTC=1');
    expect(String(columns[1]?.logical_type)).toContain('isAdjustedToUTC=0');
    expect(String(columns[0]?.logical_type)).toContain('MICROS');
  });

  it('accepts dictionary-encoded strings (how the executor keeps them) and stores plain strings', async () => {
    const root = tempTableDir();
    const schema = schemaOf({ s: 'string', p: 'string' });
    const tx = await createTable(store, root, 't', { schema, partitionColumns: ['p'] });
    const encoded = arrow.tableFromArrays({ s: arrow.vectorFromArray(['x', null, 'y', 'x'], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())), p: arrow.vectorFromArray(['a', 'a', 'b', null], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())) });
    await tx.write(encoded.batches);
    await tx.commit({ operation: 'CREATE TABLE AS SELECT' });
    const expected = [{ s: 'x', p: 'a' }, { s: null, p: 'a' }, { s: 'y', p: 'b' }, { s: 'x', p: null }];
    expect(canon(await ourRows(store, await new DeltaTable(store, root, 't').latest()))).toEqual(canon(expected));
    expect(canon(await readRows(root, await replay(root)))).toEqual(canon(expected));
  });

  it('refuses partitioning by every column or by a nested column (42P16)', async () => {
    await expect(createTable(store, tempTableDir(), 't', { schema: schemaOf({ p: 'string' }), partitionColumns: ['p'] })).rejects.toMatchObject({ sqlstate: '42P16', message: 'cannot use all columns of t as partition columns' });
    await expect(createTable(store, tempTableDir(), 't', { schema: schemaOf({ n: nested, v: 'integer' }), partitionColumns: ['n'] })).rejects.toMatchObject({ sqlstate: '42P16' });
    await expect(createTable(store, tempTableDir(), 't', { schema: schemaOf({ v: 'integer' }), partitionColumns: ['w'] })).rejects.toMatchObject({ sqlstate: '42703' });
  });

  it('creating over an existing table is 42P07', async () => {
    const root = tempTableDir();
    const schema = schemaOf({ id: 'long' });
    await (await createTable(store, root, 't', { schema })).commit({ operation: 'CREATE TABLE' });
    await expect(createTable(store, root, 't', { schema })).rejects.toMatchObject({ sqlstate: '42P07', message: 'relation "t" already exists' });
  });
});
