import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { CopyOptions } from '../../../planner/index.js';
import { parseText } from '../../../executor/kernels/cast.js';
import { dataFromValues, type ScalarValue } from '../../../executor/arrow/scalar.js';
import { jsonRows } from '../../encode/index.js';
import { CopyInParser, parseCopyData } from '../copy-in.js';

// The incremental COPY parser: every split point of an input reads the same as the whole
// input (lines, escapes, CSV quotes and CRLFs cut anywhere), batches are cut at the batch size
// with line numbers that keep counting across them, and the typed fast paths agree with the
// cast rules (`'…'::type`) value for value.

const TEXT: CopyOptions = { format: 'text', header: false, delimiter: '\t', null: '\\N', quote: '"', escape: '"' };
const CSV: CopyOptions = { format: 'csv', header: true, delimiter: ',', null: '', quote: '"', escape: '"' };

const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64()),
  new arrow.Field('s', new arrow.Utf8()),
  new arrow.Field('x', new arrow.Float64()),
  new arrow.Field('d', new arrow.DateDay()),
  new arrow.Field('price', new arrow.Decimal(2, 10, 128)),
  new arrow.Field('ts', new arrow.TimestampMicrosecond('UTC')),
  new arrow.Field('ok', new arrow.Bool()),
]);

const TEXT_INPUT = [
  '1\tplain\t1.5\t2024-01-02\t189.50\t2024-01-02 10:00:00\tt',
  '-2\ttab\\there \\\\ back\\nline\t-0.25\t2000-02-29\t-1.05\t2024-01-02 10:00:00.123456\tfalse',
  '9007199254740993\t\\N\t1e300\t\\N\t12345678.9\t2024-01-02T10:00:00+02:00\t\\N',
  '3\tcaf\\303\\251 \\x41\t\\N\t1999-12-31\t0.1\t\\N\tyes',
  '4\t\u00e9t\u00e9 \u{1F600}\t3\t2024-12-31\t7\t1970-01-01 00:00:00.5\toff',
].join('\n') + '\r\n\\.\nignored\trow\n';

const CSV_INPUT = 'id,s,x,d,price,ts,ok\r\n' + [
  '1,"a,""b""\r\nc",1.5,2024-01-02,189.50,2024-01-02 10:00:00,t',
  '2,,2.5,2024-01-03,1,,f',
  '3,"",-1,2024-01-04,2.25,2024-01-02 10:00:00.5,true',
  '4,x""y,0.1,2024-01-05,3,1970-01-01 00:00:00,0',
].join('\r\n') + '\n';

function allSplits(input: string, options: CopyOptions): unknown[][] {
  const bytes = Buffer.from(input);
  const whole = parseCopyData(bytes, schema, options).flatMap((b) => jsonRows(b));
  for (let at = 0; at <= bytes.length; at++) {
    const parser = new CopyInParser(schema, options);
    const batches = [...parser.push(bytes.subarray(0, at)), ...parser.push(bytes.subarray(at)), ...parser.end()];
    expect(batches.flatMap((b) => jsonRows(b)), `split at byte ${at}`).toEqual(whole);
  }
  // and byte by byte
  const parser = new CopyInParser(schema, options);
  const batches = [];
  for (let at = 0; at < bytes.length; at++) batches.push(...parser.push(bytes.subarray(at, at + 1)));
  batches.push(...parser.end());
  expect(batches.flatMap((b) => jsonRows(b))).toEqual(whole);
  return whole;
}

