import { describe, expect, it } from 'vitest';
import { pricesCatalog } from '../planner/testing/fixtures.js';
import type { Catalog } from '../planner/catalog.js';
import { SqlError } from '../common/sql-error.js';
import { Session, completionTag, type QueryResult } from './session.js';
import { jsonRows } from './encode/index.js';

// The session over the real planner and executor, with an in-memory catalog: these tests pin the
// session's own job — statements of every kind, per-session views, error wrapping, cancellation.

async function rows(result: QueryResult): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const batch of result.batches) out.push(...jsonRows(batch));
  return out;
}

describe('Session.execute', () => {
  it('plans the statement and streams its rows', async () => {
    const result = await new Session(pricesCatalog()).execute('SELECT ticker, vol FROM prices WHERE vol > 50 ORDER BY vol');
    expect(result.commandTag).toBe('SELECT');
    expect(result.schema.fields.map((f) => f.name)).toEqual(['ticker', 'vol']);
    expect(await rows(result)).toEqual([['AAPL', 100], [null, 300]]);
  });

  it('passes planning SqlErrors through with their position', async () => {
    await expect(new Session(pricesCatalog()).execute('SELECT * FROM nope')).rejects.toMatchObject({ sqlstate: '42P01', position: 15 });
  });

  it('turns failures while streaming into SqlErrors, other sessions unaffected', async () => {
    const broken: Catalog = {
      resolveTable: async () => ({
        displayName: 'broken',
        version: 0,
        schema: pricesCatalog() && (await pricesCatalog().resolveTable({ kind: 'named', name: 'prices' })).schema,
        async *scan() {
          throw new RangeError('disk on fire');
        },
      }),
    };
    const result = await new Session(broken).execute('SELECT ticker FROM t');
    await expect(rows(result)).rejects.toMatchObject({ name: 'SqlError', sqlstate: 'XX000', message: expect.stringContaining('disk on fire') });
    expect(await rows(await new Session(pricesCatalog()).execute('SELECT 1 AS one'))).toEqual([[1]]);
  });

  it('reports a cancelled statement as 57014', async () => {
    const controller = new AbortController();
    const result = await new Session(pricesCatalog()).execute('SELECT * FROM prices', { signal: controller.signal });
    const iterator = result.batches[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ sqlstate: '57014' });
    await expect(new Session(pricesCatalog()).execute('SELECT 1', { signal: controller.signal })).rejects.toMatchObject({ sqlstate: '57014' });
  });

  it('answers EXPLAIN with one QUERY PLAN row per operator line', async () => {
    const result = await new Session(pricesCatalog()).execute('  -- why\n explain SELECT ticker FROM prices LIMIT 3');
    expect(result.commandTag).toBe('EXPLAIN');
    expect(result.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([['QUERY PLAN', 'Utf8']]);
    const lines = (await rows(result)).map((r) => r[0] as string);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.join('\n')).toMatch(/Limit: limit=3/);
    expect(lines[lines.length - 1]).toMatch(/^\s+Scan: public.prices version=1 columns=\[ticker\]/);
  });

  it('keeps temporary views per session, and reports DROP VIEW IF EXISTS skipping as a notice', async () => {
    const catalog = pricesCatalog();
    const a = new Session(catalog);
    const created = await a.execute('CREATE TEMPORARY VIEW big AS SELECT ticker FROM prices WHERE vol >= 100');
    expect(created.commandTag).toBe('CREATE VIEW');
    expect(await rows(created)).toEqual([]);
    expect(await rows(await a.execute('SELECT * FROM big ORDER BY ticker'))).toEqual([['AAPL'], [null]]);
    await expect(new Session(catalog).execute('SELECT * FROM big')).rejects.toMatchObject({ sqlstate: '42P01' });
    const dropped = await a.execute('DROP VIEW IF EXISTS nothing_here');
    expect(dropped.commandTag).toBe('DROP VIEW');
    expect(dropped.notices).toEqual(['view "nothing_here" does not exist, skipping']);
  });

  it('wraps non-SQL errors as XX000 internal errors', () => {
    expect(SqlError.from(new TypeError('x is undefined'))).toMatchObject({ sqlstate: 'XX000', message: expect.stringContaining('x is undefined') });
  });
});

describe('completionTag', () => {
  it('counts SELECT rows and leaves other tags alone', () => {
    expect(completionTag('SELECT', 3)).toBe('SELECT 3');
    expect(completionTag('EXPLAIN', 2)).toBe('EXPLAIN');
    expect(completionTag('CREATE VIEW', 0)).toBe('CREATE VIEW');
  });
});
