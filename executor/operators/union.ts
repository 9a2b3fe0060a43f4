import * as arrow from 'apache-arrow';
import { take } from '../../common/arrow/take.js';
import { assert } from '../../common/sql-error.js';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { yieldThenCheckCancelled } from '../cancel.js';
import { GroupTable } from '../hash/group-table.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { chunks } from './hash-join/output.js';

/**
 * `UNION ALL` (`distinct = false`): each input's batches in turn, relabelled with this node's
 * schema. `UNION` (`distinct = true`): the same stream with rows already seen dropped, using a
 * GroupTable over every column (NULLs equal each other here, as in PostgreSQL's UNION); the
 * first occurrence of each row is emitted as soon as it is read, so the operator streams.
 *
 * The planner has cast every input to the same column types; names come from the first input,
 * and a column is nullable if it is in any input.
 *
 * EXPLAIN: `Union: all inputs=2` / `Union: distinct inputs=3`
 */
export class UnionExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  constructor(readonly inputs: readonly PhysicalOperator[], readonly distinct: boolean) {
    assert(inputs.length > 0, 'union of no inputs');
    const first = inputs[0].schema.fields;
    for (const input of inputs) assert(input.schema.fields.length === first.length, 'union inputs differ in column count');
    this.children = inputs;
    this.schema = new arrow.Schema(
      first.map((f, c) => new arrow.Field(f.name, f.type, inputs.some((input) => input.schema.fields[c].nullable), f.metadata)),
    );
  }

  explain(): string {
    return `Union: ${this.distinct ? 'distinct' : 'all'} inputs=${this.inputs.length}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { inputs, distinct, schema } = this;
    return (async function* union() {
      const seen = distinct ? new GroupTable(schema.fields.map((f) => f.type)) : null;
      for (const input of inputs) {
        for await (const batch of input.execute(ctx)) {
          await yieldThenCheckCancelled(ctx.signal);
          const n = batch.numRows;
          if (n === 0) continue;
          const columns = batchColumns(batch);
          if (seen === null) {
            yield makeBatch(schema, columns, n);
            continue;
          }
          // New groups get consecutive ids in row order, so a row is a first occurrence exactly
          // when its id is the next one not handed out yet.
          const before = seen.size;
          const ids = seen.findOrInsert(columns, n);
          const fresh = new Int32Array(seen.size - before);
          let expect = before;
          for (let i = 0; i < n; i++) if (ids[i] === expect) fresh[expect++ - before] = i;
          if (fresh.length === 0) continue;
          if (fresh.length === n) {
            yield makeBatch(schema, columns, n);
            continue;
          }
          for (const rows of chunks(fresh)) yield makeBatch(schema, columns.map((c) => take(c, rows)), rows.length);
        }
      }
    })();
  }
}
