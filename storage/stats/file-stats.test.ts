import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local.js';
import { DeltaTable } from '../table.js';
import { corpusPath, corpusTable } from '../testing/corpus.js';
import { fileStats } from './file-stats.js';

const store = new LocalObjectStore();

describe('file statistics', () => {
  it('reads stats_parsed from a checkpoint and JSON stats from commits alike (parsed-stats)', async () => {
    const snapshot = await new DeltaTable(store, corpusPath('parsed-stats'), 'parsed-stats').latest();
    const total = snapshot.files.reduce((sum, add) => sum + (fileStats(add)?.numRecords ?? NaN), 0);
    expect(total).toBe(corpusTable('parsed-stats').expected.rowCount);
    const fromCheckpoint = snapshot.files.find((f) => f.statsParsed !== undefined)!;
    expect(fileStats({ ...fromCheckpoint, stats: undefined })).toMatchObject({ numRecords: fileStats(fromCheckpoint)!.numRecords, tightBounds: true });
  });

  it('counts live rows as numRecords minus deletion-vector cardinality (table-with-dv-small)', async () => {
    const snapshot = await new DeltaTable(store, corpusPath('table-with-dv-small'), 't').latest();
    const live = snapshot.files.reduce((sum, f) => sum + (fileStats(f)?.numRecords ?? 0) - (f.deletionVector?.cardinality ?? 0), 0);
    expect(live).toBe(corpusTable('table-with-dv-small').expected.rowCount);
  });

  it('treats missing or unreadable stats as none', () => {
    const add = { path: 'x', partitionValues: {}, size: 1, modificationTime: 0, dataChange: true };
    expect(fileStats(add)).toBeUndefined();
    expect(fileStats({ ...add, stats: '{"numRecords": 3, "minValues": {' })).toBeUndefined();
    expect(fileStats({ ...add, stats: '{"numRecords": 3, "tightBounds": false}' })).toEqual({ numRecords: 3, minValues: {}, maxValues: {}, nullCount: {}, tightBounds: false });
  });
});
