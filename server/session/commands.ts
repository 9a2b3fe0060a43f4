import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { dataFromValues } from '../../executor/arrow/scalar.js';
import type { CopyStatement, SessionStatement } from '../../planner/index.js';
import type { QueryResult, Session } from '../session.js';
import { Cursor } from './cursors.js';
import { canonicalName } from './settings.js';

/**
 * Runs one session statement (SET, SHOW, BEGIN, DECLARE, FETCH, COPY…) against `session` and
 * answers it as a QueryResult with PostgreSQL's command tag.
 */
export async function runSessionStatement(session: Session, stmt: SessionStatement, signal: AbortSignal | undefined): Promise<QueryResult> {
  switch (stmt.kind) {
    case 'set':
      session.settings.set(stmt.name, stmt.value, stmt.local && session.transaction.status !== 'I');
      return command('SET', stmt.local && session.transaction.status === 'I' ? 'SET LOCAL can only be used in transaction blocks' : undefined);
    case 'reset':
      session.settings.reset(stmt.name);
      return command('RESET');
    case 'resetAll':
      session.settings.resetAll();
      return command('RESET');
    case 'setNoop':
      return command('SET');
    case 'show':
      return show(session, stmt.name);
    case 'transaction': {
      const outcome = session.transaction.apply(stmt.action, stmt.savepoint);
      if (outcome.ended) {
        session.settings.endTransaction();
        await session.cursors.closeAll(false);
      }
      return command(outcome.tag, outcome.warning);
    }
    case 'discard':
      if (stmt.target === 'ALL') {
        if (session.transaction.status !== 'I') throw new SqlError('25001', 'DISCARD ALL cannot run inside a transaction block');
        session.settings.resetAll();
        await session.cursors.closeAll();
        session.prepared.clear();
        session.discardTemporaryViews();
      }
      return command(`DISCARD ${stmt.target}`);
    case 'deallocate':
      if (stmt.name === undefined) {
        session.prepared.clear();
        return command('DEALLOCATE ALL');
      }
      if (!session.prepared.delete(stmt.name)) throw new SqlError('26000', `prepared statement "${stmt.name}" does not exist`);
      return command('DEALLOCATE');
    case 'declare': {
      if (!stmt.hold && session.transaction.status === 'I') throw new SqlError('25P01', 'DECLARE CURSOR can only be used in transaction blocks');
      const result = await session.executeAt(stmt.query, stmt.queryOffset, signal);
      if (result.commandTag !== 'SELECT') throw new SqlError('42601', 'DECLARE CURSOR must be a SELECT query');
      session.cursors.add(new Cursor(stmt.name, result.schema, result.batches, stmt.hold, stmt.binary));
      return command('DECLARE CURSOR');
    }
    case 'fetch': {
      const cursor = session.cursors.get(stmt.name);
      if (stmt.move) {
        let moved = 0;
        for await (const b of cursor.fetch(stmt.count)) moved += b.numRows;
        return command(`MOVE ${moved}`);
      }
      return { schema: cursor.schema, batches: cursor.fetch(stmt.count), commandTag: 'FETCH', ...(cursor.binary ? { binary: true } : {}) };
    }
    case 'closeCursor':
      if (stmt.name === undefined) await session.cursors.closeAll();
      else await session.cursors.close(stmt.name);
      return command(stmt.name === undefined ? 'CLOSE CURSOR ALL' : 'CLOSE CURSOR');
    case 'copy':
      return copy(session, stmt, signal);
  }
}

function command(tag: string, warning?: string): QueryResult {
  return { schema: new arrow.Schema([]), batches: none(), commandTag: tag, ...(warning === undefined ? {} : { warnings: [warning] }) };
}

async function* none(): AsyncGenerator<arrow.RecordBatch> {}

/** `SHOW name` (one text column named after the setting) or `SHOW ALL` (name, setting, description). */
function show(session: Session, name: string): QueryResult {
  if (name.toLowerCase() === 'all') {
    const rows = session.settings.all();
    return textResult(['name', 'setting', 'description'], [rows.map((r) => r.name), rows.map((r) => r.setting), rows.map((r) => r.description)], 'SHOW');
  }
  const value = session.settings.get(name);
  return textResult([canonicalName(name)], [[value]], 'SHOW');
}

function textResult(names: readonly string[], columns: readonly (readonly string[])[], tag: string): QueryResult {
  const type = new arrow.Utf8();
  const schema = new arrow.Schema(names.map((n) => new arrow.Field(n, type, true)));
  const length = columns[0]?.length ?? 0;
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children: columns.map((c) => dataFromValues(type, c)) });
  const batch = new arrow.RecordBatch(schema, data);
  return { schema, batches: (async function* () { yield batch; })(), commandTag: tag };
}

/** A quoted identifier (`"Weird ""name"""`). */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * COPY: to STDOUT streams a query's (or a table's) rows for the front end to encode; from STDIN
 * answers the target's schema, and the front end parses the client's data into batches of it and
 * hands them to `session.copyIn`.
 */
async function copy(session: Session, stmt: CopyStatement, signal: AbortSignal | undefined): Promise<QueryResult> {
  const table = stmt.table === undefined ? undefined : (stmt.table.schema === undefined ? '' : quoteIdent(stmt.table.schema) + '.') + quoteIdent(stmt.table.name);
  const columns = stmt.columns === undefined ? '*' : stmt.columns.map(quoteIdent).join(', ');
  if (stmt.direction === 'to') {
    const result = stmt.query !== undefined ? await session.executeAt(stmt.query, stmt.queryOffset ?? 0, signal) : await session.execute(`SELECT ${columns} FROM ${table}`, signal === undefined ? {} : { signal });
    if (result.commandTag !== 'SELECT') throw SqlError.unsupportedFeature(`COPY of a ${result.commandTag} statement`);
    return { ...result, commandTag: 'COPY', copy: { direction: 'out', options: stmt.options } };
  }
  if (table === undefined) throw SqlError.syntax('COPY FROM needs a table');
  const target = await session.execute(`SELECT ${columns} FROM ${table} LIMIT 0`, signal === undefined ? {} : { signal });
  return { schema: target.schema, batches: none(), commandTag: 'COPY', copy: { direction: 'in', table: stmt.table as NonNullable<CopyStatement['table']>, ...(stmt.columns === undefined ? {} : { columns: stmt.columns }), options: stmt.options } };
}

