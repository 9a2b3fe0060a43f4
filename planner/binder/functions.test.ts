import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { evalOne, evalRows } from './functions.testing.js';

async function sqlError(expr: string): Promise<SqlError> {
  try {
    await evalRows(expr);
  } catch (err) {
    expect(err).toBeInstanceOf(SqlError);
    return err as SqlError;
  }
  throw new Error(`expected ${expr} to fail`);
}

/**
 * Each case is PostgreSQL 15's output for `SELECT (<expr>)::text FROM t ORDER BY ord` over the
 * rows of functions.testing.ts (session time zone UTC), collected with json_agg so NULL and ''
 * differ. `->`/`->>` ran on `::json` there; we apply them to text.
 */
const POSTGRES_15: [string, (string | null)[]][] = [
  ["s || '-' || n", ["Hello World-7", "añb€c--3", null, "  pad  -0"]],
  ["concat(s, n, NULL)", ["Hello World7", "añb€c-3", "", "  pad  0"]],
  ["concat_ws('/', s, d)", ["Hello World/2021-01-31", "añb€c/2020-02-29", "", "  pad  /1969-12-31"]],
  ["substring(s FROM 2 FOR 3)", ["ell", "ñb€", null, " pa"]],
  ["substring(s, 0, 3)", ["He", "añ", null, "  "]],
  ["substring(s, 3)", ["llo World", "b€c", null, "pad  "]],
  ["left(s, -2)", ["Hello Wor", "añb", null, "  pad"]],
  ["right(s, 3)", ["rld", "b€c", null, "d  "]],
  ["upper(left(s, 2))", ["HE", "AÑ", null, "  "]],
  ["lower(s)", ["hello world", "añb€c", null, "  pad  "]],
  ["length(s)", ["11", "5", null, "7"]],
  ["lpad(s, 8, '*')", ["Hello Wo", "***añb€c", null, "*  pad  "]],
  ["rpad(s, 3)", ["Hel", "añb", null, "  p"]],
  ["lpad('ab', 7, 'xyz')", ["xyzxyab", "xyzxyab", "xyzxyab", "xyzxyab"]],
  ["trim(both 'H' from s)", ["ello World", "añb€c", null, "  pad  "]],
  ["trim(s)", ["Hello World", "añb€c", null, "pad"]],
  ["ltrim(s)", ["Hello World", "añb€c", null, "pad  "]],
  ["rtrim(s, ' d')", ["Hello Worl", "añb€c", null, "  pa"]],
  ["btrim('xxaxx', 'x')", ["a", "a", "a", "a"]],
  ["strpos(s, 'o')", ["5", "0", null, "0"]],
  ["position('b' in s)", ["0", "3", null, "0"]],
  ["replace(s, 'l', 'LL')", ["HeLLLLo WorLLd", "añb€c", null, "  pad  "]],
  ["split_part('a,b,c', ',', -1)", ["c", "c", "c", "c"]],
  ["split_part(s, ' ', 2)", ["World", "", null, ""]],
  ["initcap('hello wORLD foo-bar')", ["Hello World Foo-Bar", "Hello World Foo-Bar", "Hello World Foo-Bar", "Hello World Foo-Bar"]],
  ["reverse(s)", ["dlroW olleH", "c€bña", null, "  dap  "]],
  ["repeat('ab', n)", ["ababababababab", "", null, ""]],
  ["md5(s)", ["b10a8db164e0754105b7a99be72e3fe5", "d133c81029809009c7b4c0fbc26fc57a", null, "ff65a08b378189d94bfd3f019d2821eb"]],
  ["translate(s, 'lo', 'L')", ["HeLL WrLd", "añb€c", null, "  pad  "]],
  ["ascii(s)", ["72", "97", null, "32"]],
  ["chr(8364)", ["€", "€", "€", "€"]],
  ["starts_with(s, 'He')", ["true", "false", null, "false"]],
  ["s ~ '^[A-Z]'", ["true", "false", null, "false"]],
  ["s ~* '^h'", ["true", "false", null, "false"]],
  ["s !~ 'o'", ["false", "true", null, "true"]],
  ["s !~* 'O'", ["false", "true", null, "true"]],
  ["regexp_replace(s, '([a-z])', '<\\1>', 'g')", ["H<e><l><l><o> W<o><r><l><d>", "<a>ñ<b>€<c>", null, "  <p><a><d>  "]],
  ["regexp_replace(s, 'L', '_', 'gi')", ["He__o Wor_d", "añb€c", null, "  pad  "]],
  ["s LIKE 'H!%' ESCAPE '!'", ["false", "false", null, "false"]],
  ["'A%B' LIKE 'A!%B' ESCAPE '!'", ["true", "true", "true", "true"]],
  ["s ILIKE '%WORLD'", ["true", "false", null, "false"]],
  ["round(x, 1)", ["123.5", "-2.5", null, "0.1"]],
  ["round(x)", ["123", "-3", null, "0"]],
  ["round(x, -1)", ["120", "0", null, "0"]],
  ["round(2.5)", ["3", "3", "3", "3"]],
  ["round(-2.5)", ["-3", "-3", "-3", "-3"]],
  ["floor(x)", ["123", "-3", null, "0"]],
  ["ceil(x)", ["124", "-2", null, "1"]],
  ["ceiling(-0.5)", ["0", "0", "0", "0"]],
  ["trunc(x, 1)", ["123.4", "-2.5", null, "0.0"]],
  ["trunc(x)", ["123", "-2", null, "0"]],
  ["sqrt(16)", ["4", "4", "4", "4"]],
  ["ln(10)", ["2.302585092994046", "2.302585092994046", "2.302585092994046", "2.302585092994046"]],
  ["log(100)", ["2", "2", "2", "2"]],
  ["log10(1000)", ["3", "3", "3", "3"]],
  ["power(2, 10)", ["1024", "1024", "1024", "1024"]],
  ["2 ^ 3", ["8", "8", "8", "8"]],
  ["mod(n, 3)", ["1", "0", null, "0"]],
  ["mod(-7, 3)", ["-1", "-1", "-1", "-1"]],
  ["sign(n)", ["1", "-1", null, "0"]],
  ["sign(f)", ["1", "-1", null, "1"]],
  ["greatest(n, NULL, 3)", ["7", "3", "3", "3"]],
  ["least(b, 10)", ["10", "-7", "10", "10"]],
  ["greatest(s, 'b')", ["b", "b", "b", "b"]],
  ["pi()", ["3.141592653589793", "3.141592653589793", "3.141592653589793", "3.141592653589793"]],
  ["div(7, 2)", ["3", "3", "3", "3"]],
  ["abs(x)", ["123.45", "2.50", null, "0.05"]],
  ["abs(n)", ["7", "3", null, "0"]],
  ["width_bucket(f, 0, 10, 5)", ["2", "0", null, "1"]],
  ["degrees(pi())", ["180", "180", "180", "180"]],
  ["nullif(n, 7)", [null, "-3", null, "0"]],
  ["coalesce(s, 'none')", ["Hello World", "añb€c", "none", "  pad  "]],
  ["n IS DISTINCT FROM 7", ["false", "true", "true", "true"]],
  ["n IS NOT DISTINCT FROM NULL", ["false", "false", "true", "false"]],
  ["ok IS TRUE", ["true", "false", "false", "false"]],
  ["ok IS NOT TRUE", ["false", "true", "true", "true"]],
  ["ok IS FALSE", ["false", "true", "false", "false"]],
  ["ok IS NOT FALSE", ["true", "false", "true", "true"]],
  ["ok IS UNKNOWN", ["false", "false", "true", "true"]],
  ["ok IS NOT UNKNOWN", ["true", "true", "false", "false"]],
  ["date_trunc('hour', ts)", ["2021-01-31 10:00:00+00", "2020-02-29 00:00:00+00", null, "1969-12-31 23:00:00+00"]],
  ["date_trunc('week', ts)", ["2021-01-25 00:00:00+00", "2020-02-24 00:00:00+00", null, "1969-12-29 00:00:00+00"]],
  ["date_trunc('month', ts)", ["2021-01-01 00:00:00+00", "2020-02-01 00:00:00+00", null, "1969-12-01 00:00:00+00"]],
  ["date_trunc('quarter', ts)", ["2021-01-01 00:00:00+00", "2020-01-01 00:00:00+00", null, "1969-10-01 00:00:00+00"]],
  ["date_trunc('year', ts)", ["2021-01-01 00:00:00+00", "2020-01-01 00:00:00+00", null, "1969-01-01 00:00:00+00"]],
  ["date_trunc('minute', ts)", ["2021-01-31 10:59:00+00", "2020-02-29 00:00:00+00", null, "1969-12-31 23:59:00+00"]],
  ["date_trunc('day', d)", ["2021-01-31 00:00:00+00", "2020-02-29 00:00:00+00", null, "1969-12-31 00:00:00+00"]],
  ["extract(hour from ts)", ["10", "0", null, "23"]],
  ["extract(second from ts)", ["59.500000", "0.000000", null, "59.999000"]],
  ["extract(year from d)", ["2021", "2020", null, "1969"]],
  ["extract(dow from d)", ["0", "6", null, "3"]],
  ["extract(isodow from d)", ["7", "6", null, "3"]],
  ["extract(doy from d)", ["31", "60", null, "365"]],
  ["extract(week from d)", ["4", "9", null, "1"]],
  ["extract(quarter from ts)", ["1", "1", null, "4"]],
  ["extract(epoch from ts)", ["1612090799.500000", "1582934400.000000", null, "-0.001000"]],
  ["extract(milliseconds from ts)", ["59500.000", "0.000", null, "59999.000"]],
  ["extract(century from d)", ["21", "21", null, "20"]],
  ["date_part('dow', ts)", ["0", "6", null, "3"]],
  ["date_part('hour', ts)", ["10", "0", null, "23"]],
  ["date_part('second', ts)", ["59.5", "0", null, "59.999"]],
  ["to_char(ts, 'YYYY/MM/DD HH24:MI:SS.MS Dy Mon')", ["2021/01/31 10:59:59.500 Sun Jan", "2020/02/29 00:00:00.000 Sat Feb", null, "1969/12/31 23:59:59.999 Wed Dec"]],
  ["to_char(ts, 'FMMonth DD, YYYY HH12:MI AM')", ["January 31, 2021 10:59 AM", "February 29, 2020 12:00 AM", null, "December 31, 1969 11:59 PM"]],
  ["to_char(d, 'YYYY-MM-DD')", ["2021-01-31", "2020-02-29", null, "1969-12-31"]],
  ["d + 1", ["2021-02-01", "2020-03-01", null, "1970-01-01"]],
  ["d - 1", ["2021-01-30", "2020-02-28", null, "1969-12-30"]],
  ["1 + d", ["2021-02-01", "2020-03-01", null, "1970-01-01"]],
  ["d - DATE '2021-01-01'", ["30", "-307", null, "-18629"]],
  ["ts + INTERVAL '3 hours'", ["2021-01-31 13:59:59.5+00", "2020-02-29 03:00:00+00", null, "1970-01-01 02:59:59.999+00"]],
  ["ts - INTERVAL '1' DAY", ["2021-01-30 10:59:59.5+00", "2020-02-28 00:00:00+00", null, "1969-12-30 23:59:59.999+00"]],
  ["ts + INTERVAL '1 month'", ["2021-02-28 10:59:59.5+00", "2020-03-29 00:00:00+00", null, "1970-01-31 23:59:59.999+00"]],
  ["ts - INTERVAL '1 year 2 months'", ["2019-11-30 10:59:59.5+00", "2018-12-29 00:00:00+00", null, "1968-10-31 23:59:59.999+00"]],
  ["ts - TIMESTAMP '2021-01-01 00:00:00+00'", ["30 days 10:59:59.5", "-307 days", null, "-18628 days -00:00:00.001"]],
  ["ts - TIMESTAMP '2021-02-01 12:00:00+00'", ["-1 days -01:00:00.5", "-338 days -12:00:00", null, "-18659 days -12:00:00.001"]],
  ["INTERVAL '90 minutes'", ["01:30:00", "01:30:00", "01:30:00", "01:30:00"]],
  ["INTERVAL '-1 day'", ["-1 days", "-1 days", "-1 days", "-1 days"]],
  ["INTERVAL '1 year 2 months 3 days 04:05:06.5'", ["1 year 2 mons 3 days 04:05:06.5", "1 year 2 mons 3 days 04:05:06.5", "1 year 2 mons 3 days 04:05:06.5", "1 year 2 mons 3 days 04:05:06.5"]],
  ["INTERVAL '1.5 days'", ["1 day 12:00:00", "1 day 12:00:00", "1 day 12:00:00", "1 day 12:00:00"]],
  ["INTERVAL '2 weeks'", ["14 days", "14 days", "14 days", "14 days"]],
  ["make_date(2021, 2, 28)", ["2021-02-28", "2021-02-28", "2021-02-28", "2021-02-28"]],
  ["to_date('2021-03-04', 'YYYY-MM-DD')", ["2021-03-04", "2021-03-04", "2021-03-04", "2021-03-04"]],
  ["to_timestamp('2021-03-04 05:06', 'YYYY-MM-DD HH24:MI')", ["2021-03-04 05:06:00+00", "2021-03-04 05:06:00+00", "2021-03-04 05:06:00+00", "2021-03-04 05:06:00+00"]],
  ["to_timestamp(0)", ["1970-01-01 00:00:00+00", "1970-01-01 00:00:00+00", "1970-01-01 00:00:00+00", "1970-01-01 00:00:00+00"]],
  ["to_timestamp(1612090799.5)", ["2021-01-31 10:59:59.5+00", "2021-01-31 10:59:59.5+00", "2021-01-31 10:59:59.5+00", "2021-01-31 10:59:59.5+00"]],
  ["now() > '2020-01-01'", ["true", "true", "true", "true"]],
  ["current_date > '2020-01-01'", ["true", "true", "true", "true"]],
  ["(ARRAY[1,2,3])[2]", ["2", "2", "2", "2"]],
  ["(ARRAY[1,2,3])[5]", [null, null, null, null]],
  ["(ARRAY[n, 1])[1]", ["7", "-3", null, "0"]],
  ["cardinality(ARRAY['a','b'])", ["2", "2", "2", "2"]],
  ["array_length(ARRAY[1,2,3], 1)", ["3", "3", "3", "3"]],
  ["'{\"a\":{\"b\":[1,2]},\"c\":\"x\"}' -> 'a'", ["{\"b\":[1,2]}", "{\"b\":[1,2]}", "{\"b\":[1,2]}", "{\"b\":[1,2]}"]],
  ["'{\"a\":{\"b\":[1,2]},\"c\":\"x\"}' ->> 'c'", ["x", "x", "x", "x"]],
  ["'[10,20,30]' ->> 1", ["20", "20", "20", "20"]],
  ["'[10,20,30]' ->> -1", ["30", "30", "30", "30"]],
  ["json_extract_path_text('{\"a\":{\"b\":\"q\"}}', 'a', 'b')", ["q", "q", "q", "q"]],];

