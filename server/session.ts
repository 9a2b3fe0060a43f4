import * as arrow from 'apache-arrow';
import { SqlError } from '../common/sql-error.js';
import type { Catalog } from '../planner/catalog.js';
import { explainQuery, planQuery } from '../planner/index.js';

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
  constructor(readonly catalog: Catalog) {}

  /**
   * Plans and starts one statement. Every failure, at planning time or while the batches are
   * pulled, is a `SqlError` (anything else is wrapped as `XX000`, an internal bug).
   */
  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    const { signal } = options;
    try {
      throwIfCancelled(signal);
      const explain = splitExplain(sql);
      if (explain !== undefined) return await this.explain(explain);
      const plan = await planQuery(sql, this.catalog, { signal });
      throwIfCancelled(signal);
      return { schema: plan.schema, batches: guarded(() => plan.execute({ signal }), signal), commandTag: 'SELECT' };
    } catch (err) {
      throw toSqlError(err, signal);
    }
  }

  /** `EXPLAIN <query>`: one text column `QUERY PLAN`, one row per line, as PostgreSQL answers. */
  private async explain(query: string): Promise<QueryResult> {
    const text = await explainQuery(query, this.catalog);
    const lines = text.replace(/\n+$/, '').split('\n');
    const schema = new arrow.Schema([new arrow.Field('QUERY PLAN', new arrow.Utf8(), false)]);
    const column = arrow.vectorFromArray(lines, new arrow.Utf8()).data[0]!;
    const rows = arrow.makeData({ type: new arrow.Struct(schema.fields), length: lines.length, nullCount: 0, children: [column] });
    return { schema, batches: once(new arrow.RecordBatch(schema, rows)), commandTag: 'EXPLAIN' };
  }
}

/**
 * The CommandComplete tag once `rows` rows were sent: `SELECT 3`; tags without a count
 * (`EXPLAIN`, `CREATE TABLE`) are returned as they are.
 */
export function completionTag(commandTag: string, rows: number): string {
  return commandTag === 'SELECT' ? `SELECT ${rows}` : commandTag;
}

// `EXPLAIN` (optionally after comments) opening a statement. The keyword is blanked, not cut,
// so the query handed to the planner keeps the byte offsets of the user's text and error
// positions still point into what the user typed.
const EXPLAIN = /^((?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*)explain\b/i;
const EXPLAIN_OPTIONS = /^\s*(?:\(|(?:analyze|analyse|verbose|costs|format)\b)/i;

/** The query to explain with `EXPLAIN` blanked out, or undefined when `sql` is no EXPLAIN. */
export function splitExplain(sql: string): string | undefined {
  const match = EXPLAIN.exec(sql);
  if (!match) return undefined;
  const rest = sql.slice(match[0].length);
  if (EXPLAIN_OPTIONS.test(rest)) {
    const option = /^\s*(\(|\w+)/.exec(rest)?.[1] ?? '';
    throw SqlError.unsupportedFeature(`EXPLAIN ${option === '(' ? '(options)' : option.toUpperCase()}`);
  }
  return match[1]! + ' '.repeat('explain'.length) + rest;
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

async function* once(batch: arrow.RecordBatch): AsyncGenerator<arrow.RecordBatch> {
  yield batch;
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
