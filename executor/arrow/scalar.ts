import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { decimalAt, writeDecimal } from '../values/decimal.js';
import { bitIsValid } from './validity.js';
import { packBits, validityProps } from '../../common/arrow/bitmap.js';

/**
 * One SQL value outside a batch: literals, folded constants, test expectations. The JS form
 * follows the Arrow storage of its type:
 *
 * | Arrow type               | ScalarValue                                   |
 * |--------------------------|-----------------------------------------------|
 * | Bool                     | boolean                                       |
 * | Int8/16/32, Float32/64   | number                                        |
 * | Int64                    | bigint                                        |
 * | Decimal(p, s)            | bigint (the unscaled value)                   |
 * | DateDay                  | number (days since the epoch)                 |
 * | Timestamp(µs)            | bigint (microseconds since the epoch)         |
 * | Utf8 / Binary            | string / Uint8Array                           |
 * | Struct                   | { [field]: ScalarValue }                      |
 * | List                     | ScalarValue[]                                 |
 * | Map                      | [key, value][]                                |
 * | any, NULL                | null                                          |
 */
export type ScalarValue =
  | null | boolean | number | bigint | string | Uint8Array
  | readonly ScalarValue[]
  | { readonly [field: string]: ScalarValue };

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Builds a Data of `type` from JS values in the ScalarValue form (any type of the mapping). */
export function dataFromValues(type: arrow.DataType, values: readonly ScalarValue[]): arrow.Data {
  const length = values.length;
  const valid = new Uint8Array(length);
  for (let i = 0; i < length; i++) valid[i] = values[i] === null || values[i] === undefined ? 0 : 1;
  const validity = validityProps(valid);
  switch (type.typeId) {
    case arrow.Type.Null:
      return arrow.makeData({ type, length, nullCount: length } as never);
    case arrow.Type.Bool: {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = values[i] === true ? 1 : 0;
      return arrow.makeData({ type, length, ...validity, data: packBits(bytes) } as never);
    }
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Timestamp: {
      const Ctor = (type as arrow.Int).ArrayType as unknown as new (n: number) => Float64Array | BigInt64Array;
      const out = new Ctor(length);
      if (out instanceof BigInt64Array) {
        for (let i = 0; i < length; i++) out[i] = values[i] === null ? 0n : BigInt(values[i] as bigint | number);
      } else {
        for (let i = 0; i < length; i++) out[i] = values[i] === null ? 0 : Number(values[i]);
      }
      return arrow.makeData({ type, length, ...validity, data: out } as never);
    }
    case arrow.Type.Decimal: {
      const out = new Uint32Array(length * 4);
      for (let i = 0; i < length; i++) if (values[i] !== null) writeDecimal(out, i, BigInt(values[i] as bigint));
      return arrow.makeData({ type, length, ...validity, data: out } as never);
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const encoded = values.map((v) => (v === null ? new Uint8Array(0) : typeof v === 'string' ? utf8.encode(v) : (v as Uint8Array)));
      const valueOffsets = new Int32Array(length + 1);
      for (let i = 0; i < length; i++) valueOffsets[i + 1] = valueOffsets[i] + encoded[i].length;
      const bytes = new Uint8Array(valueOffsets[length]);
      for (let i = 0; i < length; i++) bytes.set(encoded[i], valueOffsets[i]);
      return arrow.makeData({ type, length, ...validity, valueOffsets, data: bytes } as never);
    }
    case arrow.Type.Struct: {
      const fields = (type as arrow.Struct).children;
      const children = fields.map((f) =>
        dataFromValues(f.type, values.map((v) => (v === null ? null : ((v as Record<string, ScalarValue>)[f.name] ?? null)))),
      );
      return arrow.makeData({ type, length, ...validity, children } as never);
    }
    case arrow.Type.List:
    case arrow.Type.Map: {
      const childField = (type as arrow.List).children[0];
      const valueOffsets = new Int32Array(length + 1);
      const flat: ScalarValue[] = [];
      for (let i = 0; i < length; i++) {
        const v = values[i] as readonly ScalarValue[] | null;
        if (v !== null) {
          for (const item of v) {
            if (type.typeId === arrow.Type.Map) {
              const [key, value] = item as readonly ScalarValue[];
              flat.push({ key, value });
            } else flat.push(item);
          }
        }
        valueOffsets[i + 1] = flat.length;
      }
      const child = dataFromValues(childField.type, flat);
      return arrow.makeData({ type, length, ...validity, valueOffsets, child } as never);
    }
    default:
      throw SqlError.unsupportedFeature(`values of type ${String(type)}`);
  }
}

