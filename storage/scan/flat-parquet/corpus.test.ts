import { readdirSync, statSync } from 'node:fs';
import * as arrow from 'apache-arrow';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaFromIPC } from '../../../common/arrow/ipc-schema.js';
import { parquetMetadataAsync } from 'hyparquet';
import { CORPUS_DIR } from '../../testing/corpus.js';
import { flatArrowFields } from './arrow-fields.js';
import { expectSameBatches, fieldsShown, flatRead, openFile, wasmRead } from './testing/compare.js';

function parquetFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return parquetFiles(path);
    return name.endsWith('.parquet') ? [path] : [];
  });
}

describe('the Arrow schema of every Parquet file of the corpus', () => {
  it('read from the IPC stream\'s first message is the one tableFromIPC gives', async () => {
    const files = parquetFiles(CORPUS_DIR).sort();
    const show = (schema: arrow.Schema) => schema.fields.map((f) => [f.name, String(f.type), f.nullable, [...f.metadata]]);
    for (const path of files) {
      const opened = await openFile(path);
      try {
        const ipc = opened.file.schema().intoIPCStream();
        expect(show(schemaFromIPC(ipc)), relative(CORPUS_DIR, path)).toEqual(show(arrow.tableFromIPC(ipc).schema));
      } finally {
        opened.file.free();
      }
    }
  });
});

describe('the Arrow fields read from the footer (arrow-fields.ts)', () => {
  it("are parquet-wasm's for every corpus file the mapping covers, after the same IPC round trip", async () => {
    const files = parquetFiles(CORPUS_DIR).sort();
    const ipcFields = (fields: arrow.Field[]) => schemaFromIPC(arrow.tableToIPC(new arrow.Table(new arrow.Schema(fields)), 'stream')).fields;
    let covered = 0;
    const left: string[] = [];
    for (const path of files) {
      const opened = await openFile(path);
      try {
        const meta = await parquetMetadataAsync({ byteLength: opened.blob.size, slice: (s, e) => opened.blob.slice(s, e).arrayBuffer() });
        const fields = flatArrowFields(meta);
        if (fields === undefined) {
          left.push(relative(CORPUS_DIR, path));
          continue;
        }
        covered++;
        expect(fieldsShown(ipcFields(fields)), relative(CORPUS_DIR, path)).toEqual(fieldsShown(opened.fields));
      } finally {
        opened.file.free();
      }
    }
    // The others: 22 files with an ARROW:schema, 18 with nested columns, 5 with INT96 and 2 with decimals.
    expect({ covered, left: left.length }).toEqual({ covered: 281, left: 47 });
  });
});

describe('the flat decoder over every Parquet file of the corpus', () => {
  it('gives parquet-wasm\'s batches column by column, or declines for a stated reason', async () => {
    const files = parquetFiles(CORPUS_DIR).sort();
    expect(files.length).toBeGreaterThan(300);
    const declines = new Map<string, number>();
    let fastColumns = 0;
    for (const path of files) {
      const opened = await openFile(path);
      try {
        const names = opened.fields.map((f) => f.name);
        for (const field of opened.fields) {
          const what = `${relative(CORPUS_DIR, path)} ${field.name}`;
          const expected = await wasmRead(opened, [field.name], 3);
          const got = await flatRead(opened, [field.name], 3);
          expectSameBatches(got.batches, expected, what);
          if (got.declines.length === 0) {
            if (expected.length > 0) expect(got.fast, what).toBe(expected.length);
            fastColumns++;
            continue;
          }
          // Declined: the whole read, at planning, for the reason its type or codec gives.
          expect(got.declines, what).toHaveLength(1);
          expect(got.fast, what).toBe(0);
          const reason = (got.declines[0] as string).replace(/column \S+/, 'column …');
          declines.set(reason, (declines.get(reason) ?? 0) + 1);
          const type = field.type;
          if (arrow.DataType.isStruct(type) || arrow.DataType.isList(type) || arrow.DataType.isMap(type)) expect(reason, what).toMatch(/is not a flat top-level column/);
          else if (arrow.DataType.isDecimal(type)) expect(reason, what).toMatch(/DECIMAL as Decimal/);
          else if (arrow.DataType.isTimestamp(type) && type.unit === arrow.TimeUnit.NANOSECOND) expect(reason, what).toMatch(/INT96 as Timestamp/);
          else expect(reason, what).toMatch(/codec ZSTD/);
        }
        // All columns at once, one big batch.
        const all = await flatRead(opened, names, 65_536);
        expectSameBatches(all.batches, await wasmRead(opened, names, 65_536), `${relative(CORPUS_DIR, path)} *`);
      } finally {
        opened.file.free();
      }
    }
    expect(fastColumns).toBe(618);
    expect(Object.fromEntries(declines)).toEqual({
      'column … is not a flat top-level column': 113,
      'column … INT96 as Timestamp<NANOSECOND>': 6,
      'column … INT64 DECIMAL DECIMAL as Decimal[10e+2]': 5,
      'column … INT32 DECIMAL as Decimal[1e0]': 2,
      'column … codec ZSTD': 2,
    });
  });
});
