import * as arrow from 'apache-arrow';

/**
 * A RecordBatch of `columns` (each `length` rows) under `schema`, made without apache-arrow's
 * constructor check when every column has `length` rows. That check (`ensureSameLengthData`)
 * pads short columns with NULLs and so re-derives the schema every time — each field cloned, its
 * metadata map copied, the dictionaries collected — which every operator paid for every batch
 * (about 20 µs a batch once optimised, far more in a cold process; a `count(*)` over 10 million
 * rows made 153 of them). The batch is the one the constructor makes: same prototype, `schema`,
 * `data` and metadata, so every RecordBatch method works on it. Columns of other lengths go
 * through the constructor, which pads them. Works for zero columns too.
 */
export function recordBatch(schema: arrow.Schema, columns: readonly arrow.Data[], length: number): arrow.RecordBatch {
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children: [...columns] });
  if (!columns.every((c) => c.length === length)) return new arrow.RecordBatch(schema, data);
  const batch = Object.create(arrow.RecordBatch.prototype) as { schema: arrow.Schema; data: arrow.Data; _metadata: Map<string, string> };
  batch.schema = schema;
  batch.data = data;
  batch._metadata = new Map();
  return batch as unknown as arrow.RecordBatch;
}
