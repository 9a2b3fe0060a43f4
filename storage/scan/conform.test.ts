import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { DeltaType } from '../schema/types.js';
import { conformColumn } from './conform.js';

const prim = (name: string) => ({ kind: 'primitive', name }) as DeltaType;
const values = (data: arrow.Data) => [...arrow.makeVector(data)].map((v) => (v && typeof v === 'object' && 'toJSON' in v ? (v as { toJSON(): unknown }).toJSON() : v));

describe('conforming Parquet columns to the logical schema', () => {
  it('widens integers and floats as typeWidening reads require', () => {
    const ints = arrow.vectorFromArray([1, null, -3], new arrow.Int32()).data[0]!;
    const asLong = conformColumn(ints, undefined, prim('long'), 'none', 'f');
    expect(asLong.type.toString()).toBe('Int64');
    expect(values(asLong)).toEqual([1n, null, -3n]);
    const asDouble = conformColumn(ints, undefined, prim('double'), 'none', 'f');
    expect(values(asDouble)).toEqual([1, null, -3]);
    const floats = arrow.vectorFromArray([1.5, 2.25], new arrow.Float32()).data[0]!;
    expect(values(conformColumn(floats, undefined, prim('double'), 'none', 'f'))).toEqual([1.5, 2.25]);
  });

  it('widens a sliced column (value buffers sliced, bitmap offset kept) row for row', () => {
    const ints = arrow.vectorFromArray([7, null, 8, 9], new arrow.Int32()).data[0]!.slice(1, 3);
    expect(values(conformColumn(ints, undefined, prim('long'), 'none', 'f'))).toEqual([null, 8n, 9n]);
    const narrow = arrow.makeData({ type: new arrow.Decimal(0, 9, 128), length: 2, nullCount: 0, data: Uint32Array.of(1, 0, 0, 0, 2, 0, 0, 0) }).slice(1, 1);
    expect(Array.from(conformColumn(narrow, undefined, { kind: 'decimal', precision: 10, scale: 1 }, 'none', 'f').values as Uint32Array)).toEqual([20, 0, 0, 0]);
  });

  it('widens dates to timestamp_ntz at midnight', () => {
    const dates = arrow.makeData({ type: new arrow.DateDay(), length: 2, nullCount: 0, data: Int32Array.of(0, -1) });
    const out = conformColumn(dates, undefined, prim('timestamp_ntz'), 'none', 'f');
    expect(Array.from(out.values as BigInt64Array)).toEqual([0n, -86_400_000_000n]);
  });

  it('converts nanosecond (INT96) timestamps to microseconds, flooring before 1970', () => {
    const ns = arrow.makeData({ type: new arrow.TimestampNanosecond(), length: 3, nullCount: 0, data: BigInt64Array.of(1_500n, -1_500n, -1_000n) });
    const out = conformColumn(ns, undefined, prim('timestamp'), 'none', 'f');
    expect((out.type as arrow.Timestamp).unit).toBe(arrow.TimeUnit.MICROSECOND);
    expect((out.type as arrow.Timestamp).timezone).toBe('UTC');
    expect(Array.from(out.values as BigInt64Array)).toEqual([1n, -2n, -1n]);
  });

  it('renames nested fields from physical to logical names and fills missing ones with NULL', () => {
    const physical = arrow.vectorFromArray([{ 'col-a': 1 }, { 'col-a': 2 }], new arrow.Struct([new arrow.Field('col-a', new arrow.Int32())])).data[0]!;
    const target: DeltaType = {
      kind: 'struct',
      fields: [
        { name: 'a', type: prim('integer'), nullable: true, metadata: { 'delta.columnMapping.physicalName': 'col-a' } },
        { name: 'added later', type: prim('string'), nullable: true, metadata: { 'delta.columnMapping.physicalName': 'col-b' } },
      ],
    };
    const out = conformColumn(physical, undefined, target, 'name', 'f');
    expect(JSON.parse(JSON.stringify(values(out)))).toEqual([{ a: 1, 'added later': null }, { a: 2, 'added later': null }]);
  });

  it('rescales a narrower decimal exactly', () => {
    const narrow = arrow.makeData({ type: new arrow.Decimal(1, 9, 128), length: 1, nullCount: 0, data: Uint32Array.of(0xfffffff6, 0xffffffff, 0xffffffff, 0xffffffff) }); // -1.0
    const out = conformColumn(narrow, undefined, { kind: 'decimal', precision: 12, scale: 3 }, 'none', 'f');
    expect(Array.from(out.values as Uint32Array)).toEqual([0xfffffc18, 0xffffffff, 0xffffffff, 0xffffffff]); // -1000 at scale 3
  });

  it('refuses a column stored as an incompatible type, naming the file', () => {
    const strings = arrow.vectorFromArray(['x'], new arrow.Utf8()).data[0]!;
    expect(() => conformColumn(strings, undefined, prim('long'), 'none', '/t/part-0.parquet')).toThrow(/part-0.parquet: a column stored as Utf8 cannot be read as Int64/);
  });
});
