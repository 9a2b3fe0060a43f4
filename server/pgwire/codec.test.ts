import * as arrow from 'apache-arrow';
import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { encodeDataRow, encodeRowDescription } from './backend/rows.js';
import { encodeCommandComplete, encodeParameterStatus, encodeReadyForQuery } from './backend/session-messages.js';
import { encodeErrorResponse } from './error-response.js';
import { FrameReader } from './frame-reader.js';
import { parseFrontend, parseStartup, type FrontendMessage } from './frontend/index.js';
import { binaryParamToText, numericBytes } from './binary-values.js';
import { encodeRows } from './result-rows.js';

/** Feeds `bytes` whole, and split at the front, middle and end; every split must give the same messages. */
function splits(bytes: Buffer): Buffer[][] {
  const at = [1, Math.floor(bytes.length / 2), bytes.length - 1];
  return [[bytes], ...at.map((k) => [bytes.subarray(0, k), bytes.subarray(k)])];
}

function readAll(chunks: Buffer[]): FrontendMessage[] {
  const reader = new FrameReader();
  reader.startupDone();
  return chunks.flatMap((c) => reader.push(c)).map(parseFrontend);
}

describe('frontend messages, byte-exact', () => {
  const cases: [string, Buffer, FrontendMessage][] = [
    ['Query', Buffer.from('510000000d73656c6563742031' + '00', 'hex'), { kind: 'query', sql: 'select 1' }],
    ['Sync', Buffer.from('5300000004', 'hex'), { kind: 'sync' }],
    ['Parse', serialize.parse({ name: 's1', text: 'select $1', types: [23] }), { kind: 'parse', name: 's1', sql: 'select $1', paramTypes: [23] }],
    ['Execute', serialize.execute({ portal: 'p', rows: 5 }), { kind: 'execute', portal: 'p', maxRows: 5 }],
    ['Describe', serialize.describe({ type: 'S', name: 'st' }), { kind: 'describe', target: 'statement', name: 'st' }],
    ['Close', serialize.close({ type: 'P', name: '' }), { kind: 'close', target: 'portal', name: '' }],
  ];
  for (const [name, bytes, expected] of cases) {
    it(`${name} parses whole and split at front, middle and end`, () => {
      for (const chunks of splits(bytes)) expect(readAll(chunks)).toEqual([expected]);
    });
  }

  it('Bind carries text and binary parameters, NULLs and result formats', () => {
    const bytes = serialize.bind({ portal: 'p', statement: 's', values: ['abc', null, Buffer.from([0, 0, 0, 7])], valueMapper: (v) => v, binary: true });
    for (const chunks of splits(bytes)) {
      const [m] = readAll(chunks);
      expect(m).toMatchObject({ kind: 'bind', portal: 'p', statement: 's', paramFormats: [0, 0, 1], resultFormats: [1] });
      const params = (m as { params: (Buffer | null)[] }).params;
      expect(params.map((p) => p?.toString('hex') ?? null)).toEqual(['616263', null, '00000007']);
    }
  });

  it('several messages in one chunk come out in order', () => {
    const bytes = Buffer.concat([serialize.query('select 1'), serialize.sync(), serialize.flush(), serialize.end()]);
    expect(readAll([bytes]).map((m) => m.kind)).toEqual(['query', 'sync', 'flush', 'terminate']);
    expect(readAll([bytes.subarray(0, 3), bytes.subarray(3, 20), bytes.subarray(20)]).map((m) => m.kind)).toEqual(['query', 'sync', 'flush', 'terminate']);
  });

  it('a StartupMessage parses its parameters, split anywhere', () => {
    const bytes = serialize.startup({ user: 'alice', database: 'db', options: '-c search_path=x' });
    for (const chunks of splits(bytes)) {
      const reader = new FrameReader();
      const frames = chunks.flatMap((c) => reader.push(c));
      expect(frames).toHaveLength(1);
      const m = parseStartup(frames[0]!.body);
      expect(m.kind).toBe('startup');
      expect(Object.fromEntries((m as { parameters: Map<string, string> }).parameters)).toEqual({ user: 'alice', database: 'db', options: '-c search_path=x', client_encoding: 'UTF8' });
    }
  });

  it('SSLRequest and CancelRequest are recognised', () => {
    const reader = new FrameReader();
    expect(parseStartup(reader.push(Buffer.from('0000000804d2162f', 'hex'))[0]!.body)).toEqual({ kind: 'sslRequest' });
    expect(parseStartup(new FrameReader().push(Buffer.from('0000001004d2162e0000007b000001c8', 'hex'))[0]!.body)).toEqual({ kind: 'cancelRequest', processId: 123, secretKey: 456 });
  });

  it('an oversized or negative length is 08P01', () => {
    const reader = new FrameReader(1024);
    reader.startupDone();
    const err = (() => { try { reader.push(Buffer.from('5100100000', 'hex')); } catch (e) { return e as SqlError; } })();
    expect(err?.sqlstate).toBe('08P01');
    expect(err?.message).toBe('message of 1048576 bytes exceeds the limit of 1024');
    expect(() => reader.push(Buffer.from('5100000002', 'hex'))).toThrow('invalid message length 2');
  });

  it('an unknown code or a truncated body is 08P01', () => {
    expect(() => readAll([Buffer.from('7a00000004', 'hex')])).toThrow("unknown message type 0x7a ('z')");
    expect(() => readAll([Buffer.from('5100000006' + '6162', 'hex')])).toThrow('a string is missing its terminator');
    expect(() => readAll([Buffer.from('4500000006' + '0000', 'hex')])).toThrow('the message ends too early');
  });
});