describe('COPY FROM STDIN, parsed incrementally', () => {
  it('reads text format the same at every split point', () => {
    expect(allSplits(TEXT_INPUT, TEXT)).toEqual([
      [1, 'plain', 1.5, '2024-01-02', '189.50', '2024-01-02T10:00:00.000000Z', true],
      [-2, 'tab\there \\ back\nline', -0.25, '2000-02-29', '-1.05', '2024-01-02T10:00:00.123456Z', false],
      ['9007199254740993', null, 1e300, null, '12345678.90', '2024-01-02T08:00:00.000000Z', null],
      [3, 'café A', null, '1999-12-31', '0.10', null, true],
      [4, 'été \u{1F600}', 3, '2024-12-31', '7.00', '1970-01-01T00:00:00.500000Z', false],
    ]);
  });

  it('reads CSV (header, quoted delimiters, doubled quotes, CRLF inside quotes) the same at every split point', () => {
    expect(allSplits(CSV_INPUT, CSV)).toEqual([
      [1, 'a,"b"\r\nc', 1.5, '2024-01-02', '189.50', '2024-01-02T10:00:00.000000Z', true],
      [2, null, 2.5, '2024-01-03', '1.00', null, false],
      [3, '', -1, '2024-01-04', '2.25', '2024-01-02T10:00:00.500000Z', true],
      [4, 'xy', 0.1, '2024-01-05', '3.00', '1970-01-01T00:00:00.000000Z', false],
    ]);
  });

  it('cuts batches at the batch size and keeps counting lines across them', () => {
    const small = new arrow.Schema([new arrow.Field('n', new arrow.Int32())]);
    const parser = new CopyInParser(small, TEXT, 3);
    const lines = Array.from({ length: 8 }, (_, i) => String(i)).join('\n') + '\n';
    const batches = [...parser.push(Buffer.from(lines)), ...parser.end()];
    expect(batches.map((b) => b.numRows)).toEqual([3, 3, 2]);
    expect(batches.flatMap((b) => jsonRows(b))).toEqual([[0], [1], [2], [3], [4], [5], [6], [7]]);
    const bad = new CopyInParser(small, TEXT, 3);
    bad.push(Buffer.from('1\n2\n3\n4\n'));
    expect(() => bad.push(Buffer.from('5\nx\n'))).toThrow(expect.objectContaining({ sqlstate: '22P02', message: 'invalid input syntax for type integer: "x"', detail: 'COPY line 6, column n: "x"' }));
  });

  it('reports errors with PostgreSQL codes and the line (header counted) and column', () => {
    const csvSchema = new arrow.Schema([new arrow.Field('a', new arrow.Int32()), new arrow.Field('b', new arrow.Utf8())]);
    expect(() => parseCopyData(Buffer.from('a,b\n1,x\n2\n'), csvSchema, CSV)).toThrow(expect.objectContaining({ sqlstate: '22P04', message: 'missing data for column "b"', detail: 'COPY line 3' }));
    expect(() => parseCopyData(Buffer.from('a,b\n1,x,y\n'), csvSchema, CSV)).toThrow(expect.objectContaining({ sqlstate: '22P04', message: 'extra data after last expected column', detail: 'COPY line 2' }));
    expect(() => parseCopyData(Buffer.from('a,b\n1,"open\n'), csvSchema, CSV)).toThrow(expect.objectContaining({ sqlstate: '22P04', message: 'unterminated CSV quoted field' }));
    expect(() => parseCopyData(Buffer.from('3000000000\tx\n'), csvSchema, TEXT)).toThrow(expect.objectContaining({ sqlstate: '22003', message: 'value "3000000000" is out of range for type integer', detail: 'COPY line 1, column a: "3000000000"' }));
    expect(() => parseCopyData(Buffer.from([0x31, 0x09, 0x61, 0xff, 0x0a]), csvSchema, TEXT)).toThrow(expect.objectContaining({ sqlstate: '22021', message: 'invalid byte sequence for encoding "UTF8": 0xff', detail: 'COPY line 1' }));
    const dates = new arrow.Schema([new arrow.Field('d', new arrow.DateDay())]);
    expect(() => parseCopyData(Buffer.from('2023-02-29\n'), dates, TEXT)).toThrow(expect.objectContaining({ sqlstate: '22008', detail: 'COPY line 1, column d: "2023-02-29"' }));
  });

  it('decodes values on the fast paths exactly as the cast rules do', () => {
    const cases: [arrow.DataType, string[]][] = [
      [new arrow.Int16(), ['0', '-32768', '32767', '+12', '007']],
      [new arrow.Int32(), ['2147483647', '-2147483648', ' 5 ', '12']],
      [new arrow.Int64(), ['9007199254740991', '-9007199254740992', '9223372036854775807', '-1', '123456789012345']],
      [new arrow.Float64(), ['0.1', '0.3', '123456789.123456', '-0', '1e-7', '.5', '5.', 'NaN', '-Infinity', '0.000000000000001', '999999999999999']],
      [new arrow.Float32(), ['0.1', '3.4028235e38', '16777217']],
      [new arrow.Decimal(4, 18, 128), ['1.2345', '-0.0001', '99999999999999.9999', '-12', '0.00005']],
      [new arrow.Decimal(0, 38, 128), ['12345678901234567890123456789012345678', '-1']],
      [new arrow.Bool(), ['t', 'f', 'true', 'false', 'TRUE', 'yes', 'off', '0', ' t ']],
      [new arrow.DateDay(), ['1970-01-01', '2000-02-29', '1900-03-01', '0001-01-01', '2024-01-02 11:00']],
      [new arrow.TimestampMicrosecond(), ['2024-01-02 10:00:00', '2024-01-02T23:59:59.999999', '1969-12-31 23:59:59.9', '2024-01-02 24:00:00', '2024-01-02']],
    ];
    for (const [type, values] of cases) {
      const one = new arrow.Schema([new arrow.Field('v', type)]);
      const rows = parseCopyData(Buffer.from(values.join('\n') + '\n'), one, TEXT).flatMap((b) => jsonRows(b));
      const viaCast = values.map((v) => [jsonOf(type, parseText(v, type))]);
      expect(rows, String(type)).toEqual(viaCast);
    }
  });
});

/** A value from the cast rules, encoded as the JSON encoder writes it (through `dataFromValues`). */
function jsonOf(type: arrow.DataType, value: ScalarValue): unknown {
  const one = new arrow.Schema([new arrow.Field('v', type)]);
  const struct = arrow.makeData({ type: new arrow.Struct(one.fields), length: 1, nullCount: 0, children: [dataFromValues(type, [value])] });
  return jsonRows(new arrow.RecordBatch(one, struct))[0]![0];
}
