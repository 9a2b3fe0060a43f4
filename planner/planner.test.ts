import { describe, expect, it } from 'vitest';
import { SqlError } from '../common/sql-error.js';
import { explainQuery, planLogical, planQuery } from './index.js';
import { pricesCatalog } from './testing/fixtures.js';
import { collect, psqlLines } from './testing/memory-catalog.js';

const run = async (sql: string) => psqlLines(await planQuery(sql, pricesCatalog()));

async function error(sql: string): Promise<SqlError> {
  try {
    await planQuery(sql, pricesCatalog()).then((p) => collect(p));
  } catch (err) {
    expect(err).toBeInstanceOf(SqlError);
    return err as SqlError;
  }
  throw new Error(`expected ${sql} to fail`);
}

// Each expectation below is PostgreSQL 15's output for the same query over the same rows
// (planner/testing/fixtures.ts), with `COLLATE "C"` on string sort keys there: we order strings
// by bytes.
describe('results, checked against PostgreSQL 15', () => {
  it('filters decimals and orders by two keys', async () => {
    expect(await run('SELECT ticker, close FROM prices WHERE close > 100 ORDER BY close DESC, ticker')).toEqual([
      'ticker|close', 'MSFT|200.00', 'AAPL|123.45', 'aapl|123.45',
    ]);
  });

  it('puts NULLs last ascending and first descending', async () => {
    expect(await run('SELECT ticker, vol FROM prices ORDER BY vol')).toEqual([
      'ticker|vol', 'Zeta|-2', 'aapl|7', 'GOOG|50', 'AAPL|100', 'NULL|300', 'MSFT|NULL',
    ]);
    expect(await run('SELECT ticker, vol FROM prices ORDER BY vol DESC')).toEqual([
      'ticker|vol', 'MSFT|NULL', 'NULL|300', 'AAPL|100', 'GOOG|50', 'aapl|7', 'Zeta|-2',
    ]);
    expect(await run('SELECT ticker, ts FROM prices ORDER BY ts DESC NULLS LAST')).toEqual([
      'ticker|ts',
      'aapl|2021-01-05 00:00:00+00',
      'MSFT|2021-01-02 00:00:00+00',
      'AAPL|2021-01-01 10:00:00+00',
      'GOOG|2021-01-01 09:59:59.999999+00',
      'Zeta|2020-12-31 23:59:59+00',
      'NULL|NULL',
    ]);
  });

  it('applies LIMIT and OFFSET after an explicit NULLS FIRST sort (top-N)', async () => {
    expect(await run('SELECT ticker FROM prices ORDER BY ticker NULLS FIRST LIMIT 3 OFFSET 1')).toEqual(['ticker', 'AAPL', 'GOOG', 'MSFT']);
    expect(await run('SELECT ticker, close FROM prices WHERE close >= 99.99 AND vol IS NOT NULL ORDER BY close, ticker LIMIT 2')).toEqual([
      'ticker|close', 'NULL|99.99', 'AAPL|123.45',
    ]);
  });

  it('uses three-valued logic in WHERE and in the select list', async () => {
    expect(await run('SELECT ticker, flag FROM prices WHERE NOT flag OR flag IS NULL ORDER BY ticker')).toEqual([
      'ticker|flag', 'MSFT|f', 'Zeta|NULL', 'aapl|f', 'NULL|NULL',
    ]);
    expect(await run('SELECT ticker, flag AND vol > 10 AS a, flag OR vol > 60 AS o FROM prices ORDER BY ticker')).toEqual([
      'ticker|a|o', 'AAPL|t|t', 'GOOG|t|t', 'MSFT|f|NULL', 'Zeta|f|NULL', 'aapl|f|f', 'NULL|NULL|t',
    ]);
    expect(await run("SELECT ticker FROM prices WHERE ticker IN ('AAPL', 'GOOG', NULL) ORDER BY 1")).toEqual(['ticker', 'AAPL', 'GOOG']);
    expect(await run("SELECT ticker FROM prices WHERE ticker NOT IN ('AAPL', NULL)")).toEqual(['ticker']);
  });

  it('coerces string literals to dates and timestamps in comparisons', async () => {
    expect(await run("SELECT ticker, d FROM prices WHERE d > '2021-01-01' ORDER BY d")).toEqual([
      'ticker|d', 'MSFT|2021-01-02', 'NULL|2021-01-03', 'aapl|2021-01-05',
    ]);
    expect(await run("SELECT ticker FROM prices WHERE ts < '2021-01-01 10:00:00+00' ORDER BY ts")).toEqual(['ticker', 'Zeta', 'GOOG']);
  });

  it('computes decimal and integer arithmetic exactly', async () => {
    expect(await run('SELECT ticker, close * 2 AS dbl, vol / 3 AS third, -vol FROM prices ORDER BY ticker NULLS LAST')).toEqual([
      'ticker|dbl|third|?column?',
      'AAPL|246.90|33|-100',
      'GOOG|NULL|16|-50',
      'MSFT|400.00|NULL|NULL',
      'Zeta|-11.00|0|2',
      'aapl|246.90|2|-7',
      'NULL|199.98|100|-300',
    ]);
    expect(await run('SELECT close FROM prices WHERE close = 123.45 ORDER BY ticker')).toEqual(['close', '123.45', '123.45']);
  });

  it('BETWEEN, LIKE, ILIKE, CASE and scalar functions', async () => {
    expect(await run('SELECT ticker FROM prices WHERE vol BETWEEN 0 AND 100 ORDER BY ticker')).toEqual(['ticker', 'AAPL', 'GOOG', 'aapl']);
    expect(await run("SELECT ticker FROM prices WHERE ticker LIKE 'A%' OR ticker ILIKE 'z%' ORDER BY ticker")).toEqual(['ticker', 'AAPL', 'Zeta']);
    expect(await run("SELECT CASE WHEN close > 100 THEN 'high' WHEN close > 0 THEN 'mid' ELSE 'low' END AS band, ticker FROM prices ORDER BY ticker")).toEqual([
      'band|ticker', 'high|AAPL', 'low|GOOG', 'high|MSFT', 'low|Zeta', 'high|aapl', 'mid|NULL',
    ]);
    expect(await run('SELECT lower(ticker), upper(ticker), length(ticker), abs(vol), coalesce(vol, 0) FROM prices ORDER BY vol NULLS FIRST, ticker')).toEqual([
      'lower|upper|length|abs|coalesce',
      'msft|MSFT|4|NULL|0',
      'zeta|ZETA|4|2|-2',
      'aapl|AAPL|4|7|7',
      'goog|GOOG|4|50|50',
      'aapl|AAPL|4|100|100',
      'NULL|NULL|NULL|300|300',
    ]);
  });

  it('evaluates SELECT without FROM', async () => {
    expect(await run("SELECT 1 + 1, 7 / 2, 7 % 3, 1.5 + 1, 2 * 3.25, -(5), CAST('12.5' AS numeric(4,1)), 10000000000, 0.1 + 0.2")).toEqual([
      '?column?|?column?|?column?|?column?|?column?|?column?|numeric|?column?|?column?',
      '2|3|1|2.5|6.50|-5|12.5|10000000000|0.3',
    ]);
  });
});

