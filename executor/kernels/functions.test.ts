import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { makeBatch } from '../arrow/batch.js';
import { dataFromValues, valuesOf, type ScalarValue } from '../arrow/scalar.js';
import { ColumnExpr } from '../expr/column.js';
import type { PhysicalOperator } from '../operator.js';
import { ExplodeExec } from '../operators/explode.js';
import { cast } from './cast.js';
import { ifThenElse } from './conditional.js';
import { compilePattern, formatMicros, parseMicros } from './datetime-format.js';
import { dateTrunc, extractField, tumblingWindow } from './datetime.js';
import { formatInterval, parseInterval } from './interval.js';
import { roundKernel } from './math.js';
import { arrayElement, sortArray } from './nested.js';
import { regexMatch } from './regex.js';
import { Utf8Builder } from './rows.js';
import { concatText, substring, trim } from './string-fns.js';
import { parseDdlSchema } from '../../planner/binder/ddl-schema.js';

const TEXT = new arrow.Utf8();
const col = (type: arrow.DataType, values: ScalarValue[]) => dataFromValues(type, values);
const text = (values: (string | null)[]) => col(TEXT, values);
const ints = (values: (number | null)[]) => col(new arrow.Int32(), values);
const TS = new arrow.TimestampMicrosecond('UTC');
const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

describe('kernels read sliced inputs (offset ≠ 0) correctly', () => {
  // Arrow JS slices value and offset buffers but not bitmaps: validity must be read at data.offset.
  const s = text(['x', null, 'hello', 'wörld', null, 'abc']).slice(1, 4); // [null, hello, wörld, null]
  it('substring / trim / concat', () => {
    expect(valuesOf(substring([s, ints([2, 2, 2, 2]), ints([3, 3, 3, 3])], false))).toEqual([null, 'ell', 'örl', null]);
    expect(valuesOf(trim([s, text(['h', 'h', 'w', 'h'])], true, true))).toEqual([null, 'ello', 'örld', null]);
    expect(valuesOf(concatText([s, text(['!', '!', '!', '!'])], true))).toEqual([null, 'hello!', 'wörld!', null]);
    expect(valuesOf(concatText([s, text(['!', '!', '!', '!'])], false))).toEqual(['!', 'hello!', 'wörld!', '!']);
  });
  it('boolean inputs (if) and regex', () => {
    const cond = col(new arrow.Bool(), [true, false, null, true, false, true]).slice(1, 4); // [false, null, true, false]
    expect(valuesOf(ifThenElse([cond, ints([1, 1, 1, 1]), ints([2, 2, 2, 2])]))).toEqual([2, 2, 1, 2]);
    expect(valuesOf(regexMatch([s, text(['o', 'o', 'o', 'o'])], false))).toEqual([null, true, false, null]);
  });
  it('timestamps', () => {
    const ts = col(TS, [0n, micros('2021-05-06T07:08:09Z'), null, micros('1969-07-20T20:17:40Z')]).slice(1, 3);
    // Data.slice(offset, length): rows 1..3.
    expect(valuesOf(extractField(ts, 'hour', new arrow.Int32()))).toEqual([7, null, 20]);
    expect(valuesOf(dateTrunc(ts, 'month', TS))).toEqual([micros('2021-05-01T00:00:00Z'), null, micros('1969-07-01T00:00:00Z')]);
  });
});

