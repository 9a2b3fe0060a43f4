import { beforeAll, describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { ensureParserLoaded } from './libpg.js';
import { prepass } from './prepass.js';
import { SourceText } from './source-text.js';

beforeAll(() => ensureParserLoaded());

const run = (sql: string) => {
  const source = new SourceText(sql);
  const out = prepass(source);
  // The invariant everything else relies on: same byte length, so offsets mean the same place.
  expect(new TextEncoder().encode(out.text).length).toBe(source.byteLength);
  return out;
};

describe('prepass', () => {
  it('gives reserved words Spark uses as names (window, array) a same-length placeholder, recorded by offset', () => {
    const out = run("SELECT window(ts, '1 hour'), window.start, array(1, 2), ARRAY[3], array(SELECT 1) FROM t WINDOW w AS (ORDER BY x)");
    expect(out.text).toBe(`SELECT "wind"(ts, '1 hour'), "wind".start, "arr"(1, 2), ARRAY[3], array(SELECT 1) FROM t WINDOW w AS (ORDER BY x)`);
    expect([...(out.renamed ?? [])]).toEqual([[7, 'window'], [29, 'window'], [43, 'array']]);
  });

  it('rewrites TRY_CAST, infix RLIKE/REGEXP (negated too) and Spark interval literals in place', () => {
    const out = run("SELECT TRY_CAST(x AS int), a RLIKE 'p', b NOT REGEXP 'q', INTERVAL 3 HOURS, INTERVAL 10 days FROM t");
    expect(out.text).toBe("SELECT     cast(x AS int), a ~     'p', b !~         'q', INTERVAL'3'hour , INTERVAL'10'day  FROM t");
    expect([...(out.tryCasts ?? [])]).toEqual([11]);
  });

  it('turns backtick identifiers into double-quoted ones, in place', () => {
    const out = run('SELECT `a b`, `Ticker` FROM `my table`');
    expect(out.text).toBe('SELECT "a b", "Ticker" FROM "my table"');
    expect([...out.backticked]).toEqual([7, 14, 28]);
  });

  it('leaves backticks inside strings, quoted names, comments and dollar quotes alone', () => {
    const sql = "SELECT '`x`', \"`y`\", $$`z`$$, E'\\'`w`' -- `c`\n/* `d` /* `e` */ */ FROM t";
    expect(run(sql).text).toBe(sql);
  });

  it('blanks VERSION AS OF / TIMESTAMP AS OF and records them at the relation', () => {
    const sql = "SELECT * FROM default.prices VERSION AS OF 12 p, t TIMESTAMP AS OF '2021-01-01 00:00:00' WHERE x == 1";
    const out = run(sql);
    const blank = (text: string, part: string) => text.replace(part, ' '.repeat(part.length));
    const expected = blank(blank(sql, 'VERSION AS OF 12'), "TIMESTAMP AS OF '2021-01-01 00:00:00'").replace('default.', 'public .').replace('==', ' =');
    expect(out.text).toBe(expected);
    expect(out.timeTravel.get(sql.indexOf('default'))).toEqual({ kind: 'version', version: 12, start: sql.indexOf('VERSION') });
    expect(out.timeTravel.get(sql.indexOf(' t ') + 1)).toEqual({
      kind: 'timestamp', text: '2021-01-01 00:00:00', start: sql.indexOf('TIMESTAMP'), literalStart: sql.indexOf("'2021"),
    });
  });

  it('records delta.`/path` as a path table at the offset of `delta`', () => {
    const sql = 'SELECT * FROM delta.`/tmp/my table` VERSION AS OF 1';
    const out = run(sql);
    expect(out.text).toBe(`SELECT * FROM delta."/tmp/my table"${' '.repeat(' VERSION AS OF 1'.length)}`);
    expect([...out.pathTables]).toEqual([[14, '/tmp/my table']]);
    expect(out.timeTravel.get(14)).toMatchObject({ kind: 'version', version: 1 });
    // A backticked name that is not a path stays a schema-qualified name.
    expect(run('SELECT * FROM delta.`prices`').pathTables.size).toBe(0);
  });

  it('keeps byte offsets with multi-byte text before and inside the rewritten parts', () => {
    const sql = "SELECT 'héllo', `日本` FROM t TIMESTAMP AS OF '2021-01-01' WHERE a == 'ü'";
    const out = run(sql);
    const bytes = new TextEncoder().encode(sql);
    const rewritten = new TextEncoder().encode(out.text);
    const at = (s: string) => new TextEncoder().encode(sql.slice(0, sql.indexOf(s))).length;
    expect(rewritten[at('`日本`')]).toBe(0x22);
    expect(out.timeTravel.get(at('t TIMESTAMP'))).toMatchObject({ kind: 'timestamp', text: '2021-01-01' });
    expect(rewritten[at("'ü'")]).toBe(bytes[at("'ü'")]);
  });

  it('blanks QUALIFY clauses, keyed by their block\'s SELECT, keeping every byte offset', () => {
    const sql = 'SELECT a FROM (SELECT b FROM t QUALIFY x = 1) s QUALIFY rank() OVER (ORDER BY a) = 1 ORDER BY a';
    const out = run(sql);
    const blank = (text: string, part: string) => text.replace(part, ' '.repeat(part.length));
    expect(out.text).toBe(blank(blank(sql, 'QUALIFY x = 1'), 'QUALIFY rank() OVER (ORDER BY a) = 1 '));
    const inner = out.qualify?.get(sql.indexOf('SELECT b'));
    const outer = out.qualify?.get(0);
    expect(inner?.text.trim()).toBe('SELECT  x = 1');
    expect(inner?.text.indexOf('x = 1')).toBe(sql.indexOf('x = 1'));
    expect(outer?.text.trim()).toBe('SELECT  rank() OVER (ORDER BY a) = 1');
    expect(outer?.end).toBe(sql.lastIndexOf('ORDER BY a'));
    // A column or alias named qualify stays a name.
    expect(run('SELECT qualify FROM t').qualify?.size ?? 0).toBe(0);
    expect(run('SELECT x qualify FROM t').qualify?.size ?? 0).toBe(0);
  });

  it('rewrites Spark\'s LATERAL VIEW [OUTER] into a LATERAL FROM item and records its names', () => {
    const sql = 'SELECT x FROM t LATERAL VIEW OUTER explode(t.arr) e AS Xy WHERE x > 1';
    const out = run(sql);
    expect(out.text.length).toBe(sql.length);
    expect(out.text.replace(/ +/g, ' ')).toBe('SELECT x FROM t , LATERAL explode(t.arr) WHERE x > 1');
    expect(out.lateralViews?.get(sql.indexOf('explode'))).toEqual({ table: 'e', columns: ['Xy'], outer: true });
    expect(run('SELECT 1 FROM t LATERAL VIEW explode(a) AS v').lateralViews?.get(29)).toEqual({ columns: ['v'], outer: false });
  });

  it('rewrites GROUP BY ALL and ORDER BY ALL in place and records where, leaving PostgreSQL\'s GROUP BY ALL a alone', () => {
    const sql = 'SELECT a, count(*) FROM t GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL DESC';
    const out = run(sql);
    expect(out.text).toBe('SELECT a, count(*) FROM t GROUP BY ()  HAVING count(*) > 1 ORDER BY 1   DESC');
    expect([...(out.groupByAll ?? [])]).toEqual([sql.indexOf('ALL')]);
    expect([...(out.orderByAll ?? [])]).toEqual([sql.lastIndexOf('ALL')]);
    expect(run('SELECT a FROM t GROUP BY ALL a').text).toBe('SELECT a FROM t GROUP BY ALL a');
    expect(run('SELECT a FROM t UNION ALL SELECT b FROM u').groupByAll?.size ?? 0).toBe(0);
    expect(run('SELECT * FROM (SELECT a FROM t ORDER BY all) x').orderByAll?.size).toBe(1);
  });

  it('blanks * EXCEPT / * EXCLUDE column lists and records them by where the star starts, leaving EXCEPT (SELECT …) alone', () => {
    const sql = 'SELECT t.* EXCEPT (a, `B c`), * EXCLUDE (d) FROM t';
    const out = run(sql);
    expect(out.text.length).toBe(sql.length);
    expect(out.text.replace(/ +/g, ' ')).toBe('SELECT t.* , * FROM t');
    expect(out.starExcept?.get(sql.indexOf('t.*'))).toEqual([{ name: 'a', at: sql.indexOf('a,') }, { name: 'B c', at: sql.indexOf('`B c`') }]);
    expect(out.starExcept?.get(sql.indexOf('* EXCLUDE'))).toEqual([{ name: 'd', at: sql.indexOf('d)') }]);
    expect(run('SELECT * FROM t EXCEPT (SELECT * FROM u)').starExcept?.size ?? 0).toBe(0);
    expect(run('SELECT * EXCEPT (SELECT 1)').starExcept?.size ?? 0).toBe(0);
  });

  it('blanks IGNORE NULLS / RESPECT NULLS after a call and records the calls that ignore them', () => {
    const sql = 'SELECT lag(f(x)) IGNORE NULLS OVER (ORDER BY i), last_value(x) respect nulls OVER w FROM t';
    const out = run(sql);
    expect(out.text.replace(/ +/g, ' ')).toBe('SELECT lag(f(x)) OVER (ORDER BY i), last_value(x) OVER w FROM t');
    expect([...(out.ignoreNulls ?? [])]).toEqual([sql.indexOf('lag')]);
    expect(run('SELECT ignore FROM t').ignoreNulls?.size ?? 0).toBe(0);
  });

  it('refuses backtick identifiers it cannot rewrite in place, pointing at them', () => {
    const refuse = (sql: string) => {
      try {
        run(sql);
      } catch (err) {
        return [(err as SqlError).sqlstate, (err as SqlError).position];
      }
      return undefined;
    };
    expect(refuse('SELECT `a"b` FROM t')).toEqual(['42601', 8]);
    expect(refuse('SELECT `abc FROM t')).toEqual(['42601', 8]);
    expect(refuse('SELECT 1 FROM t VERSION AS OF x')).toEqual(['42601', 31]);
  });
});

describe('SourceText', () => {
  it('maps byte offsets to 1-based character positions and back', () => {
    const s = new SourceText('aé日😀b');
    // bytes: a(1) é(2) 日(3) 😀(4) b(1)
    expect([0, 1, 3, 6, 10].map((b) => s.position(b))).toEqual([1, 2, 3, 4, 5]);
    expect([0, 1, 2, 3, 4].map((c) => s.byteOfChar(c))).toEqual([0, 1, 3, 6, 10]);
    expect(s.slice(3, 6)).toBe('日');
  });
});
