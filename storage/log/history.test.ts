import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local.js';
import { DeltaTable } from '../table.js';
import { corpusPath, corpusTable } from '../testing/corpus.js';
import { readHistory } from './history.js';

function open(name: string): DeltaTable {
  return new DeltaTable(new LocalObjectStore(), corpusPath(name), name);
}

describe('readHistory', () => {
  it('lists every commit newest first with its commitInfo (Spark table)', async () => {
    const history = await readHistory(open('basic_partitioned'));
    expect(history.map((h) => h.version)).toEqual([1, 0]);
    expect(history.map((h) => h.timestamp)).toEqual(corpusTable('basic_partitioned').versions.map((v) => v.commitTimestamp).reverse());
    expect(history[0]).toMatchObject({
      operation: 'WRITE',
      operationParameters: { mode: 'Append', partitionBy: '["letter"]' },
      operationMetrics: { numFiles: '3', numOutputRows: '3' },
      readVersion: 0,
      isolationLevel: 'Serializable',
      isBlindAppend: true,
      engineInfo: 'Apache-Spark/3.3.1 Delta-Lake/2.1.1',
    });
    expect(history[1]!.readVersion).toBeUndefined();
  });

  it('dates a commit by its in-commit timestamp, not commitInfo.timestamp, when the table has ICT', async () => {
    const history = await readHistory(open('cdc_ict_table'));
    expect(history.map((h) => h.operation)).toEqual(['UPDATE', 'DELETE', 'WRITE', 'CREATE OR REPLACE TABLE']);
    // Version 1's commitInfo.timestamp was edited to 2026; its ICT says 2023-05-12.
    expect(history[2]!.timestamp).toBe(1683874206883);
  });

  it('reads only as many commits as the limit asks for', async () => {
    const table = open('compacted-log-files-table');
    const history = await readHistory(table, { limit: 3 });
    expect(history.map((h) => h.version)).toEqual([25, 24, 23]);
  });

  it('skips versions whose commits were cleaned up behind a checkpoint', async () => {
    // Commits 0-2 were removed; the log keeps the checkpoint at 3 and commits 3-5.
    const history = await readHistory(open('checkpoint-cdf-table'));
    expect(history.map((h) => h.version)).toEqual([5, 4, 3]);
  });
});
