import * as arrow from 'apache-arrow';

/** A column of `length` NULLs of any Arrow type (a column the file does not have). */
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
        child: nullData((type as arrow.List).children[0]!.type, 0),
      });
    case arrow.Type.Map:
      return arrow.makeData({
        ...base,
        type: type as arrow.Map_,
        valueOffsets: new Int32Array(length + 1),
        child: nullData((type as arrow.Map_).children[0]!.type, 0),
      });
    case arrow.Type.Utf8:
    case arrow.Type.Binary:
      return arrow.makeData({ ...base, type: type as arrow.Utf8, valueOffsets: new Int32Array(length + 1), data: new Uint8Array(0) });
    case arrow.Type.Bool:
      return arrow.makeData({ ...base, type: type as arrow.Bool, data: new Uint8Array(Math.ceil(length / 8)) });
    case arrow.Type.Decimal:
      return arrow.makeData({ ...base, type: type as arrow.Decimal, data: new Uint32Array(length * 4) });
    default: {
      const ctor = (type as arrow.Int).ArrayType as unknown as new (n: number) => Int32Array;
      const stride = (type as { stride?: number }).stride ?? 1;
      return arrow.makeData({ ...base, type: type as arrow.Int, data: new ctor(length * stride) });
    }
  }
}
