import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { batchesOf, batchOf, collect, column, dateColumn, decimalColumn, timestampColumn } from '../testing/arrow-fixtures.js';
import { csvField, encodeCsv } from './csv.js';
import { encodeJson } from './json.js';
import { encodeNdjson } from './ndjson.js';
import { pgTypeName } from './pg-types.js';
import { encodeTable } from './table.js';
import { textWriter } from './text-values.js';

const ints = new arrow.List(new arrow.Field('element', new arrow.Int32(), true));
const entries = new arrow.Struct([new arrow.Field('key', new arrow.Utf8(), false), new arrow.Field('value', new arrow.Int32(), true)]);
const mapType = new arrow.Map_(new arrow.Field('entries', entries, false));

function sample(): arrow.RecordBatch {
  return batchOf({
    id: column([1n, 2n ** 60n, null], new arrow.Int64()),
    name: column(['a', 'say "hi", then\nleave', null], new arrow.Utf8()),
    price: decimalColumn([12350n, -5n, null], 10, 2),
    ts: timestampColumn([1_609_495_200_000_000n, -1n, null]),
    tags: column([[1, 2], [], null], ints),
  });
}

function result(...batches: arrow.RecordBatch[]) {
  return { schema: batches[0]!.schema, batches: batchesOf(...batches) };
}

describe('PostgreSQL type names', () => {
  it.each([
    [new arrow.Bool(), 'bool'],
    [new arrow.Int8(), 'int2'],
    [new arrow.Int16(), 'int2'],
    [new arrow.Int32(), 'int4'],
    [new arrow.Int64(), 'int8'],
    [new arrow.Float32(), 'float4'],
    [new arrow.Float64(), 'float8'],
    [new arrow.Decimal(2, 10, 128), 'numeric'],
    [new arrow.Utf8(), 'text'],
    [new arrow.Binary(), 'bytea'],
    [new arrow.DateDay(), 'date'],
    [new arrow.TimestampMicrosecond('UTC'), 'timestamptz'],
    [new arrow.TimestampMicrosecond(null), 'timestamp'],
    [new arrow.Struct([new arrow.Field('a', new arrow.Int32())]), 'json'],
    [mapType, 'json'],
    [ints, 'int4[]'],
    [new arrow.List(new arrow.Field('element', ints)), 'int4[][]'],
    [new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()), 'text'],
  ])('%s is %s', (type, name) => {
    expect(pgTypeName(type)).toBe(name);
  });
});

describe('json document', () => {
  it('has columns with PostgreSQL types, rows as arrays and rowCount, across batches', async () => {
    const text = await collect(encodeJson(result(sample(), sample().slice(0, 1))));
    expect(JSON.parse(text)).toEqual({
      columns: [
        { name: 'id', type: 'int8' },
        { name: 'name', type: 'text' },
        { name: 'price', type: 'numeric' },
        { name: 'ts', type: 'timestamptz' },
        { name: 'tags', type: 'int4[]' },
      ],
      rows: [
        [1, 'a', '123.50', '2021-01-01T10:00:00.000000Z', [1, 2]],
        ['1152921504606846976', 'say "hi", then\nleave', '-0.05', '1969-12-31T23:59:59.999999Z', []],
        [null, null, null, null, null],
        [1, 'a', '123.50', '2021-01-01T10:00:00.000000Z', [1, 2]],
      ],
      rowCount: 4,
    });
  });

  it('is a valid document for an empty result', async () => {
    const empty = sample().slice(0, 0);
    const text = await collect(encodeJson(result(empty)));
    expect(JSON.parse(text)).toEqual({ columns: expect.any(Array), rows: [], rowCount: 0 });
  });

  it('streams one chunk per batch', async () => {
    const chunks: string[] = [];
    for await (const chunk of encodeJson(result(sample(), sample()))) chunks.push(chunk);
    expect(chunks).toHaveLength(4); // header, two batches, rowCount
  });
});

describe('ndjson', () => {
  it('writes one object per row keyed by column name', async () => {
    const text = await collect(encodeNdjson(result(sample())));
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { id: 1, name: 'a', price: '123.50', ts: '2021-01-01T10:00:00.000000Z', tags: [1, 2] },
      { id: '1152921504606846976', name: 'say "hi", then\nleave', price: '-0.05', ts: '1969-12-31T23:59:59.999999Z', tags: [] },
      { id: null, name: null, price: null, ts: null, tags: null },
    ]);
  });
});

describe('csv', () => {
  it('writes a header and RFC 4180 records with PostgreSQL text values, NULL empty', async () => {
    const text = await collect(encodeCsv(result(sample())));
    expect(text).toBe(
      'id,name,price,ts,tags\r\n' +
        '1,a,123.50,2021-01-01 10:00:00+00,"{1,2}"\r\n' +
        '1152921504606846976,"say ""hi"", then\nleave",-0.05,1969-12-31 23:59:59.999999+00,{}\r\n' +
        ',,,,\r\n',
    );
  });

  it.each([
    ['plain', 'plain'],
    ['', '""'],
    ['a,b', '"a,b"'],
    ['say "x"', '"say ""x"""'],
    ['line\r\nbreak', '"line\r\nbreak"'],
    [' padded', '" padded"'],
  ])('quotes %j as %j', (value, quoted) => {
    expect(csvField(value)).toBe(quoted);
  });

  it('quotes a header name that needs it', async () => {
    const batch = batchOf({ 'a,b': column([1], new arrow.Int32()) });
    expect(await collect(encodeCsv(result(batch)))).toBe('"a,b"\r\n1\r\n');
  });
});

