import * as arrow from 'apache-arrow';
import type { DeltaType, StructField, StructType } from './types.js';

/**
 * The one mapping from Delta types to the Arrow types every batch above storage carries.
 * The executor relies on exactly these physical forms:
 *
 * | Delta          | Arrow                                   |
 * |----------------|-----------------------------------------|
 * | boolean        | Bool                                    |
 * | byte/short     | Int8 / Int16                            |
 * | integer/long   | Int32 / Int64 (BigInt64Array values)    |
 * | float/double   | Float32 / Float64                       |
 * | decimal(p,s)   | Decimal(scale s, precision p, 128 bits) |
 * | string/binary  | Utf8 / Binary                           |
 * | date           | DateDay (days since epoch, Int32)       |
 * | timestamp      | Timestamp(MICROSECOND, "UTC")           |
 * | timestamp_ntz  | Timestamp(MICROSECOND, no zone)         |
 * | struct/array   | Struct / List                           |
 * | map            | Map(entries: Struct<key, value>)        |
 */
export function deltaTypeToArrow(type: DeltaType): arrow.DataType {
  switch (type.kind) {
    case 'primitive':
      switch (type.name) {
        case 'boolean': return new arrow.Bool();
        case 'byte': return new arrow.Int8();
        case 'short': return new arrow.Int16();
        case 'integer': return new arrow.Int32();
        case 'long': return new arrow.Int64();
        case 'float': return new arrow.Float32();
        case 'double': return new arrow.Float64();
        case 'string': return new arrow.Utf8();
        case 'binary': return new arrow.Binary();
        case 'date': return new arrow.DateDay();
        case 'timestamp': return new arrow.TimestampMicrosecond('UTC');
        case 'timestamp_ntz': return new arrow.TimestampMicrosecond(null);
      }
      break;
    case 'decimal':
      return new arrow.Decimal(type.scale, type.precision, 128);
    case 'struct':
      return new arrow.Struct(type.fields.map(deltaFieldToArrow));
    case 'array':
      return new arrow.List(new arrow.Field('element', deltaTypeToArrow(type.elementType), type.containsNull));
    case 'map': {
      const entries = new arrow.Struct([
        new arrow.Field('key', deltaTypeToArrow(type.keyType), false),
        new arrow.Field('value', deltaTypeToArrow(type.valueType), type.valueContainsNull),
      ]);
      return new arrow.Map_(new arrow.Field('entries', entries, false), false);
    }
  }
}

export function deltaFieldToArrow(field: StructField): arrow.Field {
  return new arrow.Field(field.name, deltaTypeToArrow(field.type), field.nullable);
}

export function deltaSchemaToArrow(schema: StructType): arrow.Schema {
  return new arrow.Schema(schema.fields.map(deltaFieldToArrow));
}
