import * as arrow from 'apache-arrow';
import { SqlError } from '../common/sql-error.js';
import { yieldThenCheckCancelled } from '../executor/cancel.js';
import type { Catalog } from '../planner/catalog.js';
import { formatTag, highestParam, newSessionViews, parseSessionStatement, planStatement, StatementParams, type CopyOptions, type ParamValue, type PlannerSession } from '../planner/index.js';
import { pgScan } from '../planner/parser/libpg.js';
import { arrowTypeOfOid, pgTypeOid } from './encode/pg-types.js';
import { runSessionStatement } from './session/commands.js';
import { copyFrom } from './session/copy-from.js';
import { Cursors } from './session/cursors.js';
import { Settings } from './session/settings.js';
import { TimeZone } from '../common/time/time-zone.js';
import { PgCatalog } from './pgcatalog/pg-catalog.js';
import { TransactionState, type TransactionStatus } from './session/transaction.js';

/**
 * A statement's result: its schema up front, then its rows as Arrow record batches pulled one at
 * a time. `commandTag` is the statement's kind as PostgreSQL's CommandComplete names it
 * (`SELECT`, `EXPLAIN`, `SET`, `BEGIN`, `FETCH`, `COPY`); the row count is only known once the
 * batches are drained, so front ends count rows as they stream and finish with
 * `completionTag(result.commandTag, rows)`.
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
  /** WARNING-level messages (`there is no transaction in progress`). */
  readonly warnings?: readonly string[];
  /** COPY: `out` streams `batches` in COPY format; `in` asks the front end for the client's data (`schema` is the target's). */
  readonly copy?: CopyDirective;
  /** FETCH from a `DECLARE … BINARY CURSOR`: rows go out in binary format even over the simple protocol. */
  readonly binary?: boolean;
  /** The session's TimeZone when the statement started: text output shows timestamptz in it. */
  readonly timeZone?: TimeZone;
}

export type CopyDirective =
  | { readonly direction: 'out'; readonly options: CopyOptions }
  | { readonly direction: 'in'; readonly table: { readonly schema?: string; readonly name: string }; readonly columns?: readonly string[]; readonly options: CopyOptions };

export interface ExecuteOptions {
  /** Aborting cancels the statement: planning stops, and the next batch pull raises `57014`. */
  readonly signal?: AbortSignal;
  /** Values of `$1…$n` (see `ParamValue`: strings are untyped text, like `'…'`). */
  readonly params?: readonly ParamValue[];
  /** Declared PostgreSQL type OIDs of the parameters (the wire's Parse; 0 = infer from context). */
  readonly paramTypes?: readonly number[];
}

/** What `prepare` learns without running: parameter type OIDs, the result's schema, the tag. */
export interface PreparedStatement {
  readonly sql: string;
  /** Each `$n`'s type as Describe reports it: declared, else inferred, else text. */
  readonly paramTypes: readonly number[];
  /**
   * The types the client declared at Parse (0 where it left one open), which is what execution
   * binds with: an open parameter takes the type of what it meets when the statement runs (a
   * write's parameters are only typed then).
   */
  readonly declaredTypes: readonly number[];
  readonly schema: arrow.Schema;
  readonly commandTag: string;
}

/**
 * One client's connection to the warehouse, and the ONE place a statement runs end to end
 * (DESIGN.md §1): the wire protocol, HTTP, the CLI and tests all call `execute`, so a statement
 * behaves the same from every front end. Per-client state lives here: settings (SET / SHOW),
 * the transaction block status, cursors, prepared statements, temporary views.
 *
 * ```ts
 * const session = new Session(new Warehouse('/data/warehouse'));
 * const result = await session.execute('SELECT * FROM trades WHERE ticker = $1', { params: ['AAPL'] });
 * for await (const batch of result.batches) …
 * ```
 */
export class Session {
  /** This session's temporary views (and the process's global temporary ones). */
  private views = newSessionViews();
  readonly settings: Settings;
  readonly transaction = new TransactionState();
  readonly cursors = new Cursors();
  /** Named prepared statements (the wire's Parse with a name; DEALLOCATE and DISCARD ALL drop them). */
  readonly prepared = new Map<string, PreparedStatement>();

  /** The catalog as clients see it: the tables plus pg_catalog and information_schema (server/pgcatalog). */
  private readonly clientCatalog: PgCatalog;