describe('scalar functions and operators, checked against PostgreSQL 15', () => {
  it.each(POSTGRES_15)('%s', async (expr, expected) => {
    expect(await evalRows(expr)).toEqual(expected);
  });
});

// Spark-only functions: expected values are the examples of the Spark 3.5 SQL function reference
// (spark.apache.org/docs/latest/api/sql), evaluated in UTC.
const SPARK_DOCS: [string, string | null][] = [
  ["substr('Spark SQL', -3)", 'SQL'],
  ["substr('Spark SQL', 5, 1)", 'k'],
  ["instr('SparkSQL', 'SQL')", '6'],
  ["locate('bar', 'foobarbar', 5)", '7'],
  ["locate('bar', 'foobarbar')", '4'],
  ["initcap('sPark sql')", 'Spark Sql'],
  ["format_string('Hello World %d %s', 100, 'days')", 'Hello World 100 days'],
  ["md5('Spark')", '8cde774d6f7333752ed72cacddb05126'],
  ["sha2('Spark', 256)", '529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b'],
  ["regexp_extract('100-200', '(\\d+)-(\\d+)', 1)", '100'],
  ["regexp_extract('100-200', '(\\d+)-(\\d+)', 2)", '200'],
  ["regexp_replace('100-200', '(\\d+)', 'num')", 'num-num'],
  ["rlike('Spark', 'Sp.*')", 'true'],
  ["contains('Spark SQL', 'SQL')", 'true'],
  ["endswith('Spark SQL', 'SQL')", 'true'],
  ["replace('ABCabc', 'abc', 'DEF')", 'ABCDEF'],
  ["replace('ABCabc', 'abc')", 'ABC'],
  ['bround(2.5, 0)', '2'],
  ['bround(25, -1)', '20'],
  ['round(2.5, 0)', '3'],
  ['round(25, -1)', '30'],
  ["date_add('2016-07-30', 1)", '2016-07-31'],
  ["date_sub('2016-07-30', 1)", '2016-07-29'],
  ["datediff('2009-07-31', '2009-07-30')", '1'],
  ["add_months('2016-08-31', 1)", '2016-09-30'],
  ["last_day('2009-01-12')", '2009-01-31'],
  ["months_between('1997-02-28 10:30:00', '1996-10-30')", '3.94959677'],
  ["months_between('1997-02-28 10:30:00', '1996-10-30', false)", '3.9495967741935485'],
  ["weekofyear('2008-02-20')", '8'],
  ["dayofweek('2009-07-30')", '5'],
  ["dayofyear('2016-04-09')", '100'],
  ["quarter('2016-08-31')", '3'],
  ["hour('2009-07-30 12:58:59')", '12'],
  ["minute('2009-07-30 12:58:59')", '58'],
  ["second('2009-07-30 12:58:59')", '59'],
  ["trunc(DATE '2019-08-04', 'MM')", '2019-08-01'],
  ["trunc(DATE '2019-08-04', 'week')", '2019-07-29'],
  ["date_trunc('YEAR', '2015-03-05T09:32:05.359')", '2015-01-01 00:00:00+00'],
  ["date_trunc('HOUR', '2015-03-05T09:32:05.359')", '2015-03-05 09:00:00+00'],
  ["date_format('2016-04-08', 'y')", '2016'],
  ["date_format(TIMESTAMP '2016-04-08 13:05:09', 'yyyy-MM-dd hh:mm:ss a EEE MMM')", '2016-04-08 01:05:09 PM Fri Apr'],
  ["unix_timestamp('2016-04-08', 'yyyy-MM-dd')", '1460073600'],
  ["from_unixtime(0, 'yyyy-MM-dd HH:mm:ss')", '1970-01-01 00:00:00'],
  ["to_date('2016-12-31', 'yyyy-MM-dd')", '2016-12-31'],
  ["to_timestamp('2016-12-31', 'yyyy-MM-dd')", '2016-12-31 00:00:00+00'],
  ["to_timestamp('2016-12-31T10:11:12.5Z')", '2016-12-31 10:11:12.5+00'],
  ["timestamp_seconds(1230219000)", '2008-12-25 15:30:00+00'],
  ["unix_seconds(TIMESTAMP '1970-01-01 00:00:01Z')", '1'],
  ["size(ARRAY['b', 'd', 'c', 'a'])", '4'],
  ['array_contains(ARRAY[1, 2, 3], 2)', 'true'],
  ['element_at(ARRAY[1, 2, 3], 2)', '2'],
  ['element_at(ARRAY[1, 2, 3], -1)', '3'],
  ['element_at(ARRAY[1, 2, 3], 4)', null],
  ["element_at(map(1, 'a', 2, 'b'), 2)", 'b'],
  ["(map(1, 'a', 2, 'b'))[3]", null],
  ["array_position(ARRAY[3, 2, 1], 1)", '3'],
  ['if(1 < 2, \'a\', \'b\')', 'a'],
  ['nvl2(NULL, 2, 1)', '1'],
  ["ifnull(NULL, 'x')", 'x'],
  ['1 <=> 1', 'true'],
  ['NULL <=> NULL', 'true'],
  ['isnull(1)', 'false'],
  ['isnotnull(1)', 'true'],
];

