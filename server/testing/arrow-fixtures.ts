import * as arrow from 'apache-arrow';

/**
 * Small Arrow builders for tests of the server layer: columns of exact physical values
 * (decimal words, microsecond timestamps) that `vectorFromArray` cannot express directly,
 * and in-memory batches, operators and catalogs standing in for storage and the planner.
 */

/** A validity bitmap for `values` (null → 0 bit), or undefined when nothing is null. */
export function bitmapOf(values: readonly unknown[]): Uint8Array | undefined {
  if (!values.some((v) => v === null)) return undefined;
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return bitmap;
}

function nullCount(values: readonly unknown[]): number {
  return values.filter((v) => v === null).length;
}

/** A Decimal128(precision, scale) column from unscaled BigInt values. */
export function decimalColumn(values: readonly (bigint | null)[], precision: number, scale: number): arrow.Data<arrow.Decimal> {
  const words = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    let x = BigInt.asUintN(128, v ?? 0n);
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
  });
  return arrow.makeData({ type: new arrow.Decimal(scale, precision, 128), length: values.length, nullCount: nullCount(values), nullBitmap: bitmapOf(values), data: words });
}

/** A Timestamp(MICROSECOND) column from BigInt microseconds; `zone` null for timestamp_ntz. */
export function timestampColumn(values: readonly (bigint | null)[], zone: string | null = 'UTC'): arrow.Data<arrow.TimestampMicrosecond> {
  return arrow.makeData({
    type: new arrow.TimestampMicrosecond(zone),
    length: values.length,
    nullCount: nullCount(values),
    nullBitmap: bitmapOf(values),
    data: BigInt64Array.from(values, (v) => v ?? 0n),
  });
}

/** A DateDay column from days since the epoch. */
export function dateColumn(values: readonly (number | null)[]): arrow.Data<arrow.DateDay> {
  return arrow.makeData({ type: new arrow.DateDay(), length: values.length, nullCount: nullCount(values), nullBitmap: bitmapOf(values), data: Int32Array.from(values, (v) => v ?? 0) });
}

/** A column through Arrow's own builders. */
export function column<T extends arrow.DataType>(values: readonly unknown[], type: T): arrow.Data<T> {
  return arrow.vectorFromArray(values as unknown[], type).data[0]! as arrow.Data<T>;
}

/** A record batch from named columns of equal length. */
export function batchOf(columns: Readonly<Record<string, arrow.Data>>): arrow.RecordBatch {
  const fields = Object.entries(columns).map(([name, data]) => new arrow.Field(name, data.type, true));
  const schema = new arrow.Schema(fields);
  const length = Object.values(columns)[0]?.length ?? 0;
  const data = arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children: Object.values(columns) });
  return new arrow.RecordBatch(schema, data);
}

export async function* batchesOf(...batches: arrow.RecordBatch[]): AsyncGenerator<arrow.RecordBatch> {
  for (const batch of batches) yield batch;
}

/** Drains an async generator of text chunks into one string. */
export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}