  /**
   * `startup`: settings from the client's StartupMessage (`application_name`, `-c x=y` options…);
   * `database`: the database it asked for, which `current_database()` and `pg_database` answer
   * (every name serves the same warehouse).
   */
  constructor(readonly catalog: Catalog, startup: ReadonlyMap<string, string> = new Map(), readonly database = 'deltasql') {
    this.settings = new Settings(startup);
    this.clientCatalog = new PgCatalog(catalog, { views: () => this.views, settings: () => this.settings.values, database: () => this.database });
  }

  /** What the planner reads and writes of this session. */
  get plannerSession(): PlannerSession {
    return { views: this.views, settings: this.settings.values };
  }

  /** The session's `TimeZone`: timestamptz text output is shown in it. */
  get timeZone(): TimeZone {
    return TimeZone.named(this.settings.values.get('timezone') ?? 'UTC') ?? TimeZone.UTC;
  }

  /** ReadyForQuery's status: `I` idle, `T` in a block, `E` in a failed block. */
  get transactionStatus(): TransactionStatus {
    return this.transaction.status;
  }

  /** A statement failed (at planning or while its rows streamed): a block becomes aborted. */
  statementFailed(): void {
    this.transaction.fail();
  }

  /** DISCARD ALL: temporary views go. */
  discardTemporaryViews(): void {
    this.views = newSessionViews();
  }

  /**
   * Plans and starts one statement. Every failure, at planning time or while the batches are
   * pulled, is a `SqlError` (anything else is wrapped as `XX000`, an internal bug).
   */
  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    const { signal } = options;
    try {
      throwIfCancelled(signal);
      const session = await parseSessionStatement(sql);
      this.transaction.checkAllowed(session?.kind === 'transaction' ? session.action : undefined);
      if (session !== undefined) return await runSessionStatement(this, session, signal);
      const params = options.params === undefined && options.paramTypes === undefined ? undefined : new StatementParams(declaredTypes(options.paramTypes), options.params ?? []);
      this.clientCatalog.startStatement();
      const planned = await planStatement(sql, this.clientCatalog, this.plannerSession, { ...(signal === undefined ? {} : { signal }), ...(params === undefined ? {} : { params }) });
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
          return { schema, batches: guarded(() => fromArray(batches), signal), commandTag: 'SELECT', timeZone: this.timeZone, ...notices };
        }
        return { schema: new arrow.Schema([]), batches: none(), commandTag: outcome.tag ?? formatTag(planned.tag, outcome.count), ...notices };
      }
      const plan = planned.plan;
      const isExplain = plan.schema.fields.length === 1 && plan.schema.fields[0]?.name === 'QUERY PLAN' && /^\s*explain\b/i.test(stripComments(sql));
      return { schema: plan.schema, batches: guarded(() => plan.execute({ signal }), signal), commandTag: isExplain ? 'EXPLAIN' : 'SELECT', timeZone: this.timeZone };
    } catch (err) {
      throw toSqlError(err, signal);
    }
  }

  /** `execute` of a statement embedded at character `offset` of a larger one (COPY (q), DECLARE … FOR q): error positions point into the whole text. */
  async executeAt(sql: string, offset: number, signal: AbortSignal | undefined): Promise<QueryResult> {
    try {
      return await this.execute(sql, signal === undefined ? {} : { signal });
    } catch (err) {
      const e = toSqlError(err, signal);
      if (e.position === undefined) throw e;
      throw new SqlError(e.sqlstate, e.message, { position: e.position + offset, detail: e.detail, hint: e.hint, cause: e.cause });
    }
  }

  /**
   * What a statement would take and return, without running it (the wire's Parse + Describe):
   * each `$n`'s type OID (declared, else inferred from context as PostgreSQL does, else text),
   * the result schema (empty for commands), and the command tag.
   */
  async prepare(sql: string, paramTypeOids: readonly number[] = []): Promise<PreparedStatement> {
    const session = await parseSessionStatement(sql);
    if (session !== undefined) {
      const schema = session.kind === 'show'
        ? new arrow.Schema(session.name.toLowerCase() === 'all' ? ['name', 'setting', 'description'].map((n) => new arrow.Field(n, new arrow.Utf8())) : [new arrow.Field(session.name, new arrow.Utf8())])
        : session.kind === 'fetch' && !session.move ? this.cursors.get(session.name).schema : new arrow.Schema([]);
      return { sql, declaredTypes: [...paramTypeOids], paramTypes: [...paramTypeOids], schema, commandTag: session.kind.toUpperCase() };
    }
    const body = stripComments(sql);
    if (/^\s*$/.test(body)) return { sql, declaredTypes: [...paramTypeOids], paramTypes: [...paramTypeOids], schema: new arrow.Schema([]), commandTag: '' };
    // Only queries are planned ahead: planning a command (CREATE VIEW) would already run it.
    if (/^explain\b/i.test(body)) return { sql, declaredTypes: [...paramTypeOids], paramTypes: [...paramTypeOids], schema: new arrow.Schema([new arrow.Field('QUERY PLAN', new arrow.Utf8())]), commandTag: 'EXPLAIN' };
    if (!/^(select|with|values|table|\()/i.test(body)) {
      // A write's parameters get their types when it runs: describe the undeclared ones as text,
      // which the write then reads as the type of the column each meets (PostgreSQL's unknown).
      const count = Math.max(paramTypeOids.length, highestParam(pgScan(sql) ?? []));
      const types = Array.from({ length: count }, (_, i) => (paramTypeOids[i] ?? 0) !== 0 ? paramTypeOids[i]! : TEXT_OID);
      return { sql, declaredTypes: [...paramTypeOids], paramTypes: types, schema: new arrow.Schema([]), commandTag: 'COMMAND' };
    }
    try {
      const params = new StatementParams(declaredTypes(paramTypeOids));
      this.clientCatalog.startStatement();
      const planned = await planStatement(sql, this.clientCatalog, this.plannerSession, { params });
      const count = Math.max(paramTypeOids.length, highestParam(pgScan(sql) ?? []));
      const types = params.finalTypes(count).map((t, i) => (paramTypeOids[i] ?? 0) !== 0 ? paramTypeOids[i]! : pgTypeOid(t));
      if (planned.kind !== 'query') return { sql, declaredTypes: [...paramTypeOids], paramTypes: types, schema: new arrow.Schema([]), commandTag: planned.tag };
      return { sql, declaredTypes: [...paramTypeOids], paramTypes: types, schema: planned.plan.schema, commandTag: 'SELECT' };
    } catch (err) {
      throw toSqlError(err, undefined);
    }
  }

  /**
   * COPY … FROM STDIN's rows, parsed by the front end into batches of the named columns in the
   * table's types: appended to the table in one commit (server/session/copy-from.ts).
   */
  async copyIn(table: { readonly schema?: string; readonly name: string }, columns: readonly string[] | undefined, batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>): Promise<number> {
    try {
      this.clientCatalog.startStatement();
      return await copyFrom(this.clientCatalog, table, columns, batches);
    } catch (err) {
      throw toSqlError(err, undefined);
    }
  }
}

