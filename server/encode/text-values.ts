import * as arrow from 'apache-arrow';
import { intervalTextWriter } from './interval.js';
import {
  boolReader,
  dateDaysReader,
  genericReader,
  int64Reader,
  nullTest,
  offsetsOf,
  stringifyLoose,
  timestampMicrosReader,
  utf8Reader,
} from './data-access.js';
import { dictionaryWriter, jsonWriter } from './json-values.js';
import { decimalWordsToString, hex, pgDate, pgFloatText, pgTimestamp } from './scalars.js';
import { TimeZone } from '../../common/time/time-zone.js';

/**
 * PostgreSQL's text output form of each value (what `psql` shows and `COPY … CSV` writes),
 * used by the `csv` and `table` encoders and, later, by text-format results on the wire:
 *
 * - bool `t`/`f`; integers in decimal; decimals exact with `scale` digits (`123.50`);
 * - float4/float8 as PostgreSQL ≥ 12 prints them: shortest round-trip digits, exponent form
 *   outside [1e-4, 1e15) (float4: [1e-4, 1e6)), `NaN`, `Infinity`, `-Infinity`;
 * - bytea `\x` + lowercase hex;
 * - date `2021-01-01`; timestamp `2021-01-01 10:00:00.5` (fraction only when non-zero,
 *   trailing zeros dropped); timestamptz the same in the session's `TimeZone` with its offset
 *   (`2021-01-01 10:00:00+00` in UTC, `2021-01-01 05:00:00-05` in America/New_York); years
 *   before 1 AD with ` BC`;
 * - struct and map columns are `json` (DESIGN.md §3), so their text is the JSON encoding of
 *   json-values.ts; lists are array literals `{1,2,NULL}`, elements double-quoted when they
 *   contain `{}",\` or whitespace, are empty or spell NULL (multi-dimensional for nested lists).
 *
 * `textWriter(data, zone)(i)` returns the text, or `null` for SQL NULL.
 */
export type TextWriter = (i: number) => string | null;

export function textWriter(data: arrow.Data, zone: TimeZone = TimeZone.UTC): TextWriter {
  const value = textValueWriter(data, zone);
  const isNull = nullTest(data);
  if (isNull === undefined) return value;
  return (i) => (isNull(i) ? null : value(i));
}

function textValueWriter(data: arrow.Data, zone: TimeZone): (i: number) => string {
  const type = data.type as arrow.DataType;
  switch (type.typeId) {
    case arrow.Type.Bool: {
      const get = boolReader(data);
      return (i) => (get(i) ? 't' : 'f');
    }
    case arrow.Type.Int: {
      if ((type as arrow.Int).bitWidth === 64) {
        const get = int64Reader(data.values as BigInt64Array | BigUint64Array);
        return (i) => String(get(i));
      }
      const values = data.values as Int32Array;
      return (i) => String(values[i]!);
    }
    case arrow.Type.Float: {
      const precision = (type as arrow.Float).precision;
      if (precision === arrow.Precision.HALF) break;
      const values = data.values as Float32Array | Float64Array;
      const float4 = precision === arrow.Precision.SINGLE;
      return (i) => pgFloatText(values[i]!, float4);
    }
    case arrow.Type.Decimal: {
      const { scale, bitWidth } = type as arrow.Decimal;
      const words = data.values as Uint32Array;
      const stride = bitWidth / 32;
      return (i) => decimalWordsToString(words, i * stride, stride, scale);
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
      return utf8Reader(data);
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary: {
      const bytes = data.values as Uint8Array;
      const offsets = offsetsOf(data);
      return (i) => '\\x' + hex(bytes, offsets(i), offsets(i + 1));
    }
    case arrow.Type.FixedSizeBinary: {
      const bytes = data.values as Uint8Array;
      const width = (type as arrow.FixedSizeBinary).byteWidth;
      return (i) => '\\x' + hex(bytes, i * width, (i + 1) * width);
    }
    case arrow.Type.Date: {
      const get = dateDaysReader(data as arrow.Data<arrow.Date_>);
      return (i) => pgDate(get(i));
    }
    case arrow.Type.Timestamp: {
      const get = timestampMicrosReader(data as arrow.Data<arrow.Timestamp>);
      const withZone = Boolean((type as arrow.Timestamp).timezone);
      return (i) => pgTimestamp(get(i), withZone, zone);
    }
    case arrow.Type.Interval:
      return intervalTextWriter(data);
    case arrow.Type.Struct:
    case arrow.Type.Map:
      return jsonWriter(data);
    case arrow.Type.List: {
      const offsets = data.valueOffsets as Int32Array;
      return arrayLiteralWriter(data.children[0]!, (i) => offsets[i]!, (i) => offsets[i + 1]!, zone);
    }
    case arrow.Type.FixedSizeList: {
      const size = (type as arrow.FixedSizeList).listSize;
      return arrayLiteralWriter(data.children[0]!, (i) => i * size, (i) => (i + 1) * size, zone);
    }
    case arrow.Type.Dictionary: {
      const write = dictionaryWriter(data, (d) => textWriter(d, zone));
      return (i) => write(i) ?? '';
    }
  }
  const get = genericReader(data);
  return (i) => {
    const v = get(i);
    return typeof v === 'string' ? v : stringifyLoose(v);
  };
}

/** PostgreSQL array literal `{a,"b c",NULL}`; nested lists stay unquoted (`{{1,2},{3}}`). */
function arrayLiteralWriter(element: arrow.Data, start: (i: number) => number, end: (i: number) => number, zone: TimeZone): (i: number) => string {
  const write = textWriter(element, zone);
  const nested = element.typeId === arrow.Type.List || element.typeId === arrow.Type.FixedSizeList;
  return (i) => {
    let text = '{';
    for (let e = start(i), stop = end(i); e < stop; e++) {
      if (text.length > 1) text += ',';
      const v = write(e);
      text += v === null ? 'NULL' : nested ? v : quoteArrayElement(v);
    }
    return text + '}';
  };
}

function quoteArrayElement(text: string): string {
  if (text !== '' && !/[{}",\\\s]/.test(text) && text.toUpperCase() !== 'NULL') return text;
  return '"' + text.replace(/[\\"]/g, '\\$&') + '"';
}
