import * as arrow from 'apache-arrow';
import { intervalTextWriter } from './interval.js';
import {
  boolReader,
  columnsOf,
  dateDaysReader,
  genericReader,
  int64Reader,
  nullTest,
  offsetsOf,
  stringifyLoose,
  timestampMicrosReader,
  utf8Reader,
} from './data-access.js';
import { decimalWordsToString, float32Shortest, hex, isoDate, isoTimestamp } from './scalars.js';

/**
 * The JSON value encoding of PRODUCT.md "JSON values", shared by HTTP and `--format json|ndjson`:
 *
 * | Arrow                   | JSON                                                           |
 * |-------------------------|----------------------------------------------------------------|
 * | Int8…Int64, Uint*       | number; a 64-bit value outside ±(2^53−1) as a decimal string   |
 * | Decimal                 | exact string with `scale` fraction digits: `"123.50"`          |
 * | Float64                 | number; `"NaN"`, `"Infinity"`, `"-Infinity"` as strings        |
 * | Float32                 | the shortest decimal that reads back to the same float32       |
 * | Bool / Utf8             | true/false / string                                            |
 * | Binary                  | lowercase hex string                                           |
 * | DateDay                 | `"YYYY-MM-DD"` (`+010000-01-01` beyond year 9999, see scalars) |
 * | Timestamp with zone     | `"YYYY-MM-DDTHH:MM:SS.ffffffZ"` in UTC, always six digits      |
 * | Timestamp without zone  | the same without `Z`                                           |
 * | Struct                  | object keyed by field name                                     |
 * | List                    | array                                                          |
 * | Map                     | array of `[key, value]` pairs in stored order                  |
 * | NULL (any type)         | null                                                           |
 *
 * Values are produced directly as JSON text: `jsonWriter(data)` is built once per column per
 * batch and returns, for a row index, the JSON text of that value.
 */
export type JsonWriter = (i: number) => string;

/** A JSON-text writer for every value of one Arrow chunk (any type; nested types recurse). */
export function jsonWriter(data: arrow.Data): JsonWriter {
  const value = jsonValueWriter(data);
  const isNull = nullTest(data);
  if (isNull === undefined) return value;
  return (i) => (isNull(i) ? 'null' : value(i));
}

