import { expect } from 'vitest';
import { SqlError } from '../../../common/sql-error.js';
import type { Session } from '../../../server/session.js';
import { valuesOf } from '../../arrow/scalar.js';

/** What one statement answered: its command tag, its column names, and its rows as plain values. */
export interface StatementResult {
  readonly tag: string;
  readonly names: string[];
  readonly rows: unknown[][];
}

/** Runs `sql` on `session` to the end (the write tests' one way to run a statement). */
export async function runSql(session: Session, sql: string): Promise<StatementResult> {
  const r = await session.execute(sql);
  const rows: unknown[][] = [];
  for await (const batch of r.batches) {
    const columns = batch.data.children.map((c) => valuesOf(c));
    for (let i = 0; i < batch.numRows; i++) rows.push(columns.map((c) => c[i]));
  }
  return { tag: r.commandTag, names: r.schema.fields.map((f) => f.name), rows };
}

/** The SqlError `sql` fails with; the test fails if it succeeds or throws anything else. */
export async function sqlError(session: Session, sql: string): Promise<SqlError> {
  try {
    await runSql(session, sql);
  } catch (err) {
    expect(err).toBeInstanceOf(SqlError);
    return err as SqlError;
  }
  throw new Error(`expected ${sql} to fail`);
}
