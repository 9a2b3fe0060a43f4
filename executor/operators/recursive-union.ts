import * as arrow from 'apache-arrow';
import { take } from '../../common/arrow/take.js';
import { SqlError } from '../../common/sql-error.js';
import { batchColumns, makeBatch } from '../arrow/batch.js';
import { throwIfCancelled } from '../cancel.js';
import { GroupTable } from '../hash/group-table.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { chunks } from './hash-join/output.js';
import type { WorkTableSlot } from './work-table.js';

/** Rounds a recursive CTE may run before it is stopped (`DELTASQL_MAX_RECURSION` overrides). */
export const DEFAULT_MAX_ROUNDS = 10_000;

/**
 * `WITH RECURSIVE` (PostgreSQL's RecursiveUnion): yields the anchor's rows, puts them in the
 * work-table slot, runs the recursive term over them, yields and feeds its rows to the next
 * round, until a round yields nothing. UNION (`distinct`) drops rows seen before (a GroupTable
 * over every column, NULLs equal), so a cycle in the data ends the recursion; UNION ALL keeps
 * them, and a query that never stops is ended after `maxRounds` rounds with `54001` rather
 * than running (and growing) forever. Rows stream out as each round produces them.
 *
 * EXPLAIN: `RecursiveUnion: t all max_rounds=10000`
 */
export class RecursiveUnionExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];

  constructor(
    readonly anchor: PhysicalOperator,
    readonly recursive: PhysicalOperator,
    readonly slot: WorkTableSlot,
    readonly distinct: boolean,
    readonly name: string,
    readonly schema: arrow.Schema,
    readonly maxRounds: number = DEFAULT_MAX_ROUNDS,
  ) {
    this.children = [anchor, recursive];
  }

  explain(): string {
    return `RecursiveUnion: ${this.name} ${this.distinct ? 'distinct' : 'all'} max_rounds=${this.maxRounds}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { anchor, recursive, slot, distinct, name, schema, maxRounds } = this;
    return (async function* recursiveUnion() {
      const seen = distinct ? new GroupTable(schema.fields.map((f) => f.type)) : null;
      /** The batch's rows not seen before (all of them for UNION ALL), relabelled with this schema. */
      const fresh = (batch: arrow.RecordBatch): arrow.RecordBatch[] => {
        const n = batch.numRows;
        if (n === 0) return [];
        const columns = batchColumns(batch);
        if (seen === null) return [makeBatch(schema, columns, n)];
        const before = seen.size;
        const ids = seen.findOrInsert(columns, n);
        const keep = new Int32Array(seen.size - before);
        let expect = before;
        for (let i = 0; i < n; i++) if (ids[i] === expect) keep[expect++ - before] = i;
        if (keep.length === 0) return [];
        if (keep.length === n) return [makeBatch(schema, columns, n)];
        return [...chunks(keep)].map((rows) => makeBatch(schema, columns.map((c) => take(c, rows)), rows.length));
      };
      let round: arrow.RecordBatch[] = [];
      for await (const batch of anchor.execute(ctx)) {
        throwIfCancelled(ctx.signal);
        for (const b of fresh(batch)) {
          round.push(b);
          yield b;
        }
      }
      let rounds = 0;
      try {
        while (round.length > 0) {
          if (++rounds > maxRounds) {
            throw new SqlError('54001', `recursive query "${name}" did not finish within ${maxRounds} iterations`, {
              hint: 'Check the recursive term\'s stop condition, use UNION instead of UNION ALL to stop at repeated rows, or raise DELTASQL_MAX_RECURSION.',
            });
          }
          slot.batches = round;
          const next: arrow.RecordBatch[] = [];
          for await (const batch of recursive.execute(ctx)) {
            throwIfCancelled(ctx.signal);
            for (const b of fresh(batch)) {
              next.push(b);
              yield b;
            }
          }
          round = next;
        }
      } finally {
        slot.batches = [];
      }
    })();
  }
}
