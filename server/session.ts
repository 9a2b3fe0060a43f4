import * as arrow from 'apache-arrow';
import { SqlError } from '../common/sql-error.js';
import type { Catalog } from '../planner/catalog.js';
import { formatTag, newSessionViews, planStatement } from '../planner/index.js';

/**
 * A statement's result: its schema up front, then its rows as Arrow record batches pulled one at
 * a time. `commandTag` is the statement's kind as PostgreSQL's CommandComplete names it
 * (`SELECT`, `EXPLAIN`); the row count is only known once the batches are drained, so front ends
 * count rows as they stream and finish with `completionTag(result.commandTag, rows)`.
 *
 * Errors raised while pulling batches are `SqlError`s too. Stopping early (`break`, `return()`)
 * runs the plan's `finally` blocks and releases what it holds.
 */
export interface QueryResult {
  readonly schema: arrow.Schema;
  readonly batches: AsyncIterable<arrow.RecordBatch>;
  readonly commandTag: string;
  /** Messages for the client beside the result (PostgreSQL NoticeResponse), e.g. `DROP VIEW IF EXISTS` skipping. */
  readonly notices?: readonly string[];
}

export interface ExecuteOptions {
  /** Aborting cancels the statement: planning stops, and the next batch pull raises `57014`. */
  readonly signal?: AbortSignal;
}

/**
 * One client's connection to the warehouse, and the ONE place a statement runs end to end
 * (DESIGN.md §1): the wire protocol, HTTP, the CLI and tests all call `execute`, so a statement
 * behaves the same from every front end. Later issues hang per-client state here (settings,
 * prepared statements, temporary views, the transaction).
 *
 * ```ts
 * const session = new Session(new Warehouse('/data/warehouse'));
 * const result = await session.execute('SELECT * FROM trades LIMIT 10');
 * for await (const batch of result.batches) …
 * ```
 */
export class Session {
  /** This session's temporary views (and the process's global temporary ones). */
  private readonly views = newSessionViews();

  constructor(readonly catalog: Catalog) {}

  /**
   * Plans and starts one statement. Every failure, at planning time or while the batches are
   * pulled, is a `SqlError` (anything else is wrapped as `XX000`, an internal bug).
   */
  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    const { signal } = options;
    try {
      throwIfCancelled(signal);
      const planned = await planStatement(sql, this.catalog, { views: this.views }, signal === undefined ? {} : { signal });
      throwIfCancelled(signal);
      if (planned.kind === 'command') {
        return { schema: new arrow.Schema([]), batches: none(), commandTag: planned.tag, ...(planned.notice === undefined ? {} : { notices: [planned.notice] }) };
      }
      if (planned.kind === 'write') {
        // A write runs and commits here; its tag carries the count (`INSERT 0 3`, `MERGE 5`).
        const outcome = await planned.run(signal);
        const notices = outcome.notice === undefined ? {} : { notices: [outcome.notice] };
        if (outcome.result !== undefined) {
          const { schema, batches } = outcome.result;
          return { schema, batches: guarded(() => fromArray(batches), signal), commandTag: 'SELECT', ...notices };
        }
        return { schema: new arrow.Schema([]), batches: none(), commandTag: outcome.tag ?? formatTag(planned.tag, outcome.count), ...notices };
      }
      const plan = planned.plan;
      const isExplain = plan.schema.fields.length === 1 && plan.schema.fields[0]?.name === 'QUERY PLAN' && /^\s*explain\b/i.test(stripComments(sql));
      return { schema: plan.schema, batches: guarded(() => plan.execute({ signal }), signal), commandTag: isExplain ? 'EXPLAIN' : 'SELECT' };
    } catch (err) {
      throw toSqlError(err, signal);
    }
  }
}

/**
 * The CommandComplete tag once `rows` rows were sent: `SELECT 3`; tags without a count
 * (`EXPLAIN`, `CREATE TABLE`) are returned as they are.
 */
export function completionTag(commandTag: string, rows: number): string {
  return commandTag === 'SELECT' ? `SELECT ${rows}` : commandTag;
}

/** The statement without leading comments, to recognise its first keyword. */
function stripComments(sql: string): string {
  return sql.replace(/^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
}

/** Re-yields a plan's batches, turning every error into a SqlError and honouring cancellation. */
async function* guarded(run: () => AsyncIterable<arrow.RecordBatch>, signal: AbortSignal | undefined): AsyncGenerator<arrow.RecordBatch> {
  try {
    for await (const batch of run()) {
      throwIfCancelled(signal);
      yield batch;
    }
  } catch (err) {
    throw toSqlError(err, signal);
  }
}

async function* none(): AsyncGenerator<arrow.RecordBatch> {}

async function* fromArray(batches: readonly arrow.RecordBatch[]): AsyncGenerator<arrow.RecordBatch> {
  yield* batches;
}

function cancelled(): SqlError {
  return new SqlError('57014', 'canceling statement due to user request');
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

function toSqlError(err: unknown, signal: AbortSignal | undefined): SqlError {
  if (err instanceof SqlError) return err;
  if (signal?.aborted || (err instanceof Error && err.name === 'AbortError')) return cancelled();
  return SqlError.from(err);
}