describe('building blocks', () => {
  it('Utf8Builder grows past its estimates', () => {
    const b = new Utf8Builder(2, 4);
    for (let i = 0; i < 1000; i++) (i % 7 === 0 ? b.appendNull() : b.appendString('x'.repeat(i % 13) + 'é'));
    const data = b.finish();
    expect(data.length).toBe(1000);
    expect(data.nullCount).toBe(143);
    expect(valuesOf(data).slice(0, 3)).toEqual([null, 'xé', 'xxé']);
  });
  it('intervals parse and print as PostgreSQL does', () => {
    const fmt = (s: string, unit?: string) => formatInterval(parseInterval(s, unit) as never);
    expect(fmt('3 hours')).toBe('03:00:00');
    expect(fmt('1 day 2 hours 30 minutes')).toBe('1 day 02:30:00');
    expect(fmt('-1 day')).toBe('-1 days');
    expect(fmt('1.5 hours')).toBe('01:30:00');
    expect(fmt('1 year 14 months')).toBe('2 years 2 mons');
    expect(fmt('3', 'day')).toBe('3 days');
    expect(fmt('interval 10 seconds')).toBe('00:00:10');
    expect(fmt('1 hour ago')).toBe('-01:00:00');
    expect(parseInterval('soon')).toBeUndefined();
    expect(parseInterval('3 lightyears')).toBeUndefined();
  });
  it('datetime patterns in both dialects', () => {
    const t = micros('2021-03-04T05:06:07.089Z');
    expect(formatMicros(t, compilePattern('yyyy-MM-dd HH:mm:ss.SSS'))).toBe('2021-03-04 05:06:07.089');
    expect(formatMicros(t, compilePattern("EEEE, MMMM d, yyyy 'at' h a"))).toBe('Thursday, March 4, 2021 at 5 AM');
    expect(formatMicros(t, compilePattern('YYYY-MM-DD"T"HH24:MI:SS.US'))).toBe('2021-03-04T05:06:07.089000');
    expect(parseMicros('2021-03-04 05:06:07.089', compilePattern('yyyy-MM-dd HH:mm:ss.SSS'))).toBe(t);
    expect(parseMicros('20210304', compilePattern('yyyyMMdd'))).toBe(micros('2021-03-04T00:00:00Z'));
    expect(parseMicros('4/3/2021 5:06 PM', compilePattern('d/M/yyyy h:mm a'))).toBe(micros('2021-03-04T17:06:00Z'));
    expect(parseMicros('2021-03-04T05:06:07+02:00', compilePattern("yyyy-MM-dd'T'HH:mm:ssXXX"))).toBe(micros('2021-03-04T03:06:07Z'));
    expect(parseMicros('2021-02-30', compilePattern('yyyy-MM-dd'))).toBeUndefined();
    expect(parseMicros('2021-03-04 junk', compilePattern('yyyy-MM-dd'))).toBeUndefined();
    expect(() => compilePattern('yyyy-qq')).toThrow(/unsupported letter/);
  });
  it('Spark DDL schemas', () => {
    const t = parseDdlSchema('a INT, b STRING, c ARRAY<DOUBLE>, d STRUCT<x: INT, y: DECIMAL(10,2)>, m MAP<STRING, BIGINT>') as arrow.Struct;
    expect(t.children.map((f) => `${f.name}:${f.type}`)).toEqual([
      'a:Int32', 'b:Utf8', 'c:List<Float64>', 'd:Struct<{x:Int32, y:Decimal[10e+2]}>', 'm:Map<{key:Utf8, value:Int64}>',
    ]);
    const y = (t.children[3].type as arrow.Struct).children[1].type as arrow.Decimal;
    expect([y.precision, y.scale]).toEqual([10, 2]);
    expect(String(parseDdlSchema('array<struct<a:int>>'))).toBe('List<Struct<{a:Int32}>>');
    expect(() => parseDdlSchema('a INTT')).toThrow(/unknown type "intt"/);
  });
});

