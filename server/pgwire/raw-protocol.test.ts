import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { CORPUS } from '../testing/cli.js';
import { startPgServer, type PgServer } from './server.js';
import { RawClient, serialize } from './testing/raw-client.js';

// The protocol's corners driven byte by byte against a real listening server over the corpus.

let server: PgServer;
const logged: string[] = [];
beforeAll(async () => {
  server = await startPgServer({ catalog: new Warehouse(CORPUS), port: 0, maxMessageBytes: 1 << 20, log: (m) => logged.push(m) });
});
afterAll(async () => {
  await server.close();
});

type Msg = Record<string, unknown> & { name: string };

describe('startup', () => {
  it('answers SSLRequest and GSSENCRequest with N, then starts normally', async () => {
    const c = await RawClient.connect(server.port);
    const answers: string[] = [];
    c.socket.once('data', (d: Buffer) => answers.push(d.toString()));
    c.socket.write(Buffer.from('0000000804d2162f', 'hex')); // SSLRequest
    await new Promise((r) => setTimeout(r, 100));
    c.socket.once('data', (d: Buffer) => answers.push(d.toString()));
    c.socket.write(Buffer.from('0000000804d21630', 'hex')); // GSSENCRequest
    await new Promise((r) => setTimeout(r, 100));
    expect(answers).toEqual(['N', 'N']);
    c.send(serialize.startup({ user: 'tester', database: 'db' }));
    await new Promise((r) => setTimeout(r, 300));
    // (pg-protocol's parser cannot follow the bare N bytes, so read the raw bytes) AuthenticationOk, …, ReadyForQuery I
    const bytes = Buffer.concat(c.received);
    expect(bytes.subarray(0, 11).toString('hex')).toBe('4e4e' + '520000000800000000');
    expect(bytes.subarray(-6).toString('hex')).toBe('5a0000000549');
    c.end();
  });

  it('sends AuthenticationOk, the ParameterStatus set, BackendKeyData and ReadyForQuery I', async () => {
    const c = await RawClient.started(server.port, { application_name: 'raw', options: '-c search_path=foo -c extra_float_digits=3' });
    const names = c.names();
    expect(names[0]).toBe('authenticationOk');
    expect(names.slice(-2)).toEqual(['backendKeyData', 'readyForQuery']);
    const ps = Object.fromEntries((c.messages.filter((m) => m.name === 'parameterStatus') as unknown as { parameterName: string; parameterValue: string }[]).map((m) => [m.parameterName, m.parameterValue]));
    expect(ps).toMatchObject({ application_name: 'raw', client_encoding: 'UTF8', DateStyle: 'ISO, MDY', integer_datetimes: 'on', standard_conforming_strings: 'on', TimeZone: 'UTC', session_authorization: 'tester' });
    expect(ps.server_version).toMatch(/^15\./);
    const from = c.messages.length;
    c.send(serialize.query('SHOW search_path; SHOW extra_float_digits'));
    const out = (await c.until('readyForQuery', from)) as unknown as Msg[];
    expect(out.filter((m) => m.name === 'dataRow').map((m) => m.fields)).toEqual([['foo'], ['3']]);
    c.end();
  });

  it('a SET of a reported setting re-sends its ParameterStatus', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(serialize.query("SET application_name = 'later'"));
    const out = (await c.until('readyForQuery', from)) as unknown as Msg[];
    expect(out.map((m) => m.name)).toEqual(['commandComplete', 'parameterStatus', 'readyForQuery']);
    expect(out[1]).toMatchObject({ parameterName: 'application_name', parameterValue: 'later' });
    c.end();
  });
});

