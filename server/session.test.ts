import * as arrow from 'apache-arrow';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SqlError } from '../common/sql-error.js';
import type { Catalog } from '../planner/catalog.js';
import type { ExecContext, PhysicalOperator } from '../executor/operator.js';
import { batchOf, column } from './testing/arrow-fixtures.js';

// The session is tested against a stand-in planner: these tests pin the session's own job
// (routing, error wrapping, cancellation), not SQL semantics.
const planner = vi.hoisted(() => ({
  planQuery: vi.fn<(sql: string, catalog: unknown, options?: { signal?: AbortSignal }) => Promise<unknown>>(),
  explainQuery: vi.fn<(sql: string, catalog: unknown) => Promise<string>>(),
}));
vi.mock('../planner/index.js', () => planner);

const { Session, completionTag, splitExplain } = await import('./session.js');

const catalog: Catalog = { resolveTable: () => Promise.reject(SqlError.undefinedTable('t')) };

function operator(batches: arrow.RecordBatch[], failAfter?: unknown): PhysicalOperator & { contexts: ExecContext[] } {
  const contexts: ExecContext[] = [];
  return {
    schema: batches[0]!.schema,
    children: [],
    contexts,
    explain: () => 'Values',
    async *execute(ctx: ExecContext) {
      contexts.push(ctx);
      for (const batch of batches) yield batch;
      if (failAfter !== undefined) throw failAfter;
    },
  };
}

async function drain(batches: AsyncIterable<arrow.RecordBatch>): Promise<number> {
  let rows = 0;
  for await (const batch of batches) rows += batch.numRows;
  return rows;
}

beforeEach(() => {
  planner.planQuery.mockReset();
  planner.explainQuery.mockReset();
});

describe('Session.execute', () => {
  it('plans the statement and streams its batches, passing the signal down', async () => {
    const op = operator([batchOf({ id: column([1, 2, 3], new arrow.Int32()) })]);
    planner.planQuery.mockResolvedValue(op);
    const signal = new AbortController().signal;
    const result = await new Session(catalog).execute('SELECT id FROM t', { signal });
    expect(planner.planQuery).toHaveBeenCalledWith('SELECT id FROM t', catalog, { signal });
    expect(result.commandTag).toBe('SELECT');
    expect(result.schema.fields.map((f) => f.name)).toEqual(['id']);
    expect(await drain(result.batches)).toBe(3);
    expect(op.contexts[0]!.signal).toBe(signal);
  });

  it('passes planning SqlErrors through unchanged', async () => {
    const error = SqlError.undefinedTable('nope', 15);
    planner.planQuery.mockRejectedValue(error);
    await expect(new Session(catalog).execute('SELECT * FROM nope')).rejects.toBe(error);
  });

  it('turns other planning failures into XX000', async () => {
    planner.planQuery.mockRejectedValue(new TypeError('x is undefined'));
    await expect(new Session(catalog).execute('SELECT 1')).rejects.toMatchObject({ sqlstate: 'XX000', message: expect.stringContaining('x is undefined') });
  });

  it('turns failures while streaming into SqlErrors', async () => {
    planner.planQuery.mockResolvedValue(operator([batchOf({ a: column([1], new arrow.Int32()) })], new RangeError('boom')));
    const result = await new Session(catalog).execute('SELECT a FROM t');
    await expect(drain(result.batches)).rejects.toMatchObject({ name: 'SqlError', sqlstate: 'XX000' });
  });

  it('reports a cancelled statement as 57014', async () => {
    const controller = new AbortController();
    planner.planQuery.mockResolvedValue(operator([batchOf({ a: column([1], new arrow.Int32()) }), batchOf({ a: column([2], new arrow.Int32()) })]));
    const result = await new Session(catalog).execute('SELECT a FROM t', { signal: controller.signal });
    const iterator = result.batches[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ sqlstate: '57014' });
    await expect(new Session(catalog).execute('SELECT 1', { signal: controller.signal })).rejects.toMatchObject({ sqlstate: '57014' });
  });

  it('answers EXPLAIN with one QUERY PLAN row per line', async () => {
    planner.explainQuery.mockResolvedValue('Limit: 3\n  Scan: t\n');
    const sql = '  explain SELECT * FROM t LIMIT 3';
    const result = await new Session(catalog).execute(sql);
    expect(planner.planQuery).not.toHaveBeenCalled();
    // EXPLAIN is blanked, not cut: positions in the query still match the user's text
    expect(planner.explainQuery).toHaveBeenCalledWith('          SELECT * FROM t LIMIT 3', catalog);
    expect(result.commandTag).toBe('EXPLAIN');
    expect(result.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([['QUERY PLAN', 'Utf8']]);
    const lines: string[] = [];
    for await (const batch of result.batches) for (let i = 0; i < batch.numRows; i++) lines.push(batch.getChildAt(0)!.get(i) as string);
    expect(lines).toEqual(['Limit: 3', '  Scan: t']);
  });
});

describe('splitExplain', () => {
  it('recognises EXPLAIN after comments, in any case', () => {
    expect(splitExplain('-- why\n/* c */ EXPLAIN select 1')).toBe('-- why\n/* c */         select 1');
    expect(splitExplain('SELECT explain FROM t')).toBeUndefined();
    expect(splitExplain('explained')).toBeUndefined();
  });

  it('refuses EXPLAIN options for now, naming them', () => {
    expect(() => splitExplain('EXPLAIN ANALYZE SELECT 1')).toThrow(/EXPLAIN ANALYZE/);
    expect(() => splitExplain('EXPLAIN (FORMAT JSON) SELECT 1')).toThrow(expect.objectContaining({ sqlstate: '0A000' }));
  });
});

describe('completionTag', () => {
  it('counts SELECT rows and leaves other tags alone', () => {
    expect(completionTag('SELECT', 3)).toBe('SELECT 3');
    expect(completionTag('EXPLAIN', 2)).toBe('EXPLAIN');
  });
});
