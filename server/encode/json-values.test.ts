import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { batchOf, column, dateColumn, decimalColumn, timestampColumn } from '../testing/arrow-fixtures.js';
import { jsonRows, jsonWriter } from './json-values.js';

/** Every value of a column as JSON text. */
function texts(data: arrow.Data): string[] {
  const write = jsonWriter(data);
  return Array.from({ length: data.length }, (_, i) => write(i));
}

describe('JSON values (PRODUCT.md "JSON values")', () => {
  it('writes booleans and NULL', () => {
    expect(texts(column([true, false, null], new arrow.Bool()))).toEqual(['true', 'false', 'null']);
  });

  it.each([
    ['Int8', new arrow.Int8(), [-128, 127, null]],
    ['Int16', new arrow.Int16(), [-32768, 32767, null]],
    ['Int32', new arrow.Int32(), [-2147483648, 2147483647, null]],
  ])('writes %s as numbers', (_name, type, values) => {
    expect(texts(column(values, type))).toEqual(['' + values[0], '' + values[1], 'null']);
  });

  it('writes Int64 as a number within ±(2^53−1) and as a decimal string beyond', () => {
    const values = [0n, -1n, 2n ** 53n - 1n, -(2n ** 53n - 1n), 2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n), 4294967296n, -4294967297n, null];
    expect(texts(column(values, new arrow.Int64()))).toEqual([
      '0', '-1', '9007199254740991', '-9007199254740991', '"9007199254740992"', '"-9007199254740992"',
      '"9223372036854775807"', '"-9223372036854775808"', '4294967296', '-4294967297', 'null',
    ]);
  });

  it('writes decimals as exact strings with scale digits, negatives and values beyond 2^53 included', () => {
    const data = decimalColumn([12350n, -12350n, 5n, -5n, 0n, 2n ** 70n + 1n, -(2n ** 70n + 1n), 10n ** 38n - 1n, null], 38, 2);
    expect(texts(data)).toEqual([
      '"123.50"', '"-123.50"', '"0.05"', '"-0.05"', '"0.00"',
      '"11805916207174113034.25"', '"-11805916207174113034.25"', '"999999999999999999999999999999999999.99"', 'null',
    ]);
  });

  it('writes float64 as numbers and NaN/±Infinity as strings', () => {
    expect(texts(column([1.5, -0.1, 1e300, 35837837.190000005, NaN, Infinity, -Infinity, null], new arrow.Float64()))).toEqual([
      '1.5', '-0.1', '1e+300', '35837837.190000005', '"NaN"', '"Infinity"', '"-Infinity"', 'null',
    ]);
  });

  it('writes float32 as the shortest decimal that reads back to the same float32', () => {
    const data = column([0.234, 36.504, 1 / 3, 16777216, NaN, -Infinity, null], new arrow.Float32());
    expect(texts(data)).toEqual(['0.234', '36.504', '0.33333334', '16777216', '"NaN"', '"-Infinity"', 'null']);
  });

  it('writes strings with JSON escapes and multi-byte characters', () => {
    expect(texts(column(['a', '', 'quote " and \\ and\nnewline', 'ünïcödé ✓ 🎉', null], new arrow.Utf8()))).toEqual([
      '"a"', '""', '"quote \\" and \\\\ and\\nnewline"', '"ünïcödé ✓ 🎉"', 'null',
    ]);
  });

  it('writes binary as lowercase hex', () => {
    const data = column([Uint8Array.of(0x31, 0x35, 0x36), new Uint8Array(0), Uint8Array.of(0x00, 0xff, 0xab), null], new arrow.Binary());
    expect(texts(data)).toEqual(['"313536"', '""', '"00ffab"', 'null']);
  });

  it('writes dates as YYYY-MM-DD, before 1970 and beyond 9999 included', () => {
    expect(texts(dateColumn([0, 36, -1, -719_162, 2_932_897, null]))).toEqual([
      '"1970-01-01"', '"1970-02-06"', '"1969-12-31"', '"0001-01-01"', '"+010000-01-01"', 'null',
    ]);
  });

  it('writes timestamps in UTC with six fraction digits, pre-1970 microseconds included', () => {
    const values = [0n, 3_588_069_588_000n, -1n, -123_456_789_012n, 1_609_495_200_000_001n, -62_135_596_800_000_000n, null];
    expect(texts(timestampColumn(values, 'UTC'))).toEqual([
      '"1970-01-01T00:00:00.000000Z"', '"1970-02-11T12:41:09.588000Z"', '"1969-12-31T23:59:59.999999Z"',
      '"1969-12-30T13:42:23.210988Z"', '"2021-01-01T10:00:00.000001Z"', '"0001-01-01T00:00:00.000000Z"', 'null',
    ]);
  });

  it('writes timestamp_ntz without the zone', () => {
    expect(texts(timestampColumn([31_530_504_000_200n, -1n], null))).toEqual(['"1970-12-31T22:28:24.000200"', '"1969-12-31T23:59:59.999999"']);
  });

  it('converts other timestamp units to microseconds', () => {
    const millis = arrow.makeData({ type: new arrow.TimestampMillisecond('UTC'), length: 2, nullCount: 0, data: BigInt64Array.of(-1n, 1_000n) });
    const nanos = arrow.makeData({ type: new arrow.TimestampNanosecond(null), length: 2, nullCount: 0, data: BigInt64Array.of(-1n, 1_999n) });
    expect(texts(millis)).toEqual(['"1969-12-31T23:59:59.999000Z"', '"1970-01-01T00:00:01.000000Z"']);
    expect(texts(nanos)).toEqual(['"1969-12-31T23:59:59.999999"', '"1970-01-01T00:00:00.000001"']);
  });

  it('writes structs as objects keyed by field name, nested and null', () => {
    const inner = new arrow.Struct([new arrow.Field('aca', new arrow.Int32(), true)]);
    const type = new arrow.Struct([new arrow.Field('aa', new arrow.Utf8(), true), new arrow.Field('ac', inner, true)]);
    const data = column([{ aa: '1', ac: { aca: 1 } }, { aa: null, ac: null }, null], type);
    expect(texts(data)).toEqual(['{"aa":"1","ac":{"aca":1}}', '{"aa":null,"ac":null}', 'null']);
  });

  it('writes lists as arrays, lists of lists and of structs included', () => {
    const ints = new arrow.List(new arrow.Field('element', new arrow.Int32(), true));
    expect(texts(column([[0, 1], [], null, [null, 3]], ints))).toEqual(['[0,1]', '[]', 'null', '[null,3]']);
    const nested = new arrow.List(new arrow.Field('element', ints, true));
    expect(texts(column([[[0, 1], [2, 3]], [[], null]], nested))).toEqual(['[[0,1],[2,3]]', '[[],null]']);
    const structs = new arrow.List(new arrow.Field('element', new arrow.Struct([new arrow.Field('ab', new arrow.Int64(), true)]), true));
    expect(texts(column([[{ ab: 1n }, { ab: 2n ** 60n }]], structs))).toEqual(['[{"ab":1},{"ab":"1152921504606846976"}]']);
  });

  it('writes maps as arrays of [key, value] pairs in stored order', () => {
    const entries = new arrow.Struct([new arrow.Field('key', new arrow.Int32(), false), new arrow.Field('value', new arrow.Int64(), true)]);
    const type = new arrow.Map_(new arrow.Field('entries', entries, false));
    const data = column([new Map([[2, 3n], [0, 1n]]), new Map(), null, new Map([[5, null]])], type);
    expect(texts(data)).toEqual(['[[2,3],[0,1]]', '[]', 'null', '[[5,null]]']);
  });

  it('writes maps of arrays and maps of structs', () => {
    const ints = new arrow.List(new arrow.Field('element', new arrow.Int32(), true));
    const entries = new arrow.Struct([new arrow.Field('key', new arrow.Int64(), false), new arrow.Field('value', ints, true)]);
    const data = column([new Map([[0n, [0, null, 1]], [1n, []]])], new arrow.Map_(new arrow.Field('entries', entries, false)));
    expect(texts(data)).toEqual(['[[0,[0,null,1]],[1,[]]]']);
  });

  it('reads sliced chunks at the right offsets', () => {
    const ints = column([1, null, 3, 4, null, 6, 7, 8, 9, null], new arrow.Int32());
    expect(texts(ints.slice(3, 5))).toEqual(['4', 'null', '6', '7', '8']);
    const bools = column([true, false, null, true, false, true, true, false, null, true], new arrow.Bool());
    expect(texts(bools.slice(5, 5))).toEqual(['true', 'true', 'false', 'null', 'true']);
    const strings = column(['a', 'b', null, 'd'], new arrow.Utf8());
    expect(texts(strings.slice(1, 3))).toEqual(['"b"', 'null', '"d"']);
    const lists = column([[1], [2, 3], null, [4]], new arrow.List(new arrow.Field('element', new arrow.Int32(), true)));
    expect(texts(lists.slice(1, 3))).toEqual(['[2,3]', 'null', '[4]']);
    const decimals = decimalColumn([1n, -2n, 3n], 10, 1);
    expect(texts(decimals.slice(1, 2))).toEqual(['"-0.2"', '"0.3"']);
    const struct = column([{ a: 1 }, null, { a: 3 }], new arrow.Struct([new arrow.Field('a', new arrow.Int32(), true)]));
    expect(texts(struct.slice(1, 2))).toEqual(['null', '{"a":3}']);
  });

  it('writes dictionary-encoded strings through their dictionary', () => {
    const dictionary = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    const data = column(['AAPL', 'MSFT', 'AAPL', null, 'MSFT'], dictionary);
    expect(texts(data)).toEqual(['"AAPL"', '"MSFT"', '"AAPL"', 'null', '"MSFT"']);
  });

  it('writes an all-null Null column', () => {
    expect(texts(column([null, null], new arrow.Null()))).toEqual(['null', 'null']);
  });

  it('turns a batch into rows of values', () => {
    const batch = batchOf({ id: column([1n, 2n], new arrow.Int64()), name: column(['a', null], new arrow.Utf8()) });
    expect(jsonRows(batch)).toEqual([[1, 'a'], [2, null]]);
  });
});