describe('simple query', () => {
  it('an empty query answers EmptyQueryResponse', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(serialize.query('  -- nothing\n'));
    expect((await c.until('readyForQuery', from)).map((m) => m.name)).toEqual(['emptyQuery', 'readyForQuery']);
    c.end();
  });

  it('runs each statement of a string in turn and stops at the first error, position counted in the whole string', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(serialize.query('SELECT 1 AS a; SELECT nope FROM simple_table; SELECT 3'));
    const out = (await c.until('readyForQuery', from)) as unknown as Msg[];
    expect(out.map((m) => m.name)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'error', 'readyForQuery']);
    expect(out[3]).toMatchObject({ code: '42703', message: 'column "nope" does not exist', position: '23', severity: 'ERROR' });
    c.end();
  });

  it('RowDescription carries type OIDs and sizes', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(serialize.query('SELECT as_int, as_long, as_short, as_boolean, as_float, as_double, as_string, as_binary, as_big_decimal FROM "data-reader-primitives" WHERE as_int = 1'));
    const out = (await c.until('readyForQuery', from)) as unknown as Msg[];
    const fields = (out[0] as unknown as { fields: { name: string; dataTypeID: number; dataTypeSize: number }[] }).fields;
    expect(fields.map((f) => [f.name, f.dataTypeID, f.dataTypeSize])).toEqual([
      ['as_int', 23, 4], ['as_long', 20, 8], ['as_short', 21, 2], ['as_boolean', 16, 1], ['as_float', 700, 4],
      ['as_double', 701, 8], ['as_string', 25, -1], ['as_binary', 17, -1], ['as_big_decimal', 1700, -1],
    ]);
    expect(out[1]).toMatchObject({ fields: ['1', '1', '1', 'f', '1', '1', '1', '\\x0101', '1'] });
    expect(out[2]).toMatchObject({ text: 'SELECT 1' });
    c.end();
  });

  it('BEGIN / error / ROLLBACK report T, E, I in ReadyForQuery', async () => {
    const c = await RawClient.started(server.port);
    const status = async (sql: string): Promise<unknown> => {
      const from = c.messages.length;
      c.send(serialize.query(sql));
      const out = await c.until('readyForQuery', from);
      return (out[out.length - 1] as unknown as { status: string }).status;
    };
    expect(await status('BEGIN')).toBe('T');
    expect(await status('SELECT nope')).toBe('E');
    expect(await status('SELECT 1')).toBe('E');
    expect(await status('ROLLBACK')).toBe('I');
    c.end();
  });
});

describe('cursors', () => {
  it('FETCH from a BINARY cursor sends binary rows over the simple protocol', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(serialize.query('BEGIN; DECLARE b BINARY CURSOR FOR SELECT id FROM simple_table ORDER BY id; FETCH 2 FROM b; COMMIT'));
    const out = (await c.until('readyForQuery', from)) as unknown as Msg[];
    expect(out.filter((m) => m.name === 'commandComplete').map((m) => m.text)).toEqual(['BEGIN', 'DECLARE CURSOR', 'FETCH 2', 'COMMIT']);
    expect((out.find((m) => m.name === 'rowDescription') as unknown as { fields: { format: string }[] }).fields[0]?.format).toBe('binary');
    expect(c.dataRows().map((r) => r[0]?.toString('hex'))).toEqual(['0000000000000005', '0000000000000007']);
    c.end();
  });
});

