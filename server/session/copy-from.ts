import * as arrow from 'apache-arrow';
import { nullData } from '../../common/arrow/null-data.js';
import { SqlError } from '../../common/sql-error.js';
import { isWritableCatalog } from '../../executor/write/catalog.js';
import { runInsert } from '../../executor/write/run-insert.js';
import type { Catalog } from '../../planner/catalog.js';

/**
 * `COPY t [(cols)] FROM STDIN`: the rows the front end parsed (batches of the named columns, in
 * the table's types) are appended to the table in one blind-append commit, as `INSERT` would:
 * columns not named are NULL, a NULL in a NOT NULL column is `23502` and nothing is written.
 * Returns the number of rows written (`COPY n`).
 */
export async function copyFrom(
  catalog: Catalog,
  table: { readonly schema?: string; readonly name: string },
  columns: readonly string[] | undefined,
  batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>,
): Promise<number> {
  if (!isWritableCatalog(catalog)) throw SqlError.unsupportedFeature('COPY FROM into a read-only catalog');
  const ref = { kind: 'named' as const, ...(table.schema === undefined ? {} : { schema: table.schema }), name: table.name };
  const source = await catalog.resolveTable(ref);
  const tableSchema = source.schema;
  if (columns !== undefined) {
    for (const c of columns) {
      if (!tableSchema.fields.some((f) => f.name.toLowerCase() === c.toLowerCase())) throw SqlError.undefinedColumn(c, undefined, tableSchema.fields.map((f) => f.name));
    }
  }
  const deltaTable = await catalog.openTable(ref);
  const { rows } = await runInsert({ table: deltaTable, input: widened(batches, tableSchema), tableSchema });
  return rows;
}

/** Each batch with every column of the table, in its order: the ones COPY did not name are NULL. */
async function* widened(batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>, tableSchema: arrow.Schema): AsyncGenerator<arrow.RecordBatch> {
  for await (const batch of batches) {
    const byName = new Map(batch.schema.fields.map((f, i) => [f.name.toLowerCase(), batch.data.children[i]]));
    const children = tableSchema.fields.map((f) => byName.get(f.name.toLowerCase()) ?? nullData(f.type, batch.numRows));
    const data = arrow.makeData({ type: new arrow.Struct(tableSchema.fields), length: batch.numRows, nullCount: 0, children });
    yield new arrow.RecordBatch(tableSchema, data);
  }
}