describe('Spark spellings and names', () => {
  it('names output columns as PostgreSQL does, keeping the user’s spelling', async () => {
    // PostgreSQL 15 names these ticker|?column?|vol|lower|vol|int4|case|coalesce|Vol|close2|?column?|ts;
    // we keep `Ticker` and `Close2` as written (DESIGN.md §3).
    const plan = await planQuery(
      'SELECT Ticker, close * 2, t.vol, lower(ticker), CAST(vol AS int), 1::int, CASE WHEN flag THEN 1 END, coalesce(vol,1), vol AS "Vol", close AS Close2, \'x\', ts::date FROM prices t LIMIT 0',
      pricesCatalog(),
    );
    expect(plan.schema.fields.map((f) => f.name)).toEqual(['Ticker', '?column?', 'vol', 'lower', 'vol', 'int4', 'case', 'coalesce', 'Vol', 'Close2', '?column?', 'ts']);
  });

  it('AVG-style names and aliases with parentheses keep the alias spelling', async () => {
    const plan = await planQuery('SELECT abs(vol) AS Abs_Vol, (vol + 1) Next_Vol, coalesce(vol, (1)) AS "Quoted Name" FROM prices', pricesCatalog());
    expect(plan.schema.fields.map((f) => f.name)).toEqual(['Abs_Vol', 'Next_Vol', 'Quoted Name']);
    const events = await planQuery('SELECT `My Col`, eventParams.device_id, EventName AS en FROM events', pricesCatalog());
    expect(events.schema.fields.map((f) => f.name)).toEqual(['My Col', 'device_id', 'en']);
  });

  it('binds columns case-insensitively and accepts ==, "literal", backticks and default.', async () => {
    expect(await run('SELECT TICKER, Close FROM default.prices WHERE ticker == "AAPL"')).toEqual(['TICKER|Close', 'AAPL|123.45']);
    expect(await run('SELECT `ticker` FROM `prices` WHERE `vol` = 7')).toEqual(['ticker', 'aapl']);
    expect(await run('SELECT p.ticker FROM public.prices AS p WHERE p.vol < 0')).toEqual(['ticker', 'Zeta']);
  });

  it('expands * and t.* in table order', async () => {
    expect(await run('SELECT * FROM prices WHERE vol = 7')).toEqual(['ticker|close|vol|d|ts|flag', 'aapl|123.45|7|2021-01-05|2021-01-05 00:00:00+00|f']);
    expect((await run('SELECT t.*, 1 FROM prices t LIMIT 1'))[0]).toBe('ticker|close|vol|d|ts|flag|?column?');
  });

  it('reads struct fields by dot, NULL when the struct is NULL', async () => {
    const lines = await psqlLines(await planQuery('SELECT eventName, eventParams.amount, EVENTPARAMS.device_id FROM events WHERE eventParams.device_id = \'d1\' OR eventParams IS NULL', pricesCatalog()));
    expect(lines).toEqual(['eventName|amount|device_id', 'purchase|9.5|d1', 'purchase|NULL|NULL', 'logout|1|d1']);
    expect(await psqlLines(await planQuery('SELECT `My Col` FROM events WHERE "My Col" > 2', pricesCatalog()))).toEqual(['My Col', '3', '4']);
  });

  it('travels in time by version and by timestamp', async () => {
    expect(await run('SELECT ticker FROM prices VERSION AS OF 0 ORDER BY ticker')).toEqual(['ticker', 'AAPL', 'MSFT']);
    expect(await run('SELECT ticker FROM prices version as of 1 p WHERE p.vol = 7')).toEqual(['ticker', 'aapl']);
    expect(await run('SELECT ticker FROM default.prices VERSION AS OF 0 ORDER BY ticker DESC')).toEqual(['ticker', 'MSFT', 'AAPL']);
    expect(await run('SELECT ticker FROM public.`prices` VERSION AS OF 0 WHERE ticker == "MSFT"')).toEqual(['ticker', 'MSFT']);
    expect(await run("SELECT ticker FROM prices TIMESTAMP AS OF '2021-06-01 12:00:00' ORDER BY ticker")).toEqual(['ticker', 'AAPL', 'MSFT']);
    expect(await run("SELECT ticker FROM prices TIMESTAMP AS OF '2021-06-02T00:00:00Z' WHERE vol = 7")).toEqual(['ticker', 'aapl']);
    // An offset is honoured: 2021-06-02 01:00 +02:00 is 2021-06-01 23:00 UTC, before version 1.
    expect(await run("SELECT ticker FROM prices TIMESTAMP AS OF '2021-06-02 01:00:00+02:00' AS p ORDER BY p.ticker")).toEqual(['ticker', 'AAPL', 'MSFT']);
  });

  it('reads a table by path', async () => {
    expect(await run('SELECT x FROM delta.`/data/tables/stocks` WHERE x > 10')).toEqual(['x', '20']);
  });
});