/** The writer for non-null values; `jsonWriter` adds the null check. */
function jsonValueWriter(data: arrow.Data): JsonWriter {
  const type = data.type as arrow.DataType;
  switch (type.typeId) {
    case arrow.Type.Null:
      return () => 'null';
    case arrow.Type.Bool: {
      const get = boolReader(data);
      return (i) => (get(i) ? 'true' : 'false');
    }
    case arrow.Type.Int: {
      const int = type as arrow.Int;
      if (int.bitWidth === 64) {
        const get = int64Reader(data.values as BigInt64Array | BigUint64Array);
        return (i) => {
          const v = get(i);
          return typeof v === 'number' ? String(v) : `"${v}"`;
        };
      }
      const values = data.values as Int32Array;
      return (i) => String(values[i]!);
    }
    case arrow.Type.Float: {
      const precision = (type as arrow.Float).precision;
      if (precision === arrow.Precision.HALF) break;
      const values = data.values as Float32Array | Float64Array;
      const single = precision === arrow.Precision.SINGLE;
      return (i) => {
        const v = values[i]!;
        if (v !== v) return '"NaN"';
        if (v === Infinity) return '"Infinity"';
        if (v === -Infinity) return '"-Infinity"';
        return String(single ? float32Shortest(v) : v);
      };
    }
    case arrow.Type.Decimal: {
      const { scale, bitWidth } = type as arrow.Decimal;
      const words = data.values as Uint32Array;
      const stride = bitWidth / 32;
      return (i) => `"${decimalWordsToString(words, i * stride, stride, scale)}"`;
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8: {
      const get = utf8Reader(data);
      return (i) => JSON.stringify(get(i));
    }
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary: {
      const bytes = data.values as Uint8Array;
      const offsets = offsetsOf(data);
      return (i) => `"${hex(bytes, offsets(i), offsets(i + 1))}"`;
    }
    case arrow.Type.FixedSizeBinary: {
      const bytes = data.values as Uint8Array;
      const width = (type as arrow.FixedSizeBinary).byteWidth;
      return (i) => `"${hex(bytes, i * width, (i + 1) * width)}"`;
    }
    case arrow.Type.Date: {
      const get = dateDaysReader(data as arrow.Data<arrow.Date_>);
      return (i) => `"${isoDate(get(i))}"`;
    }
    case arrow.Type.Timestamp: {
      const get = timestampMicrosReader(data as arrow.Data<arrow.Timestamp>);
      const zone = (type as arrow.Timestamp).timezone ? 'Z' : '';
      return (i) => `"${isoTimestamp(get(i))}${zone}"`;
    }
    case arrow.Type.Interval: {
      // No JSON form in PRODUCT.md: the PostgreSQL text, as a string (`"2 days 00:30:00"`).
      const text = intervalTextWriter(data);
      return (i) => JSON.stringify(text(i));
    }
    case arrow.Type.Struct: {
      const fields = (type as arrow.Struct).children;
      const keys = fields.map((f) => JSON.stringify(f.name) + ':');
      const children = data.children.map((child) => jsonWriter(child));
      return (i) => {
        let text = '{';
        for (let c = 0; c < children.length; c++) text += (c === 0 ? '' : ',') + keys[c] + children[c]!(i);
        return text + '}';
      };
    }
    case arrow.Type.List: {
      const offsets = data.valueOffsets as Int32Array;
      const element = jsonWriter(data.children[0]!);
      return (i) => {
        let text = '[';
        for (let e = offsets[i]!, end = offsets[i + 1]!; e < end; e++) text += (text.length === 1 ? '' : ',') + element(e);
        return text + ']';
      };
    }
    case arrow.Type.FixedSizeList: {
      const size = (type as arrow.FixedSizeList).listSize;
      const element = jsonWriter(data.children[0]!);
      return (i) => {
        let text = '[';
        for (let e = i * size; e < (i + 1) * size; e++) text += (text.length === 1 ? '' : ',') + element(e);
        return text + ']';
      };
    }
    case arrow.Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const entries = data.children[0]!;
      const key = jsonWriter(entries.children[0]!);
      const value = jsonWriter(entries.children[1]!);
      return (i) => {
        let text = '[';
        for (let e = offsets[i]!, end = offsets[i + 1]!; e < end; e++) text += (text.length === 1 ? '[' : ',[') + key(e) + ',' + value(e) + ']';
        return text + ']';
      };
    }
    case arrow.Type.Dictionary:
      return dictionaryWriter(data, jsonWriter);
  }
  const get = genericReader(data);
  return (i) => stringifyLoose(get(i));
}

/**
 * Dictionary-encoded columns: the dictionary's values are encoded once each, on first use,
 * and looked up by index.
 */
export function dictionaryWriter<T>(data: arrow.Data, writerFor: (data: arrow.Data) => (i: number) => T): (i: number) => T {
  const indices = data.values as ArrayLike<number | bigint>;
  const chunks = data.dictionary?.data ?? [];
  const writers = chunks.map((chunk) => writerFor(chunk));
  const starts: number[] = [];
  let start = 0;
  for (const chunk of chunks) {
    starts.push(start);
    start += chunk.length;
  }
  const memo = new Map<number, T>();
  return (i) => {
    const index = Number(indices[i]!);
    let text = memo.get(index);
    if (text === undefined) {
      let c = writers.length - 1;
      while (c > 0 && starts[c]! > index) c--;
      text = writers[c]!(index - starts[c]!);
      memo.set(index, text);
    }
    return text;
  };
}

/** The rows of a batch as JSON text arrays (`[1,"a",null]`), one string per row. */
export function* jsonRowTexts(batch: arrow.RecordBatch): Generator<string> {
  const writers = columnsOf(batch).map((child) => jsonWriter(child));
  for (let row = 0; row < batch.numRows; row++) {
    let text = '[';
    for (let c = 0; c < writers.length; c++) text += (c === 0 ? '' : ',') + writers[c]!(row);
    yield text + ']';
  }
}

/** The rows of a batch as JS values (through the same text), for tests and small results. */
export function jsonRows(batch: arrow.RecordBatch): unknown[][] {
  return Array.from(jsonRowTexts(batch), (text) => JSON.parse(text) as unknown[]);
}