describe('backend messages, byte-exact', () => {
  it('ReadyForQuery, CommandComplete, ParameterStatus', () => {
    expect(encodeReadyForQuery('I').toString('hex')).toBe('5a0000000549');
    expect(encodeCommandComplete('SELECT 1').toString('hex')).toBe('430000000d' + Buffer.from('SELECT 1\0').toString('hex'));
    expect(encodeParameterStatus('a', 'b').toString('hex')).toBe('5300000008' + '610062' + '00');
  });

  it('RowDescription and DataRow', () => {
    const rd = encodeRowDescription([{ name: 'x', tableOid: 0, columnNumber: 0, typeOid: 23, typeSize: 4, typeModifier: -1, format: 0 }]);
    expect(rd.toString('hex')).toBe('540000001a0001' + '7800' + '00000000' + '0000' + '00000017' + '0004' + 'ffffffff' + '0000');
    expect(encodeDataRow([Buffer.from('1'), null]).toString('hex')).toBe('440000000f0002' + '0000000131' + 'ffffffff');
  });

  it('ErrorResponse writes S, V, C, M, D, H, P', () => {
    const err = new SqlError('42703', 'column "x" does not exist', { position: 8, hint: 'Perhaps you meant "y".', detail: 'd' });
    const body = encodeErrorResponse(err).subarray(5).toString('utf8').split('\0');
    expect(body).toEqual(['SERROR', 'VERROR', 'C42703', 'Mcolumn "x" does not exist', 'Dd', 'HPerhaps you meant "y".', 'P8', '', '']);
  });
});

describe('binary values', () => {
  it('numeric round-trips through numeric_send / numeric_recv', () => {
    for (const text of ['0', '1', '-1', '123.50', '10000', '0.0001', '-98765.4321', '12345678901234567890.123']) {
      expect(binaryParamToText(1700, numericBytes(text))).toBe(text);
    }
    // PostgreSQL's own bytes for 123.50: ndigits 2, weight 0, positive, dscale 2, [123, 5000]
    expect(numericBytes('123.50').toString('hex')).toBe('0002' + '0000' + '0000' + '0002' + '007b' + '1388');
  });

  it('binary parameters become text literals', () => {
    expect(binaryParamToText(23, Buffer.from([0, 0, 1, 0]))).toBe('256');
    expect(binaryParamToText(20, Buffer.from('fffffffffffffffe', 'hex'))).toBe('-2');
    expect(binaryParamToText(1082, Buffer.from('00000000', 'hex'))).toBe('2000-01-01');
    expect(binaryParamToText(1114, Buffer.from('0000000000000001', 'hex'))).toBe('2000-01-01 00:00:00.000001');
    expect(() => binaryParamToText(23, Buffer.from([1]))).toThrow('incorrect binary data format');
    // int4[] {1,NULL,3} and text[] {"a b",c} as array_send writes them
    const ints = Buffer.from('00000001' + '00000001' + '00000017' + '00000003' + '00000001' + '00000004' + '00000001' + 'ffffffff' + '00000004' + '00000003', 'hex');
    expect(binaryParamToText(1007, ints)).toBe('{1,NULL,3}');
    const texts = Buffer.from('00000001' + '00000000' + '00000019' + '00000002' + '00000001' + '00000003' + '612062' + '00000001' + '63', 'hex');
    expect(binaryParamToText(1009, texts)).toBe('{"a b",c}');
  });
});

describe('encodeRows', () => {
  it('writes text values as UTF-8 byte-exact, ASCII and not, short and long, like encodeDataRow', () => {
    const texts = ['', 'abc', 'é', 'naïve café', 'x'.repeat(48), 'y'.repeat(49), 'ascii then 😀', '日本語'.repeat(20), null];
    const batch = new arrow.RecordBatch({ s: arrow.vectorFromArray(texts, new arrow.Utf8()) });
    const expected = Buffer.concat(texts.map((t) => encodeDataRow([t === null ? null : Buffer.from(t, 'utf8')])));
    expect(encodeRows(batch, []).equals(expected)).toBe(true);
    expect(encodeRows(batch, [], 5, 7).equals(Buffer.concat([encodeDataRow([Buffer.from('y'.repeat(49))]), encodeDataRow([Buffer.from('ascii then 😀')])]))).toBe(true);
  });
});
