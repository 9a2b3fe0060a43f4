import * as arrow from 'apache-arrow';
import { dataFromValues, type ScalarValue } from '../arrow/scalar.js';

/** `length` NULLs of `type`, built without a JS value per row for the flat types. */
export function nullColumn(type: arrow.DataType, length: number): arrow.Data {
  const nullBitmap = new Uint8Array(((length + 63) >> 6) << 3);
  switch (type.typeId) {
    case arrow.Type.Null:
      return arrow.makeData({ type, length, nullCount: length } as never);
    case arrow.Type.Bool:
      return arrow.makeData({ type, length, nullCount: length, nullBitmap, data: new Uint8Array(nullBitmap.length) } as never);
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Decimal:
    case arrow.Type.Date:
    case arrow.Type.Time:
    case arrow.Type.Timestamp:
    case arrow.Type.Duration: {
      const Ctor = (type as arrow.Int).ArrayType as unknown as new (n: number) => Int32Array;
      const stride = arrow.DataType.isDecimal(type) ? (type as arrow.Decimal).bitWidth / 32 : 1;
      return arrow.makeData({ type, length, nullCount: length, nullBitmap, data: new Ctor(length * stride) } as never);
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
      return arrow.makeData({ type, length, nullCount: length, nullBitmap, valueOffsets: new Int32Array(length + 1), data: new Uint8Array(0) } as never);
    default:
      return dataFromValues(type, new Array<ScalarValue>(length).fill(null));
  }
}
