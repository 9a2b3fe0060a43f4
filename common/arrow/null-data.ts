import * as arrow from 'apache-arrow';
import { assert } from '../sql-error.js';

/**
 * A column of `length` NULLs of any Arrow type: a column a data file does not have, an outer
 * join's missing side, an aggregate over no rows. Flat types get zeroed buffers, nested types
 * NULL children; no JS value is built per row.
 */
export function nullData(type: arrow.DataType, length: number): arrow.Data {
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  const base = { type, length, nullCount: length, nullBitmap } as const;
  switch (type.typeId) {
    case arrow.Type.Struct:
      return arrow.makeData({ ...base, type: type as arrow.Struct, children: (type as arrow.Struct).children.map((f) => nullData(f.type, length)) });
    case arrow.Type.List:
      return arrow.makeData({
        ...base,
        type: type as arrow.List,
        valueOffsets: new Int32Array(length + 1),
        child: nullData(onlyChild(type), 0),
      });
    case arrow.Type.Map:
      return arrow.makeData({
        ...base,
        type: type as arrow.Map_,
        valueOffsets: new Int32Array(length + 1),
        child: nullData(onlyChild(type), 0),
      });
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
      return arrow.makeData({ ...base, type: type as arrow.Utf8, valueOffsets: new Int32Array(length + 1), data: new Uint8Array(0) });
    case arrow.Type.Bool:
      return arrow.makeData({ ...base, type: type as arrow.Bool, data: new Uint8Array(Math.ceil(length / 8)) });
    case arrow.Type.Decimal:
      return arrow.makeData({ ...base, type: type as arrow.Decimal, data: new Uint32Array(length * ((type as arrow.Decimal).bitWidth / 32)) });
    case arrow.Type.Interval:
      // Month-day-nano: 16 bytes a row (two int32 and one int64).
      return arrow.makeData({ ...base, type: type as arrow.Interval, data: new Int32Array(length * 4) });
    case arrow.Type.Null:
      return arrow.makeData({ type: type as arrow.Null, length, nullCount: length });
    default: {
      const ctor = (type as arrow.Int).ArrayType as unknown as new (n: number) => Int32Array;
      const stride = arrow.DataType.isFixedSizeBinary(type) ? type.byteWidth : 1;
      return arrow.makeData({ ...base, type: type as arrow.Int, data: new ctor(length * stride) });
    }
  }
}

/** The child type of a list or map. */
function onlyChild(type: arrow.DataType): arrow.DataType {
  const child = type.children[0];
  assert(child !== undefined, `${String(type)} has a child type`);
  return child.type;
}
