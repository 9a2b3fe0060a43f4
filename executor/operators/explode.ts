import * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { SqlError } from '../../common/sql-error.js';
import { take } from '../../common/arrow/take.js';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import type { PhysicalExpr } from '../expr/physical-expr.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/**
 * Spark's generator `explode(expr)` / `explode_outer(expr)` (PostgreSQL's `unnest`): every input
 * row is repeated once per element of `expr` (an array, or a map's entries), with the element
 * appended — one column for an array (`col` in Spark), two for a map (`key`, `value`). Rows
 * whose array is NULL or empty vanish, or with `outer` appear once with NULL elements.
 *
 * Vectorised: per batch, one pass over the list offsets builds two index vectors (input row per
 * output row, child entry per output row) and every column is gathered with `take`.
 *
 * EXPLAIN: `Explode: tags AS tag` / `ExplodeOuter: props AS (key, value)`
 */
export class ExplodeExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  /** `outputNames`: one name for an array, two (key, value) for a map. */
  constructor(readonly input: PhysicalOperator, readonly expr: PhysicalExpr, readonly outer: boolean, readonly outputNames: readonly string[]) {
    this.children = [input];
    const t = expr.type;
    let generated: arrow.Field[];
    if (t.typeId === arrow.Type.List) {
      if (outputNames.length !== 1) throw SqlError.syntax(`explode of an array produces 1 column, but ${outputNames.length} names were given`);
      generated = [new arrow.Field(outputNames[0], (t as arrow.List).children[0].type, true)];
    } else if (t.typeId === arrow.Type.Map) {
      if (outputNames.length !== 2) throw SqlError.syntax(`explode of a map produces 2 columns, but ${outputNames.length} names were given`);
      const entry = ((t as arrow.Map_).children[0].type as arrow.Struct).children;
      generated = [new arrow.Field(outputNames[0], entry[0].type, true), new arrow.Field(outputNames[1], entry[1].type, true)];
    } else {
      throw SqlError.datatypeMismatch(`explode expects an array or a map, not ${String(t)}`);
    }
    this.schema = new arrow.Schema([...input.schema.fields, ...generated]);
  }

  explain(): string {
    const names = this.outputNames.length === 1 ? this.outputNames[0] : `(${this.outputNames.join(', ')})`;
    return `${this.outer ? 'ExplodeOuter' : 'Explode'}: ${this.expr} AS ${names}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { input, expr, outer, schema } = this;
    return (async function* explode() {
      for await (const batch of input.execute(ctx)) {
        const list = expr.evaluate(batch);
        const { rows, entries } = explodeIndices(list, outer);
        if (rows.length === 0) continue;
        const columns = batchColumns(batch).map((c) => take(c, rows));
        const child = list.children[0];
        const generated = list.typeId === arrow.Type.Map ? [take(child.children[0], entries), take(child.children[1], entries)] : [take(child, entries)];
        yield makeBatch(schema, [...columns, ...generated], rows.length);
      }
    })();
  }
}

/** For each output row: the input row it repeats, and the child entry it carries (-1 = NULL, outer only). */
export function explodeIndices(list: arrow.Data, outer: boolean): { rows: Int32Array; entries: Int32Array } {
  const length = list.length;
  const o = list.valueOffsets as Int32Array;
  const valid = validityBytes(list);
  let total = 0;
  for (let i = 0; i < length; i++) {
    const n = valid !== null && valid[i] === 0 ? 0 : o[i + 1] - o[i];
    total += n === 0 && outer ? 1 : n;
  }
  const rows = new Int32Array(total);
  const entries = new Int32Array(total);
  let k = 0;
  for (let i = 0; i < length; i++) {
    const n = valid !== null && valid[i] === 0 ? 0 : o[i + 1] - o[i];
    if (n === 0) {
      if (outer) {
        rows[k] = i;
        entries[k++] = -1;
      }
      continue;
    }
    for (let j = 0; j < n; j++) {
      rows[k] = i;
      entries[k++] = o[i] + j;
    }
  }
  return { rows, entries };
}
