import * as arrow from 'apache-arrow';
import { openAsBlob, readdirSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as parquet from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../testing/corpus.js';
import { readFooter } from './footer.js';
import { blobSource } from './read.js';

function parquetFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return parquetFiles(path);
    return name.endsWith('.parquet') ? [path] : [];
  });
}

/** A schema's fields as plain data: names, types, nullability and metadata, children included. */
function describeFields(fields: readonly arrow.Field[]): unknown {
  return fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable, metadata: [...f.metadata], children: describeFields(f.type.children ?? []) }));
}

describe('a file opened from its footer alone', () => {
  it('has parquet-wasm’s Arrow schema and row count, for every Parquet file of the corpus', async () => {
    const files = parquetFiles(CORPUS_DIR).sort();
    expect(files.length).toBeGreaterThan(300);
    let read = 0;
    for (const path of files) {
      const blob = await openAsBlob(path);
      let expected: parquet.ParquetFile;
      try {
        expected = await parquet.ParquetFile.fromFile(blob);
      } catch {
        // parquet-wasm cannot open it: the worker then opens it with parquet-wasm too, and reports why.
        continue;
      }
      const footer = await readFooter(blobSource(blob), blob.size);
      const what = relative(CORPUS_DIR, path);
      expect(describeFields(arrow.tableFromIPC(footer.schemaIpc).schema.fields), what).toEqual(describeFields(arrow.tableFromIPC(expected.schema().intoIPCStream()).schema.fields));
      expect(Number(footer.metadata.num_rows), what).toBe(expected.metadata().fileMetadata().numRows());
      expected.free();
      read++;
    }
    expect(read).toBeGreaterThan(300);
  });

  it('refuses what is not a Parquet file (the worker then lets parquet-wasm say why)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltasql-footer-'));
    try {
      const cases: [string, Uint8Array][] = [
        ['short', new Uint8Array(5)],
        ['no magic', new Uint8Array(64)],
        ['length past the file', Uint8Array.from([...new Array(12).fill(0), 0xff, 0xff, 0, 0, 0x50, 0x41, 0x52, 0x31])],
      ];
      for (const [name, bytes] of cases) {
        const path = join(dir, name);
        writeFileSync(path, bytes);
        const blob = await openAsBlob(path);
        await expect(readFooter(blobSource(blob), blob.size), name).rejects.toThrow();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
