import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local.js';
import { DataWriter } from './data-writer.js';
import { batchOf, schemaOf, tempTableDir } from './testing/batches.js';

const schema = schemaOf({ id: 'long', p: 'integer' });

function writer(options: { maxBufferedBytes?: number; targetFileSize?: number } = {}): DataWriter {
  return new DataWriter({
    store: new LocalObjectStore(),
    tableRoot: tempTableDir(),
    tableName: 't',
    schema,
    partitionColumns: ['p'],
    columnMappingMode: 'none',
    configuration: {},
    engine: 'deltasql/test',
    dataChange: true,
    ...options,
  });
}

/** 10 batches of 1,000 rows, each spread over 20 partitions. */
const batches = Array.from({ length: 10 }, (_, b) => batchOf(schema, Array.from({ length: 1000 }, (_, i) => ({ id: BigInt(b * 1000 + i), p: i % 20 }))));

describe('DataWriter buffering', () => {
  it('writes one file per partition when everything fits the buffer', async () => {
    const w = writer();
    for (const b of batches) await w.write(b);
    const adds = await w.finish();
    expect(adds).toHaveLength(20);
    expect(adds.reduce((n, a) => n + (JSON.parse(a.stats ?? '{}') as { numRecords: number }).numRecords, 0)).toBe(10_000);
  });

  it('past maxBufferedBytes writes the biggest partition early instead of holding every partition', async () => {
    const w = writer({ maxBufferedBytes: 4096 });
    let maxFilesSeen = 0;
    for (const b of batches) {
      await w.write(b);
      maxFilesSeen = Math.max(maxFilesSeen, w.rowsWritten);
    }
    expect(maxFilesSeen).toBeGreaterThan(0); // files were written before finish()
    const adds = await w.finish();
    expect(adds.length).toBeGreaterThan(20);
    expect(adds.reduce((n, a) => n + (JSON.parse(a.stats ?? '{}') as { numRecords: number }).numRecords, 0)).toBe(10_000);
  });

  it('cuts files at the target size', async () => {
    const w = writer({ targetFileSize: 1024 });
    for (const b of batches) await w.write(b);
    const adds = await w.finish();
    // 500 rows of 8-byte ids per partition, cut every 1 KiB of Arrow data: several files each.
    expect(adds.length).toBeGreaterThanOrEqual(60);
  });
});
