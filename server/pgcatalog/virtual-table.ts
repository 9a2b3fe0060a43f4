import * as arrow from 'apache-arrow';
import { dataFromValues, type ScalarValue } from '../../executor/arrow/scalar.js';
import type { ScanRequest, TableSource } from '../../planner/catalog.js';
import { toScalar } from './pg-types.js';
import type { CatalogRow } from './generators/types.js';

/**
 * A catalog relation as a planner TableSource: its rows are produced when it is scanned (from
 * the statement's catalog state or the static export), so a table created a moment ago is
 * listed by the next statement. Columns a row leaves out take the relation's defaults: 0 and
 * false in pg_catalog (whose columns are NOT NULL), NULL in information_schema.
 */
export class VirtualTableSource implements TableSource {
  readonly version = 0;

  constructor(
    readonly displayName: string,
    readonly schema: arrow.Schema,
    private readonly rows: () => Promise<readonly CatalogRow[]>,
    private readonly zeroDefaults: boolean,
  ) {}

  async *scan(request: ScanRequest): AsyncGenerator<arrow.RecordBatch> {
    const rows = await this.rows();
    const fields = request.columns.map((name) => {
      const field = this.schema.fields.find((f) => f.name === name);
      if (field === undefined) throw new Error(`catalog relation ${this.displayName} has no column ${name}`);
      return field;
    });
    const children = fields.map((f) => dataFromValues(f.type, rows.map((r) => this.value(r[f.name], f.type))));
    const struct = arrow.makeData({ type: new arrow.Struct(fields), length: rows.length, nullCount: 0, children } as never);
    yield new arrow.RecordBatch(new arrow.Schema(fields), struct as unknown as arrow.Data<arrow.Struct>);
  }

  private value(v: unknown, type: arrow.DataType): ScalarValue {
    if (v === undefined && this.zeroDefaults) {
      if (type.typeId === arrow.Type.Int) return (type as arrow.Int).bitWidth === 64 ? 0n : 0;
      if (type.typeId === arrow.Type.Float) return 0;
      if (type.typeId === arrow.Type.Bool) return false;
    }
    return toScalar(v, type);
  }
}
