/**
 * Test helpers: read a Parquet file through the flat decoder and through parquet-wasm alone, and
 * compare the batches value by value and validity by validity.
 */
import { openAsBlob } from 'node:fs';
import * as arrow from 'apache-arrow';
import { parquetMetadataAsync } from 'hyparquet';
import * as parquet from 'parquet-wasm';
import { expect } from 'vitest';
import { toRecordBatch } from '../to-arrow.js';
import { blobSource, readFlatOrFallback, type FlatReadRequest } from '../read.js';

export interface OpenedFile {
  readonly blob: Blob;
  readonly file: parquet.ParquetFile;
  readonly fields: readonly arrow.Field[];
}

export async function openFile(path: string): Promise<OpenedFile> {
  const blob = await openAsBlob(path);
  const file = await parquet.ParquetFile.fromFile(blob);
  return { blob, file, fields: arrow.tableFromIPC(file.schema().intoIPCStream()).schema.fields };
}

/** Fields as comparable values: name, type with its parameters (a timestamp's unit and zone…), nullability, metadata. */
export function fieldsShown(fields: readonly arrow.Field[]): unknown[] {
  return fields.map((f) => [f.name, String(f.type), { ...f.type }, f.nullable, [...f.metadata]]);
}

/** parquet-wasm's batches of a read. */
export async function wasmRead(opened: OpenedFile, columns: readonly string[], batchSize: number, rowGroups?: readonly number[]): Promise<arrow.RecordBatch[]> {
  const stream = await opened.file.stream({ columns: [...columns], batchSize, ...(rowGroups === undefined ? {} : { rowGroups: [...rowGroups] }) });
  const out: arrow.RecordBatch[] = [];
  const reader = stream.getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    out.push(...arrow.tableFromIPC(next.value.intoIPCStream()).batches);
  }
  return out;
}

export interface FlatResult {
  readonly batches: arrow.RecordBatch[];
  /** Batches the flat decoder produced itself. */
  readonly fast: number;
  /** Why it handed (part of) the read to parquet-wasm. */
  readonly declines: string[];
}

/** The read through the flat decoder (parquet-wasm for what it declines). */
export async function flatRead(opened: OpenedFile, columns: readonly string[], batchSize: number, options: Omit<FlatReadRequest, 'columns' | 'batchSize'> = {}): Promise<FlatResult> {
  const { blob, fields } = opened;
  const declines: string[] = [];
  let fast = 0;
  const batches: arrow.RecordBatch[] = [];
  const pieces = readFlatOrFallback<arrow.RecordBatch[]>(
    blobSource(blob),
    () => parquetMetadataAsync({ byteLength: blob.size, slice: (s, e) => blob.slice(s, e).arrayBuffer() }),
    fields,
    { columns, batchSize, ...options },
    (raw) => {
      fast += raw.length;
      return raw.map((b) => toRecordBatch(b, fields));
    },
    async function* (groups) {
      yield await wasmRead(opened, columns, batchSize, groups);
    },
    (reason) => declines.push(reason),
  );
  for await (const piece of pieces) batches.push(...piece);
  return { batches, fast, declines };
}

/** Asserts two reads are equal: batch boundaries, columns, types, validity and values. */
export function expectSameBatches(actual: readonly arrow.RecordBatch[], expected: readonly arrow.RecordBatch[], what: string): void {
  expect(actual.map((b) => b.numRows), `${what}: batch sizes`).toEqual(expected.map((b) => b.numRows));
  for (let b = 0; b < expected.length; b++) {
    const want = expected[b] as arrow.RecordBatch;
    const got = actual[b] as arrow.RecordBatch;
    expect(got.schema.fields.map((f) => `${f.name}: ${String(f.type)}`), `${what}: fields`).toEqual(want.schema.fields.map((f) => `${f.name}: ${String(f.type)}`));
    for (let c = 0; c < want.numCols; c++) {
      const w = want.getChildAt(c) as arrow.Vector;
      const g = got.getChildAt(c) as arrow.Vector;
      const name = want.schema.fields[c]?.name;
      const wd = w.data[0] as arrow.Data;
      const gd = g.data[0] as arrow.Data;
      expect(gd.nullCount, `${what}: ${name} null count`).toBe(wd.nullCount);
      if (wd.values !== undefined && !arrow.DataType.isBool(wd.type)) expect(gd.values?.constructor, `${what}: ${name} array type`).toBe(wd.values.constructor);
      for (let i = 0; i < w.length; i++) {
        const wv = w.isValid(i);
        if (g.isValid(i) !== wv) expect(g.isValid(i), `${what}: ${name} batch ${b} row ${i} validity`).toBe(wv);
        if (!wv) continue;
        const x = g.get(i);
        const y = w.get(i);
        if (!sameValue(x, y)) expect(x, `${what}: ${name} batch ${b} row ${i}`).toEqual(y);
      }
    }
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((v, i) => v === b[i]);
  // Nested values (declined columns, from parquet-wasm on both sides) are proxies: compare as JSON.
  const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? [...x] : x));
  return typeof a === 'object' && typeof b === 'object' && json(a) === json(b);
}
