import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as arrow from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../server/testing/cli.js';
import { expectSameBatches, flatRead, openFile, wasmRead } from './testing/compare.js';
import { writeSample } from './testing/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'flat-parquet-fallback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** 12,000 rows in 4,000-row row groups: `k` repeats 10 values in the first, then is unique. */
function growingCardinality(): arrow.Table {
  const k = Array.from({ length: 12_000 }, (_, i) => BigInt(i < 4_000 ? i % 10 : i * 31));
  const s = Array.from({ length: 12_000 }, (_, i) => `v${i % 20}`);
  return new arrow.Table({ k: arrow.vectorFromArray(k, new arrow.Int64()), s: arrow.vectorFromArray(s, new arrow.Utf8()) });
}

describe('falling back to parquet-wasm', () => {
  it('hands the row group with an undecodable page, and the ones after it, to parquet-wasm', async () => {
    const path = join(dir, 'delta-later.parquet');
    // v2 writer: once `k`'s dictionary outgrows 256 bytes (second row group) it writes DELTA_BINARY_PACKED.
    writeSample(path, growingCardinality(), { version: 'v2', dictionaryPageBytes: 256, rowGroupRows: 4_000 });
    const opened = await openFile(path);
    try {
      const got = await flatRead(opened, ['k', 's'], 1_500);
      expect(got.declines).toEqual(['flat Parquet decoder declined: value encoding DELTA_BINARY_PACKED']);
      // The first row group (3 batches: 1,500 + 1,500 + 1,000 rows) came from the flat decoder.
      expect(got.fast).toBe(3);
      expectSameBatches(got.batches, await wasmRead(opened, ['k', 's'], 1_500), 'delta-later');
      expect(got.batches.map((b) => b.numRows)).toEqual([1_500, 1_500, 1_000, 1_500, 1_500, 1_000, 1_500, 1_500, 1_000]);
    } finally {
      opened.file.free();
    }
  });

  it('raises the same XX001 error as parquet-wasm alone for a corrupt page or invalid UTF-8 (worker threads)', () => {
    // parquet-wasm panics on a corrupt page ("unreachable"): on this thread the panic escapes its
    // promise, in a decode worker it fails the worker and the read is XX001. The flat decoder,
    // declining the page, must end the same way.
    const path = join(dir, 'corrupt.parquet');
    writeSample(path, growingCardinality(), { rowGroupRows: 4_000 });
    const bytes = readFileSync(path);
    const md = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)).row_groups[1]?.columns[1]?.meta_data;
    if (md === undefined) throw new Error('no column chunk metadata');
    // Garble the data page of `s` in the second row group, header included.
    const dataAt = Number(md.data_page_offset);
    bytes.fill(0xff, dataAt, dataAt + 6);
    writeFileSync(path, bytes);

    ensureBuilt();
    const script = `
      import { LocalObjectStore } from './dist/storage/object-store/local.js';
      import { openDataFile } from './dist/storage/scan/read-parquet.js';
      import { DecodePool } from './dist/storage/scan/decode-pool.js';
      const rows = [];
      const file = await openDataFile(new LocalObjectStore(), process.argv[1]);
      try {
        for await (const batch of file.read(process.argv[2].split(','), 1000)) rows.push(batch.numRows);
        console.log(JSON.stringify({ rows }));
      } catch (err) {
        console.log(JSON.stringify({ workers: DecodePool.shared() !== undefined, rows, sqlstate: err.sqlstate, message: err.message }));
      }
      process.exit(0);
    `;
    const run = (fast: string, file = path, columns = 'k,s') =>
      JSON.parse(execFileSync('node', ['--input-type=module', '-e', script, file, columns], { cwd: repo, env: { ...process.env, DELTASQL_FAST_PARQUET: fast } }).toString()) as Record<string, unknown>;
    const expected = { workers: true, sqlstate: 'XX001', message: `corrupt Delta table data in ${path}: undecodable Parquet data (decoder worker failed: unreachable)` };
    for (const fast of ['0', '1']) {
      const { rows, ...error } = run(fast);
      expect(error, `DELTASQL_FAST_PARQUET=${fast}`).toEqual(expected);
      // How much of the first row group arrives first depends on how far the worker read ahead
      // before it failed: some of its 1,000-row batches, never a row of the corrupt one.
      expect([1_000, 1_000, 1_000, 1_000].slice(0, (rows as number[]).length)).toEqual(rows);
    }

    // Invalid UTF-8 in a Utf8 column (a dictionary page, then PLAIN pages): the flat decoder
    // checks and declines; parquet-wasm rejects it. Written valid ("é" = C3 A9), uncompressed,
    // then made invalid in place: "é" → 80 80.
    const table = new arrow.Table({ t: arrow.vectorFromArray(['a', 'é', 'b'], new arrow.Utf8()) });
    for (const dictionary of [true, false]) {
      const invalid = join(dir, `invalid-utf8-${dictionary}.parquet`);
      writeSample(invalid, table, { dictionary, compression: 'UNCOMPRESSED' });
      const file = readFileSync(invalid);
      let patched = 0;
      for (let i = 0; i + 1 < file.length; i++) {
        if (file[i] === 0xc3 && file[i + 1] === 0xa9) {
          file[i] = 0x80;
          file[i + 1] = 0x80;
          patched++;
        }
      }
      expect(patched).toBeGreaterThan(0);
      writeFileSync(invalid, file);
      const wasm = run('0', invalid, 't');
      expect(wasm).toEqual({ ...expected, rows: [], message: expected.message.replace(path, invalid) });
      expect(run('1', invalid, 't')).toEqual(wasm);
    }
  });
});
