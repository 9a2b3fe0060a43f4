import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { recordBatch } from './record-batch.js';

const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Int32(), false, new Map([['k', 'v']])),
  new arrow.Field('name', new arrow.Utf8(), true),
]);
const ids = arrow.vectorFromArray([1, 2, 3], new arrow.Int32()).data[0] as arrow.Data;
const names = arrow.vectorFromArray(['a', null, 'c'], new arrow.Utf8()).data[0] as arrow.Data;

describe('recordBatch', () => {
  it('is the batch the constructor makes: every RecordBatch method works on it', () => {
    const fast = recordBatch(schema, [ids, names], 3);
    const made = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 3, nullCount: 0, children: [ids, names] }));
    expect(fast).toBeInstanceOf(arrow.RecordBatch);
    expect(fast.schema).toBe(schema); // not re-derived
    expect(fast.numRows).toBe(3);
    expect(fast.numCols).toBe(2);
    expect(fast.toArray().map((r) => r.toJSON())).toEqual(made.toArray().map((r) => r.toJSON()));
    expect(fast.slice(1, 3).toArray().map((r) => r.toJSON())).toEqual([{ id: 2, name: null }, { id: 3, name: 'c' }]);
    expect([...(fast.selectAt([1]).getChildAt(0) as arrow.Vector)]).toEqual([...(made.selectAt([1]).getChildAt(0) as arrow.Vector)]);
    expect(fast.metadata.size).toBe(0);
    expect(fast.dictionaries.size).toBe(0);
    expect(new arrow.Table([fast, fast]).numRows).toBe(6);
    expect(arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table([fast]))).toArray().map((r) => r.toJSON())).toEqual(made.toArray().map((r) => r.toJSON()));
  });

  it('pads short columns with NULLs through the constructor, and makes zero-column batches', () => {
    const short = arrow.vectorFromArray(['x'], new arrow.Utf8()).data[0] as arrow.Data;
    const padded = recordBatch(schema, [ids, short], 3);
    expect([...(padded.getChild('name') as arrow.Vector)]).toEqual(['x', null, null]);
    const empty = recordBatch(new arrow.Schema([]), [], 5);
    expect(empty.numRows).toBe(5);
    expect(empty.numCols).toBe(0);
  });
});