describe('errors, with PostgreSQL 15’s SQLSTATE, wording and position', () => {
  const cases: [string, string, string, number | undefined][] = [
    ['SELECT ticker FROM prices WHERE', '42601', 'syntax error at end of input', 32],
    ['SELECT ticker FRM prices', '42601', 'syntax error at or near "prices"', 19],
    ["SELECT 'abc", '42601', 'unterminated quoted string at or near "\'abc"', 8],
    ['SELECT * FROM nosuch', '42P01', 'relation "nosuch" does not exist', 15],
    ['SELECT tickr FROM prices', '42703', 'column "tickr" does not exist', 8],
    ["SELECT 'é', tickr FROM prices", '42703', 'column "tickr" does not exist', 13],
    ['SELECT * FROM prices ORDER BY nosuch', '42703', 'column "nosuch" does not exist', 31],
    ['SELECT nosuch.ticker FROM prices', '42P01', 'missing FROM-clause entry for table "nosuch"', 8],
    ['SELECT lowr(ticker) FROM prices', '42883', 'function lowr(text) does not exist', 8],
    ['SELECT lower(vol) FROM prices', '42883', 'function lower(bigint) does not exist', 8],
    ['SELECT * FROM prices WHERE 1', '42804', 'argument of WHERE must be type boolean, not type integer', 28],
    ['SELECT * FROM prices WHERE vol AND flag', '42804', 'argument of AND must be type boolean, not type bigint', 28],
    ['SELECT * FROM prices WHERE NOT vol', '42804', 'argument of NOT must be type boolean, not type bigint', 32],
    ['SELECT CASE WHEN vol THEN 1 END FROM prices', '42804', 'argument of CASE/WHEN must be type boolean, not type bigint', 18],
    ["SELECT 'a' + 1", '22P02', 'invalid input syntax for type integer: "a"', 8],
    ['SELECT ticker + 1 FROM prices', '42883', 'operator does not exist: text + integer', 15],
    ['SELECT * FROM prices WHERE ticker = 1', '42883', 'operator does not exist: text = integer', 35],
    ["SELECT * FROM prices WHERE d > 'x'", '22007', 'invalid input syntax for type date: "x"', 32],
    ["SELECT * FROM prices WHERE flag = 'maybe'", '22P02', 'invalid input syntax for type boolean: "maybe"', 35],
    ["SELECT CAST('x' AS int)", '22P02', 'invalid input syntax for type integer: "x"', 13],
    ['SELECT 1 ORDER BY 2', '42P10', 'ORDER BY position 2 is not in select list', 19],
    ['SELECT * FROM prices LIMIT -1', '2201W', 'LIMIT must not be negative', undefined],
    ['SELECT 2147483647 + 1', '22003', 'integer out of range', undefined],
    ['SELECT 1/0', '22012', 'division by zero', undefined],
    // PostgreSQL gives these no position (checked in PostgreSQL 15 with generate_series).
    ['SELECT * FROM generate_series(1, 2) AS t(x, y)', '42P10', 'table "t" has 1 columns available but 2 columns specified', undefined],
    ["SELECT * FROM explode(map('a', 1)) AS t(x, y, z)", '42P10', 'table "t" has 2 columns available but 3 columns specified', undefined],
    ['SELECT * FROM prices, LATERAL posexplode(array[prices.vol]) AS e(p, c, d)', '42P10', 'table "e" has 2 columns available but 3 columns specified', undefined],
  ];
  it.each(cases)('%s', async (sql, sqlstate, message, position) => {
    const e = await error(sql);
    expect({ sqlstate: e.sqlstate, message: e.message, position: e.position }).toEqual({ sqlstate, message, position });
  });

  it('maps positions through Spark spellings back to the original text', async () => {
    // `==` and backticks keep byte offsets; the column is found in the user's text.
    const e = await error('SELECT `tickr` FROM prices WHERE vol == 1');
    expect([e.sqlstate, e.position]).toEqual(['42703', 8]);
    const s = await error('SELECT * FROM prices VERSION AS OF 0 WHERE vol == == 1');
    expect([s.sqlstate, s.message, s.position]).toEqual(['42601', 'syntax error at or near "=="', 51]);
  });

  it('hints at the nearest column', async () => {
    expect((await error('SELECT tickr FROM prices')).hint).toBe('Perhaps you meant "ticker".');
  });

  it('rejects a bad TIMESTAMP AS OF with 22007 at the literal', async () => {
    const sql = "SELECT * FROM prices TIMESTAMP AS OF 'not a time'";
    const e = await error(sql);
    expect([e.sqlstate, e.message, e.position]).toEqual(['22007', 'invalid input syntax for type timestamp: "not a time"', sql.indexOf("'") + 1]);
  });

  it('names unsupported statements and features with 0A000', async () => {
    expect((await error('TRUNCATE prices')).message).toBe('unsupported feature: TRUNCATE statements');
    expect((await error('INSERT INTO prices VALUES (1)')).message).toBe('unsupported feature: INSERT through planQuery (use planStatement)');
    expect((await error('WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x FROM r ORDER BY 1) SELECT * FROM r')).message).toBe('ORDER BY in a recursive query is not implemented');
  });

  it('attaches the position to catalog errors', async () => {
    const e = await error('SELECT 1 FROM public.nosuch');
    expect([e.sqlstate, e.position]).toEqual(['42P01', 15]);
    const v = await error('SELECT 1 FROM prices VERSION AS OF 9');
    expect([v.sqlstate, v.position]).toEqual(['22023', 15]);
  });
});

