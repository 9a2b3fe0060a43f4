import { describe, expect, it } from 'vitest';
import { SqlError } from '../common/sql-error.js';
import { explainQuery, newSessionViews, planLogical, planQuery, planStatement, type PlannerSession } from './index.js';
import { logicalPlanToString } from './logical/plan.js';
import { pricesCatalog } from './testing/fixtures.js';
import { collect, psqlLines } from './testing/memory-catalog.js';

// Expectations are PostgreSQL 15's output for the same SQL over the same rows
// (planner/testing/fixtures.ts; the oracle database collates C.UTF-8, i.e. by bytes, as we do).

const run = async (sql: string, session?: PlannerSession) => psqlLines(await planQuery(sql, pricesCatalog(), session === undefined ? {} : { session }));
const bound = async (sql: string) => logicalPlanToString((await planLogical(sql, pricesCatalog())).bound);
const optimized = async (sql: string) => logicalPlanToString((await planLogical(sql, pricesCatalog())).optimized);

async function error(sql: string, session?: PlannerSession): Promise<SqlError> {
  try {
    await planQuery(sql, pricesCatalog(), session === undefined ? {} : { session }).then((p) => collect(p));
  } catch (err) {
    expect(err).toBeInstanceOf(SqlError);
    return err as SqlError;
  }
  throw new Error(`expected ${sql} to fail`);
}

/** The hash aggregate is a colleague's operator: answers that need it run once it exists. */

describe('joins', () => {
  it('splits ON into equi keys and a residual (hash join)', async () => {
    expect(await run('SELECT a.ticker, b.ticker AS t2 FROM prices a JOIN prices b ON a.close = b.close AND a.vol < b.vol ORDER BY 1')).toEqual(['ticker|t2', 'aapl|AAPL']);
    expect(await explainQuery('SELECT a.ticker FROM prices a JOIN prices b ON a.close = b.close AND a.vol < b.vol', pricesCatalog())).toBe(
      [
        'Projection: ticker',
        // The join gathers only the column the projection reads.
        '  HashJoin: type=inner on=[close = close] residual=vol < vol output=[ticker]',
        '    Scan: public.prices version=1 columns=[ticker, close, vol]',
        '    Scan: public.prices version=1 columns=[close, vol]',
      ].join('\n'),
    );
  });

  it('runs a pure non-equi LEFT JOIN as a nested loop, padding unmatched rows', async () => {
    expect(await run('SELECT a.ticker, b.vol FROM prices a LEFT JOIN prices b ON a.vol < b.vol - 100 ORDER BY a.ticker NULLS LAST, 2')).toEqual([
      'ticker|vol', 'AAPL|300', 'GOOG|300', 'MSFT|NULL', 'Zeta|100', 'Zeta|300', 'aapl|300', 'NULL|NULL',
    ]);
  });

  it('merges USING columns (COALESCE for FULL joins) and keeps qualified copies reachable', async () => {
    expect(await run('SELECT ticker, a.vol, b.vol FROM prices a FULL JOIN (SELECT * FROM prices WHERE vol > 60) b USING (ticker) ORDER BY ticker, 2')).toEqual([
      'ticker|vol|vol', 'AAPL|100|100', 'GOOG|50|NULL', 'MSFT|NULL|NULL', 'Zeta|-2|NULL', 'aapl|7|NULL', 'NULL|300|NULL', 'NULL|NULL|300',
    ]);
    expect(await run('SELECT a.ticker FROM prices a JOIN prices b USING (ticker) WHERE b.vol > 60 ORDER BY 1')).toEqual(['ticker', 'AAPL']);
    expect((await run('SELECT * FROM prices a JOIN prices b USING (ticker, close) WHERE a.vol = 7'))[0]).toBe('ticker|close|vol|d|ts|flag|vol|d|ts|flag');
    expect((await run('SELECT * FROM prices NATURAL JOIN prices p'))).toHaveLength(3);
  });

  it('turns a comma join with an equality in WHERE into a hash join', async () => {
    const sql = 'SELECT a.ticker, b.vol FROM prices a, prices b WHERE a.ticker = b.ticker AND b.vol > 60';
    expect(await optimized(sql)).toBe(
      [
        'Project: ticker, vol',
        '  Join: type=inner on=ticker = ticker',
        '    Scan: public.prices columns=[ticker]',
        '    Filter: vol > 60',
        '      Scan: public.prices columns=[ticker, vol] filters=[vol > 60]',
      ].join('\n'),
    );
    expect(await run(`${sql} ORDER BY 1 NULLS LAST`)).toEqual(['ticker|vol', 'AAPL|100']);
  });

  it('answers Spark LEFT SEMI / LEFT ANTI JOIN', async () => {
    expect(await run('SELECT ticker FROM prices a LEFT SEMI JOIN (SELECT * FROM prices WHERE flag) b ON a.vol = b.vol ORDER BY 1')).toEqual(['ticker', 'AAPL', 'GOOG']);
    expect(await run('SELECT ticker FROM prices a LEFT ANTI JOIN prices b ON a.vol > b.vol ORDER BY 1 NULLS LAST')).toEqual(['ticker', 'MSFT', 'Zeta']);
  });

  it('raises PostgreSQL’s errors for ambiguous and duplicate names', async () => {
    const e = await error('SELECT ticker FROM prices a, prices b');
    expect([e.sqlstate, e.message, e.position]).toEqual(['42702', 'column reference "ticker" is ambiguous', 8]);
    const d = await error('SELECT 1 FROM prices JOIN prices ON true');
    expect([d.sqlstate, d.message]).toEqual(['42712', 'table name "prices" specified more than once']);
    const u = await error('SELECT * FROM prices a JOIN prices b USING (foo)');
    expect([u.sqlstate, u.message]).toEqual(['42703', 'column "foo" specified in USING clause does not exist in left table']);
    const w = await error('SELECT 1 FROM prices a JOIN prices b ON count(*) > 1');
    expect([w.sqlstate, w.message, w.position]).toEqual(['42803', 'aggregate functions are not allowed in JOIN conditions', 41]);
  });
});