/** `length` copies of one value (a literal as a column). */
export function broadcast(type: arrow.DataType, value: ScalarValue, length: number): arrow.Data {
  if (value === null) {
    if (type.typeId === arrow.Type.Null) return arrow.makeData({ type, length, nullCount: length } as never);
    return dataFromValues(type, new Array<ScalarValue>(length).fill(null));
  }
  switch (type.typeId) {
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Timestamp: {
      const Ctor = (type as arrow.Int).ArrayType as unknown as new (n: number) => Float64Array | BigInt64Array;
      const out = new Ctor(length);
      if (out instanceof BigInt64Array) out.fill(BigInt(value as bigint));
      else out.fill(Number(value));
      return arrow.makeData({ type, length, nullCount: 0, data: out } as never);
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const bytes = typeof value === 'string' ? utf8.encode(value) : (value as Uint8Array);
      const n = bytes.length;
      const valueOffsets = new Int32Array(length + 1);
      const data = new Uint8Array(n * length);
      for (let i = 0; i < length; i++) {
        valueOffsets[i + 1] = (i + 1) * n;
        data.set(bytes, i * n);
      }
      return arrow.makeData({ type, length, nullCount: 0, valueOffsets, data } as never);
    }
    default:
      return dataFromValues(type, new Array<ScalarValue>(length).fill(value));
  }
}

/**
 * Row `i` of `data` as a ScalarValue. For tests, folding and result encoding, not hot loops.
 */
export function scalarAt(data: arrow.Data, i: number): ScalarValue {
  if (!bitIsValid(data, i)) return null;
  switch (data.typeId) {
    case arrow.Type.Null:
      return null;
    case arrow.Type.Bool: {
      const j = data.offset + i;
      return ((data.values as Uint8Array)[j >> 3] & (1 << (j & 7))) !== 0;
    }
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Timestamp:
      return (data.values as Float64Array | BigInt64Array)[i];
    case arrow.Type.Decimal:
      return decimalAt(data.values as Uint32Array, i);
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const o = data.valueOffsets as Int32Array;
      const bytes = (data.values as Uint8Array).subarray(o[i], o[i + 1]);
      return data.typeId === arrow.Type.Utf8 ? utf8Decoder.decode(bytes) : bytes.slice();
    }
    case arrow.Type.Struct: {
      const out: Record<string, ScalarValue> = {};
      (data.type as arrow.Struct).children.forEach((f, c) => {
        out[f.name] = scalarAt(data.children[c], i);
      });
      return out;
    }
    case arrow.Type.List:
    case arrow.Type.Map: {
      const o = data.valueOffsets as Int32Array;
      const child = data.children[0];
      const items: ScalarValue[] = [];
      for (let k = o[i]; k < o[i + 1]; k++) {
        const item = scalarAt(child, k);
        if (data.typeId === arrow.Type.Map) {
          const entry = item as Record<string, ScalarValue>;
          items.push([entry.key, entry.value]);
        } else items.push(item);
      }
      return items;
    }
    case arrow.Type.Dictionary: {
      const dictionary = data.dictionary;
      if (dictionary === undefined) return null;
      return scalarAt(dictionary.data[0], Number((data.values as Int32Array)[i]));
    }
    default:
      throw SqlError.unsupportedFeature(`values of type ${String(data.type)}`);
  }
}

/** Every row of a Data as ScalarValues. */
export function valuesOf(data: arrow.Data): ScalarValue[] {
  const out: ScalarValue[] = [];
  for (let i = 0; i < data.length; i++) out.push(scalarAt(data, i));
  return out;
}