describe('Spark functions, checked against the Spark SQL function reference', () => {
  it.each(SPARK_DOCS)('%s', async (expr, expected) => {
    expect(await evalOne(expr)).toEqual(expected);
  });

  it('nests arrays, maps and structs (sort_array, array_distinct, map_keys, named_struct, split, JSON)', async () => {
    const json = async (e: string) => JSON.parse((await evalOne(`to_json(${e})`)) as string);
    expect(await json("named_struct('v', sort_array(ARRAY['b', 'd', NULL, 'c', 'a'], true))")).toEqual({ v: ['a', 'b', 'c', 'd'].reduce((a, x) => [...a, x], [null as string | null]) });
    expect(await json("named_struct('v', sort_array(ARRAY['b', 'd', NULL, 'c', 'a'], false))")).toEqual({ v: ['d', 'c', 'b', 'a', null] });
    expect(await json("named_struct('v', array_distinct(ARRAY[1, 2, 3, NULL, 3]))")).toEqual({ v: [1, 2, 3, null] });
    expect(await json("named_struct('v', map_keys(map(1, 'a', 2, 'b')))")).toEqual({ v: [1, 2] });
    expect(await json("named_struct('v', map_values(map(1, 'a', 2, 'b')))")).toEqual({ v: ['a', 'b'] });
    expect(await json("named_struct('v', split('oneAtwoBthreeC', '[ABC]'))")).toEqual({ v: ['one', 'two', 'three', ''] });
    expect(await json("named_struct('v', split('oneAtwoBthreeC', '[ABC]', 2))")).toEqual({ v: ['one', 'twoBthreeC'] });
    expect(await json("named_struct('a', 1, 'b', 2)")).toEqual({ a: 1, b: 2 });
    expect(await json("map('x', 1)")).toEqual({ x: 1 });
    expect(await evalOne("to_json(from_json('{\"a\":1, \"b\":0.8}', 'a INT, b DOUBLE'))")).toBe('{"a":1,"b":0.8}');
    expect(await evalOne("(from_json('{\"a\":1, \"b\":{\"c\":[1,2]}}', 'a INT, b STRUCT<c: ARRAY<BIGINT>>')).b.c[2]")).toBe('2');
    expect(await evalOne("get_json_object('{\"a\":\"b\"}', '$.a')")).toBe('b');
    expect(await evalOne("get_json_object('{\"a\":[{\"b\":1}]}', '$.a[0]')")).toBe('{"b":1}');
    expect(await evalOne("get_json_object('not json', '$.a')")).toBe(null);
  });

  it('assigns timestamps to tumbling windows as struct<start, end> (window)', async () => {
    // Spark's doc example: rows at 00:00, 00:04:30, 00:06, 00:01 in 5-minute windows.
    expect(await evalRows('("window"(ts, \'5 minutes\')).start')).toEqual([
      '2021-01-31 10:55:00+00', '2020-02-29 00:00:00+00', null, '1969-12-31 23:55:00+00',
    ]);
    expect(await evalRows('("window"(ts, \'60 minutes\')).end')).toEqual([
      '2021-01-31 11:00:00+00', '2020-02-29 01:00:00+00', null, '1970-01-01 00:00:00+00',
    ]);
    // A start offset shifts the grid: daily windows starting at 02:00.
    expect(await evalRows('("window"(ts, \'1 day\', \'1 day\', \'2 hours\')).start')).toEqual([
      '2021-01-31 02:00:00+00', '2020-02-28 02:00:00+00', null, '1969-12-31 02:00:00+00',
    ]);
    expect(await evalOne('("window"(TIMESTAMP \'2021-01-01 00:04:30\', \'5 minutes\')).end')).toBe('2021-01-01 00:05:00'); // a zone-less literal gives zone-less bounds
    expect(await evalOne('("window"(TIMESTAMPTZ \'2021-01-01 00:04:30+00\', \'5 minutes\')).end')).toBe('2021-01-01 00:05:00+00');
  });
});