describe('extended query', () => {
  it('answers a pipelined Parse/Bind/Describe/Execute/Sync in one write, and two pipelined queries in order', async () => {
    const c = await RawClient.started(server.port);
    const query = (n: number) => [
      serialize.parse({ text: 'SELECT id FROM simple_table WHERE id = $1' }), serialize.bind({ values: [String(n)] }),
      serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync(),
    ];
    c.send(Buffer.concat(query(4))); // warm: the file's columns are cached, no disk wait mid-answer
    await c.until('readyForQuery', c.messages.length);
    const chunks: Buffer[] = [];
    c.socket.on('data', (d: Buffer) => chunks.push(d));
    const from = c.messages.length;
    c.send(Buffer.concat(query(5)));
    const out = (await c.until('readyForQuery', from)) as unknown as Msg[];
    expect(out.map((m) => m.name)).toEqual(['parseComplete', 'bindComplete', 'rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
    expect(out[3]).toMatchObject({ fields: ['5'] });
    // one TCP write for the whole answer (not one per message): it arrives as one chunk on loopback
    expect(chunks.length).toBe(1);
    // two queries pipelined: two complete answers, in order
    const at = c.messages.length;
    c.send(Buffer.concat([...query(7), ...query(9)]));
    const first = await c.until('readyForQuery', at);
    const both = [...first, ...(await c.until('readyForQuery', at + first.length))] as unknown as Msg[];
    expect(both.map((m) => m.name)).toEqual([...out.map((m) => m.name), ...out.map((m) => m.name)]);
    expect(both.filter((m) => m.name === 'dataRow').map((m) => m.fields)).toEqual([['7'], ['9']]);
    c.end();
  });

  it('Execute with a row limit suspends the portal and resumes it where it stopped', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(Buffer.concat([
      serialize.parse({ text: 'SELECT as_int FROM "data-reader-primitives" WHERE as_int IS NOT NULL ORDER BY as_int' }),
      serialize.bind({}),
      serialize.describe({ type: 'P' }),
      serialize.execute({ rows: 4 }),
      serialize.execute({ rows: 4 }),
      serialize.execute({ rows: 4 }),
      serialize.sync(),
    ]));
    const out = (await c.until('readyForQuery', from)) as unknown as Msg[];
    expect(out.map((m) => m.name)).toEqual([
      'parseComplete', 'bindComplete', 'rowDescription',
      'dataRow', 'dataRow', 'dataRow', 'dataRow', 'portalSuspended',
      'dataRow', 'dataRow', 'dataRow', 'dataRow', 'portalSuspended',
      'dataRow', 'dataRow', 'commandComplete', 'readyForQuery',
    ]);
    // PostgreSQL counts the rows of the last Execute only
    expect(out.filter((m) => m.name === 'dataRow').map((m) => (m.fields as string[])[0])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(out[15]).toMatchObject({ text: 'SELECT 2' });
    // a limit met exactly suspends (no peeking, as PostgreSQL); the next Execute completes with 0
    const at = c.messages.length;
    c.send(Buffer.concat([serialize.parse({ text: 'SELECT id FROM simple_table' }), serialize.bind({}), serialize.execute({ rows: 3 }), serialize.execute({ rows: 3 }), serialize.sync()]));
    const again = (await c.until('readyForQuery', at)) as unknown as Msg[];
    expect(again.filter((m) => m.name !== 'dataRow').map((m) => m.text ?? m.name)).toEqual(['parseComplete', 'bindComplete', 'portalSuspended', 'SELECT 0', 'readyForQuery']);
    c.end();
  });

  it('an error discards messages until Sync, then the connection works again', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(Buffer.concat([
      serialize.parse({ text: 'SELECT nope' }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
      serialize.parse({ text: 'SELECT $1::int4 + 1 AS n', types: [23] }),
      serialize.bind({ values: ['41'] }),
      serialize.execute({}),
      serialize.sync(),
    ]));
    await c.until('readyForQuery', from);
    const first = c.messages.findIndex((m, i) => i >= from && m.name === 'readyForQuery');
    const out = (await c.until('readyForQuery', first + 1)) as unknown as Msg[];
    expect(c.names(from).slice(0, 2)).toEqual(['error', 'readyForQuery']);
    expect(out.map((m) => m.name)).toEqual(['parseComplete', 'bindComplete', 'dataRow', 'commandComplete', 'readyForQuery']);
    expect(out[2]).toMatchObject({ fields: ['42'] });
    c.end();
  });

  it('Describe statement gives ParameterDescription with inferred types, and NoData for commands', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(Buffer.concat([
      serialize.parse({ name: 's1', text: 'SELECT id, $2 AS t FROM simple_table WHERE id = $1' }),
      serialize.describe({ type: 'S', name: 's1' }),
      serialize.parse({ name: 's2', text: 'SET x.y = 1' }),
      serialize.describe({ type: 'S', name: 's2' }),
      serialize.sync(),
    ]));
    const out = (await c.until('readyForQuery', from)) as unknown as Msg[];
    expect(out.map((m) => m.name)).toEqual(['parseComplete', 'parameterDescription', 'rowDescription', 'parseComplete', 'parameterDescription', 'noData', 'readyForQuery']);
    expect(out[1]).toMatchObject({ dataTypeIDs: [20, 25] });
    c.end();
  });

  it('a named statement is reused; a duplicate name is 42P05; Close frees it', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(Buffer.concat([
      serialize.parse({ name: 'q', text: 'SELECT id FROM simple_table WHERE id > $1 ORDER BY id' }),
      serialize.bind({ statement: 'q', values: ['5'] }), serialize.execute({}),
      serialize.bind({ statement: 'q', values: ['7'] }), serialize.execute({}),
      serialize.close({ type: 'S', name: 'q' }),
      serialize.sync(),
      serialize.parse({ name: 'q', text: 'SELECT 1' }), serialize.parse({ name: 'q', text: 'SELECT 1' }), serialize.sync(),
    ]));
    await c.until('readyForQuery', from);
    const end = c.messages.findIndex((m, i) => i >= from && m.name === 'readyForQuery');
    const out = c.messages.slice(from, end + 1) as unknown as Msg[];
    expect(out.filter((m) => m.name === 'dataRow').map((m) => m.fields)).toEqual([['7'], ['9'], ['9']]);
    expect(out.filter((m) => m.name === 'commandComplete').map((m) => m.text)).toEqual(['SELECT 2', 'SELECT 1']);
    expect(out.some((m) => m.name === 'closeComplete')).toBe(true);
    const second = (await c.until('readyForQuery', end + 1)) as unknown as Msg[];
    expect(second.map((m) => m.name)).toEqual(['parseComplete', 'error', 'readyForQuery']);
    expect(second[1]).toMatchObject({ code: '42P05', message: 'prepared statement "q" already exists' });
    c.end();
  });

  it('Flush answers without a Sync; an empty statement executes as EmptyQueryResponse; SET re-sends ParameterStatus', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(Buffer.concat([serialize.parse({ text: '' }), serialize.flush()]));
    expect((await c.until('parseComplete', from)).map((m) => m.name)).toEqual(['parseComplete']);
    const at = c.messages.length;
    c.send(Buffer.concat([
      serialize.bind({}), serialize.execute({}),
      serialize.parse({ text: "SET application_name = 'ext'" }), serialize.bind({}), serialize.execute({}),
      serialize.sync(),
    ]));
    const out = (await c.until('readyForQuery', at)) as unknown as Msg[];
    expect(out.map((m) => m.name)).toEqual(['bindComplete', 'emptyQuery', 'parseComplete', 'bindComplete', 'commandComplete', 'parameterStatus', 'readyForQuery']);
    expect(out[5]).toMatchObject({ parameterName: 'application_name', parameterValue: 'ext' });
    c.end();
  });

  it('binary parameters and binary results', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    const four = Buffer.alloc(4);
    four.writeInt32BE(7);
    c.send(Buffer.concat([
      serialize.parse({ text: 'SELECT id, id > 6 AS big FROM simple_table WHERE id = $1', types: [23] }),
      serialize.bind({ values: [four], valueMapper: (v) => v, binary: true }),
      serialize.execute({}),
      serialize.sync(),
    ]));
    const out = (await c.until('readyForQuery', from)) as unknown as Msg[];
    expect(out.filter((m) => m.name === 'dataRow')).toHaveLength(1);
    expect(c.dataRows()[0]!.map((f) => f?.toString('hex'))).toEqual(['0000000000000007', '01']);
    c.end();
  });

  it('binary results for every common type, byte for byte', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(Buffer.concat([
      serialize.parse({ text: "SELECT as_int, as_long, as_short, as_boolean, as_float, as_double, as_string, as_binary, as_big_decimal, DATE '2000-01-02' AS d, TIMESTAMP '2000-01-01 00:00:01' AS ts, CAST('2000-01-01 00:00:00.5' AS timestamptz) AS tz, array(1, 2) AS a, -12.5 AS n FROM \"data-reader-primitives\" WHERE as_int = 5" }),
      serialize.bind({ binary: true }),
      serialize.execute({}),
      serialize.sync(),
    ]));
    await c.until('readyForQuery', from);
    expect(c.dataRows()[0]!.map((f) => f?.toString('hex'))).toEqual([
      '00000005', '0000000000000005', '0005', '00', '40a00000', '4014000000000000', '35', '0505', '0001000000000000' + '0005',
      '00000001', '00000000000f4240', '000000000007a120',
      // ndim 1, no nulls, int4 elements; 2 elements from 1; (4, 1) (4, 2)
      '00000001' + '00000000' + '00000017' + '00000002' + '00000001' + '00000004' + '00000001' + '00000004' + '00000002',
      // numeric -12.5: 2 digit groups, weight 0, negative, dscale 1, [12, 5000]
      '0002' + '0000' + '4000' + '0001' + '000c' + '1388',
    ]);
    c.end();
  });
});