describe('set operations, VALUES, derived tables and CTEs', () => {
  it('unions, intersects and excepts with ORDER BY over the result', async () => {
    expect(await run('SELECT ticker FROM prices WHERE vol > 60 UNION SELECT ticker FROM prices WHERE flag ORDER BY 1')).toEqual(['ticker', 'AAPL', 'GOOG', 'NULL']);
    expect(await run('SELECT ticker FROM prices INTERSECT SELECT ticker FROM prices WHERE flag ORDER BY 1')).toEqual(['ticker', 'AAPL', 'GOOG']);
    expect(await run('SELECT ticker FROM prices EXCEPT SELECT ticker FROM prices WHERE flag ORDER BY 1')).toEqual(['ticker', 'MSFT', 'Zeta', 'aapl', 'NULL']);
    expect(await run('SELECT flag FROM prices UNION ALL SELECT flag FROM prices WHERE flag ORDER BY 1 NULLS FIRST')).toEqual(['flag', 'NULL', 'NULL', 'f', 'f', 't', 't', 't', 't']);
  });

  it('unifies column types across the inputs', async () => {
    // PostgreSQL prints 7 (its numeric keeps each value's scale); ours is numeric(20,1) throughout.
    expect(await run("SELECT vol FROM prices WHERE vol = 7 UNION ALL SELECT 1.5 UNION ALL SELECT NULL ORDER BY 1")).toEqual(['vol', '1.5', '7.0', 'NULL']);
  });

  it('reads VALUES with column aliases', async () => {
    expect(await run("SELECT x.n, x.s FROM (VALUES (1, 'a'), (2, NULL), (3, 'c')) AS x(n, s) WHERE n > 1 ORDER BY n DESC")).toEqual(['n|s', '3|c', '2|NULL']);
    expect(await run('VALUES (1, 2.5), (3, 4)')).toEqual(['column1|column2', '1|2.5', '3|4.0']); // PostgreSQL: 3|4 (per-value numeric scale)
  });

  it('expands CTEs, each later one seeing the earlier ones, referenced twice', async () => {
    expect(await run('WITH big AS (SELECT ticker, vol FROM prices WHERE vol > 10), small AS (SELECT * FROM big WHERE vol < 200) SELECT b.ticker, s.vol FROM big b JOIN small s ON b.ticker = s.ticker ORDER BY 1')).toEqual([
      'ticker|vol', 'AAPL|100', 'GOOG|50',
    ]);
    expect(await run('WITH t (a) AS (SELECT vol FROM prices) SELECT max_a FROM (SELECT a AS max_a FROM t WHERE a > 200) q')).toEqual(['max_a', '300']);
  });

  it('raises PostgreSQL’s set-operation errors', async () => {
    const a = await error('SELECT 1 UNION SELECT 1, 2');
    expect([a.sqlstate, a.message, a.position]).toEqual(['42601', 'each UNION query must have the same number of columns', 23]);
    const b = await error('SELECT ticker FROM prices UNION SELECT 1');
    expect([b.sqlstate, b.message, b.position]).toEqual(['42804', 'UNION types text and integer cannot be matched', 40]);
    const c = await error("SELECT 1 UNION SELECT 'a'");
    expect([c.sqlstate, c.message, c.position]).toEqual(['22P02', 'invalid input syntax for type integer: "a"', 23]);
  });
});

