import type * as arrow from 'apache-arrow';
import type { ExecContext, PhysicalOperator } from '../operator.js';

/**
 * `LIMIT n OFFSET m`: skips `offset` rows, passes at most `limit` rows (no limit when
 * undefined), and stops pulling from its input as soon as it has them — leaving the
 * `for await` returns the upstream iterator, so scans stop reading.
 *
 * EXPLAIN: `Limit: limit=10 offset=5`
 */
export class LimitExec implements PhysicalOperator {
  readonly children: readonly PhysicalOperator[];
  readonly schema: arrow.Schema;

  constructor(readonly input: PhysicalOperator, readonly limit: number | undefined, readonly offset: number) {
    this.children = [input];
    this.schema = input.schema;
  }

  explain(): string {
    return `Limit: limit=${this.limit ?? 'none'} offset=${this.offset}`;
  }

  execute(ctx: ExecContext): AsyncIterable<arrow.RecordBatch> {
    const { input, limit, offset } = this;
    return (async function* limitRows() {
      if (limit === 0) return;
      let toSkip = offset;
      let remaining = limit ?? Infinity;
      for await (const batch of input.execute(ctx)) {
        let start = 0;
        if (toSkip > 0) {
          start = Math.min(toSkip, batch.numRows);
          toSkip -= start;
        }
        const take = Math.min(batch.numRows - start, remaining);
        if (take > 0) {
          yield start === 0 && take === batch.numRows ? batch : batch.slice(start, start + take);
          remaining -= take;
        }
        if (remaining === 0) break;
      }
    })();
  }
}