describe('nested kernels', () => {
  const listType = new arrow.List(new arrow.Field('element', new arrow.Int32(), true));
  const arrays = col(listType, [[3, 1, 2], null, [], [5, null, 4]]);
  it('element access is 1-based, out of range NULL', () => {
    expect(valuesOf(arrayElement([arrays, ints([1, 1, 1, 3])], 1, false))).toEqual([3, null, null, 4]);
    expect(valuesOf(arrayElement([arrays, ints([-1, 1, 1, -2])], 1, true))).toEqual([2, null, null, null]);
  });
  it('sort_array sorts each row with one sort of the child', () => {
    expect(valuesOf(sortArray([arrays]))).toEqual([[1, 2, 3], null, [], [null, 4, 5]]);
  });
  it('explode repeats rows per element; explode_outer keeps empty and NULL arrays', async () => {
    const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int32(), true), new arrow.Field('xs', listType, true)]);
    const batch = makeBatch(schema, [ints([1, 2, 3, 4]), arrays], 4);
    const source: PhysicalOperator = { schema, children: [], explain: () => 'Values', execute: () => (async function* () { yield batch; })() };
    const run = async (outer: boolean) => {
      const op = new ExplodeExec(source, new ColumnExpr(1, 'xs', listType), outer, ['x']);
      const out: ScalarValue[][] = [];
      for await (const b of op.execute({})) {
        const cols = b.data.children.map(valuesOf);
        for (let i = 0; i < b.numRows; i++) out.push([cols[0][i], cols[2][i]]);
      }
      return { out, op };
    };
    const inner = await run(false);
    expect(inner.out).toEqual([[1, 3], [1, 1], [1, 2], [4, 5], [4, null], [4, 4]]);
    expect(inner.op.explain()).toBe('Explode: xs AS x');
    expect(inner.op.schema.fields.map((f) => f.name)).toEqual(['id', 'xs', 'x']);
    expect((await run(true)).out).toEqual([[1, 3], [1, 1], [1, 2], [2, null], [3, null], [4, 5], [4, null], [4, 4]]);
  });
});

describe('rounding is exact on decimals', () => {
  it('half up (round) and half even (bround) at the requested scale', () => {
    const x = col(new arrow.Decimal(3, 10, 128), [2345n, -2345n, 2355n, null]); // 2.345, -2.345, 2.355
    const out = new arrow.Decimal(2, 10, 128);
    expect(valuesOf(roundKernel([x, ints([2, 2, 2, 2])], 'half_up', out))).toEqual([235n, -235n, 236n, null]);
    expect(valuesOf(roundKernel([x, ints([2, 2, 2, 2])], 'half_even', out))).toEqual([234n, -234n, 236n, null]);
  });
  it('floats round through their decimal text (round(2.675, 2) = 2.68, as Spark)', () => {
    const f = col(new arrow.Float64(), [2.675, 1.005, -0.5, 1e300]);
    expect(valuesOf(roundKernel([f, ints([2, 2, 0, 2])], 'half_up', new arrow.Float64()))).toEqual([2.68, 1.01, -1, 1e300]);
  });
});

describe('speed (one million rows)', () => {
  it('runs the hot kernels at tens of millions of rows per second', () => {
    const n = 1_000_000;
    const ts = new BigInt64Array(n);
    for (let i = 0; i < n; i++) ts[i] = 1_600_000_000_000_000n + BigInt(i) * 7_919_000n;
    const tsData = arrow.makeData({ type: TS, length: n, nullCount: 0, data: ts });
    const words = Array.from({ length: n }, (_, i) => `ticker-${i % 1000}`);
    const strData = text(words);
    const twos = ints(new Array(n).fill(2));
    const threes = ints(new Array(n).fill(3));
    const bangs = text(new Array(n).fill('!'));
    const pattern = text(new Array(n).fill('-9'));
    const windowType = new arrow.Struct([new arrow.Field('start', TS, true), new arrow.Field('end', TS, true)]);
    const time = (label: string, f: () => unknown) => {
      f();
      const t0 = performance.now();
      f();
      const ms = performance.now() - t0;
      console.log(`${label}: ${ms.toFixed(1)} ms / 1M rows`);
      return ms;
    };
    time('date_trunc(hour)', () => dateTrunc(tsData, 'hour', TS));
    time('extract(year)', () => extractField(tsData, 'year', new arrow.Int32()));
    time('window 60 min', () => tumblingWindow(tsData, 3_600_000_000n, 0n, windowType));
    time('substring(s, 2, 3)', () => substring([strData, twos, threes], false));
    time("s || '!'", () => concatText([strData, bangs], true));
    time("s ~ '-9'", () => regexMatch([strData, pattern], false));
    time('cast ts → text', () => cast(tsData.slice(0, 100_000), TEXT));
    expect(true).toBe(true);
  });
});