/** Parse's OIDs → the types `$n` bind as (undefined = infer; also for OIDs we have no type for). */
function declaredTypes(oids: readonly number[] | undefined): (arrow.DataType | undefined)[] {
  return (oids ?? []).map((oid) => (oid === 0 ? undefined : arrowTypeOfOid(oid)));
}

/**
 * The CommandComplete tag once `rows` rows were sent: `SELECT 3`, `FETCH 2`, `COPY 10`; tags
 * without a count (`EXPLAIN`, `CREATE TABLE`) are returned as they are.
 */
export function completionTag(commandTag: string, rows: number): string {
  return commandTag === 'SELECT' || commandTag === 'FETCH' || commandTag === 'COPY' ? `${commandTag} ${rows}` : commandTag;
}

/** The statement without leading comments, to recognise its first keyword. */
/** PostgreSQL's `text` type OID. */
const TEXT_OID = 25;

function stripComments(sql: string): string {
  return sql.replace(/^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '');
}

/** Re-yields a plan's batches, turning every error into a SqlError and honouring cancellation. */
async function* guarded(run: () => AsyncIterable<arrow.RecordBatch>, signal: AbortSignal | undefined): AsyncGenerator<arrow.RecordBatch> {
  try {
    for await (const batch of run()) {
      await yieldThenCheckCancelled(signal); // lets a CancelRequest and other clients in between batches
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
  if (signal?.aborted) throw signal.reason instanceof SqlError ? signal.reason : cancelled();
}

function toSqlError(err: unknown, signal: AbortSignal | undefined): SqlError {
  // An abort with a reason says why (`canceling statement due to statement timeout`).
  if (signal?.aborted && signal.reason instanceof SqlError && (!(err instanceof SqlError) || err.sqlstate === '57014')) return signal.reason;
  if (err instanceof SqlError) return err;
  if (signal?.aborted || (err instanceof Error && err.name === 'AbortError')) return cancelled();
  return SqlError.from(err);
}