describe('PostgreSQL text values', () => {
  function texts(data: arrow.Data): (string | null)[] {
    const write = textWriter(data);
    return Array.from({ length: data.length }, (_, i) => write(i));
  }

  it('covers every type', () => {
    expect(texts(column([true, false, null], new arrow.Bool()))).toEqual(['t', 'f', null]);
    expect(texts(column([-128, null], new arrow.Int8()))).toEqual(['-128', null]);
    expect(texts(column([2n ** 63n - 1n], new arrow.Int64()))).toEqual(['9223372036854775807']);
    expect(texts(column([0.234, NaN, -Infinity], new arrow.Float32()))).toEqual(['0.234', 'NaN', '-Infinity']);
    expect(texts(column([1e20, 0.5], new arrow.Float64()))).toEqual(['1e+20', '0.5']);
    expect(texts(decimalColumn([-(2n ** 80n)], 38, 4))).toEqual(['-120892581961462917470.6176']);
    expect(texts(column([Uint8Array.of(0xde, 0xad)], new arrow.Binary()))).toEqual(['\\xdead']);
    expect(texts(dateColumn([-1, -719_163]))).toEqual(['1969-12-31', '0001-12-31 BC']);
    expect(texts(timestampColumn([1_500_000n, -1n], null))).toEqual(['1970-01-01 00:00:01.5', '1969-12-31 23:59:59.999999']);
    expect(texts(column([{ a: 1, b: 'x' }], new arrow.Struct([new arrow.Field('a', new arrow.Int32()), new arrow.Field('b', new arrow.Utf8())])))).toEqual(['{"a":1,"b":"x"}']);
    expect(texts(column([new Map([['k', 1]])], mapType))).toEqual(['[["k",1]]']);
  });

  it('writes arrays as PostgreSQL array literals', () => {
    const strings = new arrow.List(new arrow.Field('element', new arrow.Utf8(), true));
    expect(texts(column([['a', 'b c', '', 'null', 'q"\\', null]], strings))).toEqual(['{a,"b c","","null","q\\"\\\\",NULL}']);
    expect(texts(column([[[1, 2], [3]]], new arrow.List(new arrow.Field('element', ints, true))))).toEqual(['{{1,2},{3}}']);
  });
});

describe('table', () => {
  it('aligns like psql: centred names, numbers right, text left, NULL blank, row footer', async () => {
    const batch = batchOf({
      id: column([1, 22, null], new arrow.Int32()),
      letter: column(['a', null, 'ccc'], new arrow.Utf8()),
    });
    expect(await collect(encodeTable(result(batch)))).toBe(
      [' id | letter', '----+--------', '  1 | a', ' 22 |', '    | ccc', '(3 rows)', ''].join('\n'),
    );
  });

  it('says (1 row) and (0 rows)', async () => {
    const batch = batchOf({ x: column([1], new arrow.Int32()) });
    expect(await collect(encodeTable(result(batch)))).toMatch(/\(1 row\)\n$/);
    expect(await collect(encodeTable(result(batch.slice(0, 0))))).toBe(' x\n---\n(0 rows)\n');
  });

  it('marks values that continue on the next line with +', async () => {
    const batch = batchOf({ a: column(['one\ntwo', 'x'], new arrow.Utf8()), b: column([1, 2], new arrow.Int32()) });
    expect(await collect(encodeTable(result(batch)))).toBe(['  a  | b', '-----+---', ' one+| 1', ' two |', ' x   | 2', '(2 rows)', ''].join('\n'));
  });

  it('buffers at most bufferRows rows, then streams with the widths it has', async () => {
    const first = batchOf({ v: column(['a', 'b'], new arrow.Utf8()) });
    const second = batchOf({ v: column(['longer'], new arrow.Utf8()) });
    const chunks: string[] = [];
    for await (const chunk of encodeTable(result(first, second), { bufferRows: 2 })) chunks.push(chunk);
    expect(chunks[0]).toBe(' v\n---\n a\n b\n');
    expect(chunks.join('')).toBe(' v\n---\n a\n b\n longer\n(3 rows)\n');
  });
});

describe('intervals', () => {
  it('print as PostgreSQL prints them, in text and (as a string) in JSON', async () => {
    const { intervalData } = await import('../../executor/kernels/interval.js');
    const { textWriter } = await import('./text-values.js');
    const { jsonWriter } = await import('./json-values.js');
    const data = intervalData([0, 1, 0], [2, 2, -1], [1_800_000_000n, 0n, 7_200_000_000n], null);
    const text = textWriter(data);
    expect([0, 1, 2].map((i) => text(i))).toEqual(['2 days 00:30:00', '1 mon 2 days', '-1 days +02:00:00']);
    expect(jsonWriter(data)(0)).toBe('"2 days 00:30:00"');
  });
});
