import * as arrow from 'apache-arrow';
import { totalmem } from 'node:os';
import { batchBytes, dataBytes } from '../common/arrow/data-bytes.js';
import { SqlError } from '../common/sql-error.js';

/**
 * How much one buffering operator (a full sort, a window, a join's build side) may hold before
 * the query fails with `53200` instead of taking the process — and every other client — down:
 * `DELTASQL_OPERATOR_MEMORY_MB`, else a quarter of the machine's memory. Streaming operators
 * (scan, filter, project, limit, top-N, the probe side of a join) hold a batch or two and need none.
 */
export function operatorMemoryLimit(): number {
  const configured = Number(process.env.DELTASQL_OPERATOR_MEMORY_MB);
  if (process.env.DELTASQL_OPERATOR_MEMORY_MB !== undefined && Number.isFinite(configured) && configured > 0) return configured * 1024 * 1024;
  return totalmem() / 4;
}

/** Counts what an operator buffers and refuses to pass its limit. */
export class BufferBudget {
  private used = 0;

  constructor(
    /** How the error names the operator: `sort`, `window`, `hash join build side`… */
    private readonly what: string,
    private readonly limit: number = operatorMemoryLimit(),
  ) {}

  /** Accounts for one buffered batch (or column); throws `53200` past the limit. */
  add(item: arrow.RecordBatch | arrow.Data): void {
    this.used += item instanceof arrow.RecordBatch ? batchBytes(item) : dataBytes(item);
    if (this.used > this.limit) {
      throw new SqlError('53200', `out of memory: the ${this.what} needs more than ${Math.round(this.limit / 2 ** 20)} MiB`, {
        detail: 'deltasql buffers this operator\'s input in memory and does not spill to disk yet.',
        hint: 'Filter or aggregate the input first, or raise DELTASQL_OPERATOR_MEMORY_MB.',
      });
    }
  }
}