describe('errors carry PostgreSQL SQLSTATEs', () => {
  it('no matching signature is 42883 with the argument types', async () => {
    const e = await sqlError('lower(n)');
    expect([e.sqlstate, e.message]).toEqual(['42883', 'function lower(integer) does not exist']);
    expect(e.hint).toBe('No function matches the given name and argument types. You might need to add explicit type casts.');
    const typo = await sqlError('substrng(s, 1)');
    expect([typo.sqlstate, typo.hint]).toEqual(['42883', 'Perhaps you meant "substring".']);
    expect((await sqlError("date_add(s, 'x')")).sqlstate).toBe('42883');
  });
  it('bad values: 22011, 2201F, 2201E, 22007, 2201B, 22023, 22012, 22003', async () => {
    expect((await sqlError("substring('abc', 1, -1)")).sqlstate).toBe('22011');
    expect((await sqlError('sqrt(-1)')).sqlstate).toBe('2201F');
    expect((await sqlError('ln(0)')).message).toBe('cannot take logarithm of zero');
    expect((await sqlError("to_date('2021-13-01')")).sqlstate).toBe('22007');
    expect((await sqlError("to_date('31/12/2021', 'yyyy-MM-dd')")).sqlstate).toBe('22007');
    expect((await sqlError("regexp_like(s, '(')")).sqlstate).toBe('2201B');
    expect((await sqlError("date_trunc('fortnight', ts)")).sqlstate).toBe('22023');
    expect((await sqlError("split_part(s, ',', 0)")).sqlstate).toBe('22023');
    expect((await sqlError('div(n, 0)')).sqlstate).toBe('22012');
    expect((await sqlError('element_at(ARRAY[1], 0)')).sqlstate).toBe('22003');
    expect((await sqlError("from_json(s, 'a INTT')")).sqlstate).toBe('22023');
    expect((await sqlError("INTERVAL 'soon'")).sqlstate).toBe('22007');
  });
  it('window durations: months are 22023, sliding windows are 0A000', async () => {
    expect((await sqlError('"window"(ts, \'1 month\')')).sqlstate).toBe('22023');
    expect((await sqlError('"window"(ts, \'0 minutes\')')).sqlstate).toBe('22023');
    expect((await sqlError('"window"(ts, \'10 minutes\', \'5 minutes\')')).sqlstate).toBe('0A000');
  });
  it('try_ forms return NULL instead', async () => {
    expect(await evalRows("try_to_date(s, 'yyyy')")).toEqual([null, null, null, null]);
    expect(await evalOne("try_to_timestamp('2021-01-02 03:04', 'yyyy-MM-dd HH:mm')")).toBe('2021-01-02 03:04:00+00');
  });
});

