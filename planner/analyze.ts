import type { RecordBatch, Schema } from 'apache-arrow';
import type { ExecContext, PhysicalOperator } from '../executor/operator.js';

/**
 * EXPLAIN ANALYZE's decorator: wraps one physical operator, counts the rows it yields and the
 * time spent inside its iterator (inclusive of its children, as PostgreSQL reports), and adds
 * `rows=N time=X ms` to its EXPLAIN line. Lowering wraps every operator of the plan.
 */
export class AnalyzedExec implements PhysicalOperator {
  rows = 0;
  millis = 0;
  loops = 0;

  constructor(readonly inner: PhysicalOperator) {}

  get schema(): Schema {
    return this.inner.schema;
  }

  get wrapped(): PhysicalOperator {
    return this.inner;
  }

  get children(): readonly PhysicalOperator[] {
    return this.inner.children;
  }

  explain(): string {
    return `${this.inner.explain()} (rows=${this.rows} time=${this.millis.toFixed(3)} ms${this.loops > 1 ? ` loops=${this.loops}` : ''})`;
  }

  execute(ctx: ExecContext): AsyncIterable<RecordBatch> {
    const iterable = this.inner.execute(ctx);
    const self = this;
    self.loops++;
    return {
      [Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
        const it = iterable[Symbol.asyncIterator]();
        return {
          async next() {
            const start = performance.now();
            try {
              const r = await it.next();
              if (!r.done) self.rows += r.value.numRows;
              return r;
            } finally {
              self.millis += performance.now() - start;
            }
          },
          async return(value?: unknown) {
            return (await it.return?.(value)) ?? { done: true, value: undefined };
          },
        };
      },
    };
  }
}
