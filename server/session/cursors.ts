import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';

/**
 * A cursor opened by `DECLARE c CURSOR FOR query` (psqlODBC and Tableau page through results
 * this way): the query's batch iterator, pulled only as far as `FETCH` asks, with the rest of a
 * partly fetched batch kept for the next FETCH.
 */
export class Cursor {
  private pending: arrow.RecordBatch | undefined;
  private done = false;
  private readonly iterator: AsyncIterator<arrow.RecordBatch>;

  constructor(readonly name: string, readonly schema: arrow.Schema, batches: AsyncIterable<arrow.RecordBatch>, readonly hold: boolean, readonly binary: boolean) {
    this.iterator = batches[Symbol.asyncIterator]();
  }

  /** The next `count` rows (all the rest when undefined), as batches. */
  async *fetch(count: number | undefined): AsyncGenerator<arrow.RecordBatch> {
    let left = count ?? Infinity;
    while (left > 0) {
      let batch = this.pending;
      this.pending = undefined;
      if (batch === undefined) {
        if (this.done) return;
        const next = await this.iterator.next();
        if (next.done === true) {
          this.done = true;
          return;
        }
        batch = next.value;
      }
      if (batch.numRows > left) {
        this.pending = batch.slice(left);
        batch = batch.slice(0, left);
      }
      left -= batch.numRows;
      if (batch.numRows > 0) yield batch;
    }
  }

  async close(): Promise<void> {
    this.done = true;
    this.pending = undefined;
    await this.iterator.return?.();
  }
}

/** A session's open cursors by name. */
export class Cursors {
  private readonly open = new Map<string, Cursor>();

  add(cursor: Cursor): void {
    if (this.open.has(cursor.name)) throw new SqlError('42P03', `cursor "${cursor.name}" already exists`);
    this.open.set(cursor.name, cursor);
  }

  get(name: string): Cursor {
    const c = this.open.get(name);
    if (c === undefined) throw new SqlError('34000', `cursor "${name}" does not exist`);
    return c;
  }

  async close(name: string): Promise<void> {
    await this.get(name).close();
    this.open.delete(name);
  }

  /** CLOSE ALL, DISCARD ALL, or the end of a transaction block (`holdableToo` false keeps WITH HOLD ones). */
  async closeAll(holdableToo = true): Promise<void> {
    for (const [name, c] of this.open) {
      if (!holdableToo && c.hold) continue;
      await c.close();
      this.open.delete(name);
    }
  }
}