describe('subqueries', () => {
  it('joins an uncorrelated scalar subquery as a single row', async () => {
    expect(await run('SELECT ticker FROM prices WHERE vol > (SELECT min(vol) FROM prices WHERE flag) ORDER BY 1 NULLS LAST')).toEqual(
      ['ticker', 'AAPL', 'NULL'],
    );
    expect(await bound('SELECT ticker, (SELECT max(vol) FROM prices) FROM prices')).toBe(
      [
        'Project: ticker, max',
        '  Join: type=inner',
        '    Scan: public.prices columns=[ticker, close, vol, d, ts, flag]',
        '    SingleRow',
        '      Project: max(vol) AS max',
        '        Aggregate: group=[] aggregates=[max(vol)]',
        '          Scan: public.prices columns=[ticker, close, vol, d, ts, flag]',
      ].join('\n'),
    );
  });

  it('raises 21000 when a scalar subquery returns two rows', async () => {
    const e = await error('SELECT (SELECT vol FROM prices)');
    expect([e.sqlstate, e.message]).toEqual(['21000', 'more than one row returned by a subquery used as an expression']);
  });

  it('decorrelates [NOT] EXISTS into semi / anti joins on the correlation', async () => {
    const exists = 'SELECT ticker FROM prices p WHERE EXISTS (SELECT 1 FROM prices q WHERE q.close = p.close AND q.ticker <> p.ticker) ORDER BY ticker NULLS LAST';
    expect(await run(exists)).toEqual(['ticker', 'AAPL', 'aapl']);
    expect(await run(exists.replace('EXISTS', 'NOT EXISTS'))).toEqual(['ticker', 'GOOG', 'MSFT', 'Zeta', 'NULL']);
    expect(await explainQuery(exists, pricesCatalog())).toContain('HashJoin: type=semi on=[close = close] residual=ticker <> ticker');
  });

  it('answers IN and NOT IN (subquery) with NULL-aware anti joins', async () => {
    expect(await run('SELECT ticker FROM prices WHERE vol IN (SELECT vol FROM prices WHERE flag) ORDER BY 1')).toEqual(['ticker', 'AAPL', 'GOOG']);
    expect(await run('SELECT ticker FROM prices WHERE vol NOT IN (SELECT vol FROM prices WHERE flag) ORDER BY 1 NULLS LAST')).toEqual(['ticker', 'Zeta', 'aapl', 'NULL']);
    // A NULL in the subquery makes every NOT IN unknown.
    expect(await run('SELECT ticker FROM prices WHERE vol NOT IN (SELECT vol FROM prices)')).toEqual(['ticker']);
  });

  it('plans a correlated NOT IN as an anti join on the correlation that also drops NULL comparisons', async () => {
    // Rows are checked against PostgreSQL in sql-tests/subquery/not-in-correlated.slt; here, the plan.
    const sql = 'SELECT ticker FROM prices p WHERE p.vol NOT IN (SELECT q.vol FROM prices q WHERE q.ticker = p.ticker AND q.close < p.close)';
    expect(await explainQuery(sql, pricesCatalog())).toContain('HashJoin: type=anti on=[ticker = ticker] residual=is_not_false(vol = vol) AND (close < close)');
    expect(await explainQuery(sql, pricesCatalog())).not.toContain('null_aware');
  });

  it('aggregates per outer row when the correlation is more than equalities', async () => {
    const sql = 'SELECT p.ticker, (SELECT count(*) FROM prices q WHERE q.flag = p.flag AND q.vol < p.vol) FROM prices p ORDER BY 1 NULLS LAST';
    expect(await run(sql)).toEqual(['ticker|count', 'AAPL|1', 'GOOG|0', 'MSFT|0', 'Zeta|0', 'aapl|0', 'NULL|0']);
    const plan = await explainQuery(sql, pricesCatalog());
    expect(plan).toContain('HashAggregate: group=[__row]');
    expect(plan).toContain('HashJoin: type=left on=[flag = flag] residual=vol < vol');
    expect(plan).not.toContain('Apply');
  });

  it('keeps the first rows per outer row for ORDER BY … LIMIT over a non-equality correlation', async () => {
    const sql = 'SELECT p.ticker, (SELECT q.ticker FROM prices q WHERE q.vol > p.vol ORDER BY q.vol LIMIT 1) FROM prices p ORDER BY 1 NULLS LAST';
    expect(await run(sql)).toEqual(['ticker|ticker', 'AAPL|NULL', 'GOOG|AAPL', 'MSFT|NULL', 'Zeta|aapl', 'aapl|GOOG', 'NULL|NULL']);
    expect(await explainQuery(sql, pricesCatalog())).toMatch(/Window: partition=\[__row\] order=\[vol ASC NULLS LAST\] calls=\[row_number\(\) AS __rank\]/);
  });

  it('runs a correlated GROUP BY … LIMIT once per distinct outer value (Apply)', async () => {
    const sql = "SELECT p.ticker, (SELECT count(DISTINCT q.flag) FROM prices q WHERE q.d > p.d GROUP BY q.d > '2021-01-02' ORDER BY 1 DESC LIMIT 1) FROM prices p ORDER BY 1 NULLS LAST";
    expect(await run(sql)).toEqual(['ticker|count', 'AAPL|1', 'GOOG|NULL', 'MSFT|1', 'Zeta|2', 'aapl|NULL', 'NULL|1']);
    // Over the scan's columns [ticker, d]: the subquery reads d; nothing else is read.
    const plan = await explainQuery(sql, pricesCatalog());
    expect(plan).toContain('Apply: (subquery) over [#1]');
    expect(plan).toContain('Scan: public.prices version=1 columns=[ticker, d]');
  });

  it('filters a LATERAL run per value on its input first (fewer runs)', async () => {
    const plan = await explainQuery("SELECT p.ticker, t.n FROM prices p, LATERAL (SELECT count(DISTINCT q.flag) AS n FROM prices q WHERE q.d > p.d GROUP BY q.d > '2021-01-02') t WHERE p.vol > 0 AND t.n > 1", pricesCatalog());
    expect(plan.split('\n').map((l) => l.trim().replace(/ files=.*$/, ''))).toEqual([
      'Projection: ticker, n',
      'Filter: n > 1',
      'Apply: LATERAL (subquery) over [#2]',
      'Filter: vol > 0',
      'Scan: public.prices version=1 columns=[ticker, vol, d] filters=[vol > 0]',
    ]);
  });

  it('decorrelates a correlated aggregate subquery into GROUP BY + left join', async () => {
    expect(await bound('SELECT p.ticker, (SELECT max(q.vol) FROM prices q WHERE q.flag = p.flag) AS m FROM prices p')).toBe(
      [
        'Project: ticker, max AS m',
        '  Join: type=left on=flag = __corr0',
        '    Scan: public.prices columns=[ticker, close, vol, d, ts, flag]',
        '    Project: max(vol) AS max, __corr0',
        '      Aggregate: group=[flag] aggregates=[max(vol)]',
        '        Scan: public.prices columns=[ticker, close, vol, d, ts, flag]',
      ].join('\n'),
    );
    expect(await run('SELECT p.ticker, (SELECT max(q.vol) FROM prices q WHERE q.flag = p.flag) AS m FROM prices p ORDER BY p.ticker NULLS LAST')).toEqual([
      'ticker|m', 'AAPL|100', 'GOOG|100', 'MSFT|7', 'Zeta|NULL', 'aapl|7', 'NULL|NULL',
    ]);
  });

  it('raises PostgreSQL’s subquery errors', async () => {
    const e = await error('SELECT ticker FROM prices WHERE vol IN (SELECT vol, 1 FROM prices)');
    expect([e.sqlstate, e.message, e.position]).toEqual(['42601', 'subquery has too many columns', 37]);
  });
});

