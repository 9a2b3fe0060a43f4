import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { batchOf, schemaOf } from './testing/batches.js';
import { StatsCollector } from './stats.js';

describe('file statistics over several batches', () => {
  it('min/max/nullCount span every batch; NaN is never a bound; booleans and binary get null counts only', () => {
    const schema = schemaOf({ s: 'string', d: 'double', b: 'boolean', i: 'integer' });
    const stats = new StatsCollector(schema.fields);
    const first = batchOf(schema, [{ s: 'm', d: NaN, b: true, i: 5 }, { s: null, d: 2.5, b: null, i: null }]);
    const second = batchOf(schema, [{ s: 'a', d: -1, b: false, i: 7 }, { s: 'z', d: null, b: true, i: -3 }]);
    for (const batch of [first, second]) stats.add(batch.data.children as arrow.Data[], schema.fields);
    expect(JSON.parse(stats.toJson())).toEqual({
      numRecords: 4,
      minValues: { s: 'a', d: -1, i: -3 },
      maxValues: { s: 'z', d: 2.5, i: 7 },
      nullCount: { s: 1, d: 1, b: 1, i: 1 },
    });
  });

  it('works on sliced batches (arrow-js pre-slices values but not the null bitmap)', () => {
    const schema = schemaOf({ s: 'string', i: 'long' });
    const batch = batchOf(schema, [{ s: 'q', i: 100n }, { s: null, i: null }, { s: 'b', i: 1n }, { s: 'c', i: 2n }]).slice(1, 4);
    const stats = new StatsCollector(schema.fields);
    stats.add(batch.data.children as arrow.Data[], schema.fields);
    expect(JSON.parse(stats.toJson())).toEqual({ numRecords: 3, minValues: { s: 'b', i: 1 }, maxValues: { s: 'c', i: 2 }, nullCount: { s: 1, i: 1 } });
  });

  it('collects only the first delta.dataSkippingNumIndexedCols leaf columns', () => {
    const schema = schemaOf({ a: 'integer', b: 'integer', c: 'integer' });
    const stats = new StatsCollector(schema.fields, 2);
    stats.add(batchOf(schema, [{ a: 1, b: 2, c: 3 }]).data.children as arrow.Data[], schema.fields);
    expect(JSON.parse(stats.toJson())).toEqual({ numRecords: 1, minValues: { a: 1, b: 2 }, maxValues: { a: 1, b: 2 }, nullCount: { a: 0, b: 0 } });
  });
});