describe('robustness', () => {
  it('a CancelRequest with the BackendKeyData cancels the running statement with 57014', async () => {
    const c = await RawClient.started(server.port);
    const key = c.messages.find((m) => m.name === 'backendKeyData') as unknown as { processID: number; secretKey: number };
    const from = c.messages.length;
    // a cross join big enough to run for seconds
    c.send(serialize.query('SELECT count(*) FROM "parquet-all-types" a, "parquet-all-types" b, "parquet-all-types" c, "parquet-all-types" d'));
    await new Promise((r) => setTimeout(r, 300));
    const cancel = await RawClient.connect(server.port);
    const body = Buffer.alloc(16);
    body.writeInt32BE(16, 0);
    body.writeInt32BE(80877102, 4);
    body.writeInt32BE(key.processID, 8);
    body.writeInt32BE(key.secretKey, 12);
    cancel.send(body);
    await cancel.untilClosed();
    const out = (await c.until('readyForQuery', from, 30_000)) as unknown as Msg[];
    expect(out.find((m) => m.name === 'error')).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    c.end();
  });

  // 216 million pair evaluations that never match: ~10 s of in-memory work, no row and no I/O.
  const CPU_BOUND = 'SELECT count(*) FROM "parsed-stats" a CROSS JOIN "parsed-stats" b CROSS JOIN "parsed-stats" c WHERE a.id + b.id < c.id - 100000';

  it('a CancelRequest stops a CPU-bound statement within a second', async () => {
    const c = await RawClient.started(server.port);
    const key = c.messages.find((m) => m.name === 'backendKeyData') as unknown as { processID: number; secretKey: number };
    let from = c.messages.length;
    c.send(serialize.query('SELECT count(*) FROM "parsed-stats"')); // loads the snapshot: no I/O left to wait on
    await c.until('readyForQuery', from);
    from = c.messages.length;
    c.send(serialize.query(CPU_BOUND));
    await new Promise((r) => setTimeout(r, 500));
    const cancel = await RawClient.connect(server.port);
    const body = Buffer.alloc(16);
    body.writeInt32BE(16, 0);
    body.writeInt32BE(80877102, 4);
    body.writeInt32BE(key.processID, 8);
    body.writeInt32BE(key.secretKey, 12);
    const sent = performance.now();
    cancel.send(body);
    const out = (await c.until('readyForQuery', from, 30_000)) as unknown as Msg[];
    expect(performance.now() - sent).toBeLessThan(1000);
    expect(out.map((m) => m.name)).toEqual(['rowDescription', 'error', 'readyForQuery']);
    expect(out[1]).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    c.end();
  });

  it('statement_timeout stops a CPU-bound statement on time', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    const sent = performance.now();
    c.send(serialize.query(`SET statement_timeout = '300ms'; ${CPU_BOUND}`));
    const out = (await c.until('readyForQuery', from, 30_000)) as unknown as Msg[];
    expect(out.find((m) => m.name === 'error')).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    expect(performance.now() - sent).toBeLessThan(1300);
    c.end();
  });

  it('SET statement_timeout cancels a long statement with PostgreSQL\'s message', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(serialize.query("SET statement_timeout = '200ms'; SELECT count(*) FROM \"parquet-all-types\" a, \"parquet-all-types\" b, \"parquet-all-types\" c, \"parquet-all-types\" d"));
    const out = (await c.until('readyForQuery', from, 30_000)) as unknown as Msg[];
    expect(out.find((m) => m.name === 'error')).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    const at = c.messages.length;
    c.send(serialize.query('SELECT 1'));
    expect((await c.until('readyForQuery', at)).map((m) => m.name)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
    c.end();
  });

  it('a malformed message gets a FATAL 08P01 and a clean close of that connection only', async () => {
    const other = await RawClient.started(server.port);
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(Buffer.from('5100000006' + '6162', 'hex')); // Query without its terminator
    await c.untilClosed();
    expect(c.messages.slice(from)).toMatchObject([{ name: 'error', code: '08P01', severity: 'FATAL' }]);
    const at = other.messages.length;
    other.send(serialize.query('SELECT 1'));
    expect((await other.until('readyForQuery', at)).map((m) => m.name)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
    other.end();
  });

  it('an oversized message is refused before it is buffered', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    const header = Buffer.alloc(5);
    header[0] = 0x51;
    header.writeInt32BE(64 * 1024 * 1024, 1);
    c.send(header);
    await c.untilClosed();
    expect(c.messages.slice(from)).toMatchObject([{ name: 'error', code: '08P01', message: 'message of 67108864 bytes exceeds the limit of 1048576' }]);
  });

  it('an unknown message type is 08P01', async () => {
    const c = await RawClient.started(server.port);
    const from = c.messages.length;
    c.send(Buffer.from('7a00000004', 'hex'));
    await c.untilClosed();
    expect(c.messages.slice(from)).toMatchObject([{ name: 'error', code: '08P01', message: "invalid message format: unknown message type 0x7a ('z')" }]);
  });

  it('a client that stops reading stalls only itself: others are answered while its result waits', async () => {
    const slow = await RawClient.started(server.port);
    slow.socket.pause(); // reads nothing more: the server's writes to it back up
    slow.send(serialize.query('SELECT a.* FROM "parquet-all-types" a, "parquet-all-types" b'));
    await new Promise((r) => setTimeout(r, 1500));
    const other = await RawClient.started(server.port);
    const from = other.messages.length;
    const t0 = Date.now();
    other.send(serialize.query('SELECT count(*) FROM simple_table'));
    const out = (await other.until('readyForQuery', from)) as unknown as Msg[];
    expect(out.find((m) => m.name === 'dataRow')).toMatchObject({ fields: ['3'] });
    expect(Date.now() - t0).toBeLessThan(5000);
    // the slow client's result is held back by backpressure, not buffered whole in the server
    expect(slow.socket.bytesRead).toBeLessThan(8_000_000);
    slow.end();
    other.end();
  });

  it('a client that disconnects mid-result stops its statement; the server keeps serving', async () => {
    const c = await RawClient.started(server.port);
    c.send(serialize.query('SELECT * FROM "parquet-all-types" a, "parquet-all-types" b'));
    await c.until('dataRow', 0, 30_000);
    c.end();
    const d = await RawClient.started(server.port);
    const from = d.messages.length;
    d.send(serialize.query('SELECT 1'));
    expect((await d.until('readyForQuery', from)).map((m) => m.name)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
    d.end();
    expect(logged).toEqual([]);
  });
});