describe('aggregation (binding; answers once HashAggregateExec exists)', () => {
  it('groups by expressions, ordinals and aliases, with HAVING and ORDER BY on aggregates', async () => {
    expect(await bound('SELECT ticker AS t, sum(close), count(*) FROM prices GROUP BY t HAVING count(*) > 1 ORDER BY 2 DESC')).toBe(
      [
        'Project: ticker AS t, sum(close) AS sum, count(*) AS count',
        '  Sort: sum(close) DESC NULLS FIRST',
        '    Filter: count(*) > 1',
        '      Aggregate: group=[ticker] aggregates=[sum(close), count_star()]',
        '        Scan: public.prices columns=[ticker, close, vol, d, ts, flag]',
      ].join('\n'),
    );
    expect(await bound('SELECT lower(ticker), count(*) FROM prices GROUP BY 1')).toContain('Aggregate: group=[lower(ticker)]');
  });

  it('normalises aggregate spellings and binds DISTINCT, FILTER, ORDER BY and WITHIN GROUP', async () => {
    const plan = await bound(
      "SELECT count(DISTINCT ticker), count(*) FILTER (WHERE flag), string_agg(ticker, ',' ORDER BY ticker), percentile_cont(0.5) WITHIN GROUP (ORDER BY vol), percentile(vol, 0.25), stddev(vol), mean(vol), array_agg(d), count_if(flag) FROM prices",
    );
    expect(plan).toContain(
      'aggregates=[count(DISTINCT ticker), count_star() FILTER (WHERE flag), string_agg(ticker), percentile_cont(CAST(vol AS float8)), percentile_cont(CAST(vol AS float8)), stddev_samp(vol), avg(vol), array_agg(d), count_if(flag)]',
    );
  });

  it('expands ROLLUP into grouping sets and computes GROUPING() from __grouping_id', async () => {
    expect(await bound('SELECT flag, ticker, grouping(flag, ticker), sum(vol) FROM prices GROUP BY ROLLUP(flag, ticker)')).toContain(
      'Aggregate: group=[flag, ticker] aggregates=[sum(vol)] sets=[(0,1), (0), ()]',
    );
    expect(await bound('SELECT flag, sum(vol) FROM prices GROUP BY CUBE(flag, ticker)')).toContain('sets=[(0,1), (0), (1), ()]');
  });

  it('plans SELECT DISTINCT as an Aggregate and windows over aggregates', async () => {
    expect(await bound('SELECT DISTINCT flag FROM prices ORDER BY flag')).toBe(
      ['Sort: flag ASC NULLS LAST', '  Aggregate: group=[flag] aggregates=[]', '    Project: flag', '      Scan: public.prices columns=[ticker, close, vol, d, ts, flag]'].join('\n'),
    );
    expect(await bound('SELECT flag, rank() OVER (ORDER BY sum(vol)) FROM prices GROUP BY flag')).toBe(
      [
        'Project: flag, rank',
        '  Window: partition=[] order=[sum(vol) ASC NULLS LAST] calls=[rank()]',
        '    Aggregate: group=[flag] aggregates=[sum(vol)]',
        '      Scan: public.prices columns=[ticker, close, vol, d, ts, flag]',
      ].join('\n'),
    );
  });

  it('answers grouped queries as PostgreSQL does', async () => {
    expect(await run('SELECT flag, count(*), sum(vol) FROM prices GROUP BY flag ORDER BY flag NULLS FIRST')).toEqual(['flag|count|sum', 'NULL|2|298', 'f|2|7', 't|2|150']);
    expect(await run('SELECT DISTINCT flag FROM prices ORDER BY flag')).toEqual(['flag', 'f', 't', 'NULL']);
  });

  // PostgreSQL 15: same SQLSTATE, message and position for each.
  const cases: [string, string, string, number | undefined][] = [
    ['SELECT ticker, count(*) FROM prices', '42803', 'column "prices.ticker" must appear in the GROUP BY clause or be used in an aggregate function', 8],
    ['SELECT p.vol FROM prices p GROUP BY ticker', '42803', 'column "p.vol" must appear in the GROUP BY clause or be used in an aggregate function', 8],
    ['SELECT count(*) FROM prices WHERE sum(vol) > 1', '42803', 'aggregate functions are not allowed in WHERE', 35],
    ['SELECT sum(count(*)) FROM prices', '42803', 'aggregate function calls cannot be nested', 12],
    ['SELECT count(*) FROM prices GROUP BY count(*)', '42803', 'aggregate functions are not allowed in GROUP BY', 38],
    ['SELECT sum(row_number() OVER ()) FROM prices', '42803', 'aggregate function calls cannot contain window function calls', 12],
    ['SELECT row_number() OVER () FROM prices WHERE row_number() OVER () > 1', '42P20', 'window functions are not allowed in WHERE', 47],
    ['SELECT lower(DISTINCT ticker) FROM prices', '42809', 'DISTINCT specified, but lower is not an aggregate function', 8],
    ['SELECT sum(ticker) FROM prices', '42883', 'function sum(text) does not exist', 8],
    ['SELECT DISTINCT ticker FROM prices ORDER BY close', '42P10', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', 45],
    ['SELECT grouping(ticker) FROM prices', '42803', 'arguments to GROUPING must be grouping expressions of the associated query level', 17],
  ];
  it.each(cases)('%s', async (sql, sqlstate, message, position) => {
    const e = await error(sql);
    expect({ sqlstate: e.sqlstate, message: e.message, position: e.position }).toEqual({ sqlstate, message, position });
  });
});

describe('windows', () => {
  it('stacks one Window per specification, named windows included', async () => {
    expect(await run('SELECT ticker, vol, rank() OVER (PARTITION BY flag ORDER BY vol DESC NULLS LAST) AS r, sum(vol) OVER (ORDER BY vol ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM prices ORDER BY vol NULLS LAST')).toEqual([
      'ticker|vol|r|s', 'Zeta|-2|2|-2', 'aapl|7|1|5', 'GOOG|50|2|57', 'AAPL|100|1|150', 'NULL|300|1|400', 'MSFT|NULL|2|300',
    ]);
    expect(await run('SELECT ticker, lag(vol) OVER w, row_number() OVER w FROM prices WINDOW w AS (ORDER BY d NULLS FIRST) ORDER BY d NULLS FIRST')).toEqual([
      'ticker|lag|row_number', 'GOOG|NULL|1', 'Zeta|50|2', 'AAPL|-2|3', 'MSFT|100|4', 'NULL|NULL|5', 'aapl|300|6',
    ]);
  });

  it('raises 42704 for an unknown window name', async () => {
    const e = await error('SELECT rank() OVER w FROM prices');
    expect([e.sqlstate, e.message]).toEqual(['42704', 'window "w" does not exist']);
  });
});

describe('views and session state', () => {
  it('creates, replaces, uses and drops temporary and global temporary views', async () => {
    const session = { views: newSessionViews() };
    const catalog = pricesCatalog();
    expect(await planStatement('CREATE TEMPORARY VIEW big (t, v) AS SELECT ticker, vol FROM prices WHERE vol > 60', catalog, session)).toEqual({ kind: 'command', tag: 'CREATE VIEW' });
    expect(await run('SELECT t, v FROM big ORDER BY v', session)).toEqual(['t|v', 'AAPL|100', 'NULL|300']);
    expect((await error('CREATE VIEW big AS SELECT 1', session)).sqlstate).toBe('42P07');
    await planStatement('CREATE OR REPLACE VIEW big AS SELECT ticker FROM prices WHERE vol = 7', catalog, session);
    expect(await run('SELECT * FROM big', session)).toEqual(['ticker', 'aapl']);
    await planStatement('CREATE GLOBAL TEMPORARY VIEW gv_test AS SELECT b.ticker FROM big b', catalog, session);
    const other = { views: newSessionViews() };
    // Another session sees the global view, but not `big` it was built on (bound at each use).
    expect((await error('SELECT * FROM global_temp.gv_test', other)).sqlstate).toBe('42P01');
    expect(await run('SELECT * FROM global_temp.gv_test', session)).toEqual(['ticker', 'aapl']);
    expect(await planStatement('DROP VIEW IF EXISTS nosuch, global_temp.gv_test', catalog, session)).toEqual({ kind: 'command', tag: 'DROP VIEW', notice: 'view "nosuch" does not exist, skipping' });
    expect((await error('DROP VIEW big2', session)).message).toBe('view "big2" does not exist');
  });
});

describe('optimiser and EXPLAIN', () => {
  it('pushes scan predicates to storage and keeps the Filter', async () => {
    const catalog = pricesCatalog();
    await collect(await planQuery("SELECT ticker FROM prices WHERE vol >= 50 AND ticker IN ('AAPL', 'GOOG') AND d IS NOT NULL AND lower(ticker) = 'x'", catalog));
    expect(catalog.scans[0].filters).toEqual([
      { kind: 'compare', column: 'vol', op: '>=', value: 50n },
      { kind: 'in', column: 'ticker', values: ['AAPL', 'GOOG'] },
      { kind: 'isNull', column: 'd', negated: true },
    ]);
  });

  it('never pushes a filter on an outer join’s padded side below the join', async () => {
    const plan = await optimized('SELECT a.ticker FROM prices a LEFT JOIN prices b ON a.vol = b.vol WHERE b.vol IS NULL AND a.flag');
    expect(plan).toBe(
      [
        'Project: ticker',
        '  Filter: vol IS NULL',
        '    Join: type=left on=vol = vol',
        '      Filter: flag',
        '        Scan: public.prices columns=[ticker, vol, flag] filters=[flag = true]',
        '      Scan: public.prices columns=[vol]',
      ].join('\n').replace(' filters=[flag = true]', ''),
    );
  });

  it('EXPLAIN ANALYZE counts rows per operator', async () => {
    const result = await collect(await planQuery('EXPLAIN ANALYZE SELECT ticker FROM prices WHERE vol > 10', pricesCatalog()));
    const lines = result.rows.map((r) => String(r[0]));
    expect(lines[0]).toMatch(/^Projection: ticker \(rows=3 time=[\d.]+ ms\)$/);
    expect(lines[1]).toMatch(/^ {2}Filter: vol > 10 \(rows=3 /);
    expect(lines[2]).toMatch(/^ {4}Scan: .* \(rows=6 /);
    expect(lines[3]).toMatch(/^Execution Time: /);
  });
});