describe('plans', () => {
  it('pushes only the used columns into the scan', async () => {
    const catalog = pricesCatalog();
    await collect(await planQuery('SELECT ticker FROM prices WHERE vol > 10 ORDER BY d', catalog));
    await collect(await planQuery('SELECT 1 FROM prices', catalog));
    await collect(await planQuery('SELECT flag, ticker FROM prices', catalog));
    expect(catalog.scans.map((s) => s.columns)).toEqual([['ticker', 'vol', 'd'], [], ['ticker', 'flag']]);
  });

  it('explains one operator per line, folding constants and using top-N under a LIMIT', async () => {
    expect(await explainQuery('SELECT ticker, close * (1 + 1) AS c2 FROM prices WHERE vol > 2 * 5 AND true ORDER BY close DESC LIMIT 5 OFFSET 1', pricesCatalog())).toBe(
      [
        'Projection: ticker, close * 2 AS c2',
        '  Limit: limit=5 offset=1',
        '    TopN: fetch=6 close DESC NULLS FIRST',
        '      Filter: vol > 10',
        '        Scan: public.prices version=1 columns=[ticker, close, vol] filters=[vol > 10]',
      ].join('\n'),
    );
  });

  it('answers EXPLAIN <query> as a QUERY PLAN result', async () => {
    const result = await collect(await planQuery('EXPLAIN SELECT 1', pricesCatalog()));
    expect(result).toEqual({ names: ['QUERY PLAN'], rows: [['Projection: 1 AS ?column?'], ['  Values: rows=1 columns=0']] });
  });

  it('records each optimiser rule', async () => {
    const { steps } = await planLogical('SELECT ticker FROM prices WHERE 1 = 1', pricesCatalog());
    expect(steps).toEqual([
      { rule: 'fold_constants', plan: 'Project: ticker\n  Scan: public.prices columns=[ticker, close, vol, d, ts, flag]' },
      { rule: 'push_down_filter', plan: 'Project: ticker\n  Scan: public.prices columns=[ticker, close, vol, d, ts, flag]' },
      { rule: 'join_order', plan: 'Project: ticker\n  Scan: public.prices columns=[ticker, close, vol, d, ts, flag]' },
      { rule: 'prune_columns', plan: 'Project: ticker\n  Scan: public.prices columns=[ticker]' },
      { rule: 'push_scan_filters', plan: 'Project: ticker\n  Scan: public.prices columns=[ticker]' },
      { rule: 'distinct_values_scan', plan: 'Project: ticker\n  Scan: public.prices columns=[ticker]' },
      { rule: 'partial_aggregate_scan', plan: 'Project: ticker\n  Scan: public.prices columns=[ticker]' },
      { rule: 'window_group_limit', plan: 'Project: ticker\n  Scan: public.prices columns=[ticker]' },
    ]);
  });

  it('has a scan under GROUP BY one column answer partial aggregates, merged per call and cast back', async () => {
    const plan = async (sql: string) => (await planLogical(sql, pricesCatalog())).steps.at(-1)?.plan ?? '';
    expect(await plan('SELECT ticker, count(*), count(d), max(d), min(d) FROM prices GROUP BY ticker')).toBe(
      [
        'Project: ticker, count(*) AS count, count(d) AS count, max(d) AS max, min(d) AS min',
        '  Project: ticker, CAST(sum_0 AS int8) AS count, CAST(sum_1 AS int8) AS count, max_2 AS max, min_3 AS min',
        '    Aggregate: group=[ticker] aggregates=[sum(rows), sum(count(d)), max(max(d)), min(min(d))]',
        '      Scan: public.prices columns=[ticker, rows, count(d), sum(d), min(d), max(d)] partial_aggregate=[ticker: d]',
      ].join('\n'),
    );
    // Not for an integer's or a decimal's sum (it must stay exact), DISTINCT, FILTER, a filter, two keys, an expression key, grouping sets.
    for (const sql of [
      'SELECT ticker, sum(vol) FROM prices GROUP BY ticker',
      'SELECT ticker, avg(close) FROM prices GROUP BY ticker',
      'SELECT ticker, count(DISTINCT d) FROM prices GROUP BY ticker',
      'SELECT ticker, count(*) FILTER (WHERE d > DATE \'2021-01-01\') FROM prices GROUP BY ticker',
      'SELECT ticker, max(d) FROM prices WHERE d > DATE \'2021-01-01\' GROUP BY ticker',
      'SELECT ticker, vol, max(d) FROM prices GROUP BY ticker, vol',
      'SELECT upper(ticker), max(d) FROM prices GROUP BY upper(ticker)',
      'SELECT ticker, max(d) FROM prices GROUP BY ROLLUP (ticker)',
    ]) {
      expect(await plan(sql), sql).not.toContain('partial_aggregate');
    }
  });

  it('cuts a window filtered on its rank to each partition\'s top ranks, and no other window', async () => {
    const plan = async (sql: string) => (await planLogical(sql, pricesCatalog())).steps.at(-1)?.plan ?? '';
    const top = (rank: string, where: string) => `SELECT * FROM (SELECT ticker, ${rank} OVER (PARTITION BY ticker ORDER BY close DESC) AS rk FROM prices) t WHERE ${where}`;
    expect(await plan(top('dense_rank()', 'rk = 1'))).toContain('group_limit=dense_rank<=1');
    expect(await plan(top('rank()', 'rk < 3'))).toContain('group_limit=rank<=2');
    expect(await plan(top('row_number()', '5 >= rk AND rk <= 7'))).toContain('group_limit=row_number<=5');
    // Not a bound on the rank, a window whose other call needs every row, a limit past 1000.
    expect(await plan(top('rank()', 'rk > 3'))).not.toContain('group_limit');
    expect(await plan('SELECT * FROM (SELECT ticker, rank() OVER (PARTITION BY ticker ORDER BY close) AS rk, lag(close) OVER (PARTITION BY ticker ORDER BY close) AS prev FROM prices) t WHERE rk = 1')).not.toContain('group_limit');
    expect(await plan(top('rank()', 'rk <= 1001'))).not.toContain('group_limit');
    expect(await plan(top('ntile(4)', 'rk = 1'))).not.toContain('group_limit');
  });

  it('tells a one-column scan under an aggregate blind to repeats that distinct values will do, and no other scan', async () => {
    const plan = async (sql: string) => (await planLogical(sql, pricesCatalog())).steps.at(-1)?.plan ?? '';
    const marked = 'Scan: public.prices columns=[ticker] distinct_values';
    expect(await plan('SELECT count(DISTINCT ticker) FROM prices')).toContain(marked);
    expect(await plan('SELECT DISTINCT ticker FROM prices')).toContain(marked);
    expect(await plan('SELECT min(ticker), max(ticker), approx_count_distinct(ticker) FROM prices')).toContain(marked);
    expect(await plan("SELECT lower(ticker) AS t, count(DISTINCT ticker) FROM prices WHERE ticker <> 'AAPL' GROUP BY lower(ticker)")).toMatch(
      /Filter: ticker <> 'AAPL'\n\s+Scan: public.prices columns=\[ticker\] filters=\[ticker <> 'AAPL'\] distinct_values/,
    );
    // Repeats count, the list's order follows the input, two columns, or a value drawn per row.
    for (const sql of [
      'SELECT count(ticker) FROM prices',
      'SELECT ticker, count(*) FROM prices GROUP BY ticker',
      'SELECT array_agg(DISTINCT ticker) FROM prices',
      'SELECT count(DISTINCT ticker), max(close) FROM prices',
      'SELECT count(DISTINCT ticker) FILTER (WHERE random() < 0.5) FROM prices',
      'SELECT DISTINCT ticker || random()::text FROM prices',
    ]) {
      expect(await plan(sql), sql).not.toContain('distinct_values');
    }
  });

  it('moves a filter on PARTITION BY columns below the window, and no other', async () => {
    const { steps } = await planLogical(
      'SELECT * FROM (SELECT ticker, close, lag(close) OVER (PARTITION BY ticker ORDER BY d) AS prev FROM prices) t WHERE ticker = \'AAPL\' AND close > 1',
      pricesCatalog(),
    );
    const plan = steps.find((s) => s.rule === 'push_down_filter')?.plan ?? '';
    expect(plan).toMatch(/Filter: CAST\(close AS numeric\) > 1.00\n\s+Window: partition=\[ticker\][^\n]*\n\s+Filter: ticker = 'AAPL'\n\s+Scan/);
  });
});