describe('result types', () => {
  it('keeps decimals exact and picks PostgreSQL-like types', async () => {
    const { bindList } = await import('./functions.testing.js');
    const [round1, floorX, extractSecond, datePart, year, concatenated, diff] = await bindList("round(x, 1), floor(x), extract(second from ts), date_part('hour', ts), year(d), s || n, ts - ts");
    expect(String(round1.type)).toBe(String(new arrow.Decimal(1, 10, 128)));
    expect(String(floorX.type)).toBe(String(new arrow.Decimal(0, 9, 128)));
    expect(String(extractSecond.type)).toBe(String(new arrow.Decimal(6, 8, 128)));
    expect(datePart.type.typeId).toBe(arrow.Type.Float);
    expect(year.type.typeId).toBe(arrow.Type.Int);
    expect(concatenated.type.typeId).toBe(arrow.Type.Utf8);
    expect(diff.type.typeId).toBe(arrow.Type.Interval);
  });
});

describe('plumbing for the pre-pass and other operators', () => {
  it('try_cast gives NULL where CAST fails', async () => {
    const { bindList } = await import('./functions.testing.js');
    const { tryCastCall } = await import('./functions.js');
    const { lowerExpr } = await import('../lower/expr.js');
    const { textOf } = await import('./functions.testing.js');
    const [input] = await bindList("CASE WHEN n > 0 THEN '12' WHEN n < 0 THEN 'x' ELSE '9999999999' END");
    const call = tryCastCall(input, new arrow.Int32(), undefined);
    const { makeBatch } = await import('../../executor/arrow/batch.js');
    const out = lowerExpr(call).evaluate(makeBatch(new arrow.Schema([new arrow.Field('s', new arrow.Utf8()), new arrow.Field('n', new arrow.Int32())]), [
      (await import('../../executor/arrow/scalar.js')).dataFromValues(new arrow.Utf8(), [null, null, null]),
      (await import('../../executor/arrow/scalar.js')).dataFromValues(new arrow.Int32(), [1, -1, 0]),
    ], 3));
    expect(textOf(out)).toEqual(['12', null, null]);
    expect(() => tryCastCall(input, new arrow.Struct([]), 3)).toThrow(/cannot cast/);
  });
  it('evaluates over empty batches', async () => {
    const { bindList } = await import('./functions.testing.js');
    const { lowerExpr } = await import('../lower/expr.js');
    const { makeBatch } = await import('../../executor/arrow/batch.js');
    const { T_COLUMNS } = await import('./functions.testing.js');
    const { dataFromValues } = await import('../../executor/arrow/scalar.js');
    const empty = makeBatch(new arrow.Schema(T_COLUMNS.map((c) => new arrow.Field(c.name, c.type, true))), T_COLUMNS.map((c) => dataFromValues(c.type, [])), 0);
    for (const e of await bindList(`"window"(ts, '1 hour'), ts + INTERVAL '1 day', upper(s), round(x, 1), ARRAY[n], extract(hour from ts)`)) {
      expect(lowerExpr(e).evaluate(empty).length).toBe(0);
    }
  });
});