describe('internal errors', () => {
  it('a bug surfaces as XX000 to that client only, is logged with its stack, and the server keeps serving', async () => {
    class BrokenWarehouse extends Warehouse {
      override async resolveTable(...args: Parameters<Warehouse['resolveTable']>): ReturnType<Warehouse['resolveTable']> {
        const [ref] = args;
        if (ref.kind === 'named' && ref.name === 'boom') throw new TypeError('cannot read properties of undefined');
        return super.resolveTable(...args);
      }
    }
    const errors: unknown[] = [];
    const broken = await startPgServer({ catalog: new BrokenWarehouse(CORPUS), port: 0, log: (_m, err) => errors.push(err) });
    try {
      const c = await RawClient.started(broken.port);
      const from = c.messages.length;
      c.send(serialize.query('SELECT * FROM boom'));
      const out = (await c.until('readyForQuery', from)) as unknown as Msg[];
      expect(out[0]).toMatchObject({ name: 'error', code: 'XX000', message: 'internal error: cannot read properties of undefined (this is a deltasql bug, please report it)' });
      expect(errors).toHaveLength(1);
      const at = c.messages.length;
      c.send(serialize.query('SELECT count(*) FROM simple_table'));
      expect(((await c.until('readyForQuery', at)) as unknown as Msg[]).find((m) => m.name === 'dataRow')).toMatchObject({ fields: ['3'] });
      c.end();
    } finally {
      await broken.close();
    }
  });
});
