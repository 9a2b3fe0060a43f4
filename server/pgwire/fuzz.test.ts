import { afterAll, beforeAll, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { CORPUS } from '../testing/cli.js';
import { startPgServer, type PgServer } from './server.js';
import { RawClient, serialize } from './testing/raw-client.js';

// A few seconds of hostile input: thousands of malformed messages and random SQL. The server must
// answer each connection (or close it cleanly) and still serve `SELECT 1` afterwards.

let server: PgServer;
beforeAll(async () => {
  server = await startPgServer({ catalog: new Warehouse(CORPUS), port: 0, maxMessageBytes: 1 << 16, log: () => {} });
});
afterAll(async () => {
  await server.close();
});

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CODES = 'BCdcfDEHFPpQSXzZ\0\xff'.split('').map((c) => c.charCodeAt(0));
const WORDS = ['SELECT', 'FROM', 'WHERE', 'simple_table', '"data-reader-primitives"', 'id', '*', ',', '(', ')', '1', "'x'", '$1', 'GROUP BY', 'ORDER BY', 'LIMIT', 'JOIN', 'ON', '=', '+', '/', '0', 'NULL', ';', 'COPY', 'SET', 'SHOW', 'BEGIN', 'ROLLBACK', 'FETCH', 'VERSION AS OF', '::int', 'CAST', 'AS', 'count(*)'];

function malformed(random: () => number): Buffer {
  const kind = Math.floor(random() * 4);
  const code = CODES[Math.floor(random() * CODES.length)]!;
  const body = Buffer.alloc(Math.floor(random() * 40));
  for (let i = 0; i < body.length; i++) body[i] = Math.floor(random() * 256);
  const header = Buffer.alloc(5);
  header[0] = code;
  // a right length, a wrong one, a negative one, or a huge one
  const length = kind === 0 ? body.length + 4 : kind === 1 ? Math.floor(random() * 64) : kind === 2 ? -5 : 0x7ffffff0;
  header.writeInt32BE(length, 1);
  return Buffer.concat([header, body]);
}

function randomSql(random: () => number): string {
  const n = 1 + Math.floor(random() * 12);
  return Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

it('survives thousands of malformed messages and random SQL', async () => {
  const random = rng(20261125);
  let messages = 0;
  const deadline = Date.now() + 4000;
  while (Date.now() < deadline) {
    const c = await RawClient.started(server.port);
    // random SQL, simple and extended, each answered with ReadyForQuery
    for (let k = 0; k < 5; k++) {
      const from = c.messages.length;
      const sql = randomSql(random);
      c.send(random() < 0.5 ? serialize.query(sql) : Buffer.concat([serialize.parse({ text: sql }), serialize.bind({}), serialize.execute({}), serialize.sync()]));
      await c.until('readyForQuery', from, 20_000);
      messages++;
    }
    // then junk until the server closes the connection
    for (let k = 0; k < 50 && !c.closed; k++) {
      c.send(malformed(random));
      messages++;
    }
    await Promise.race([c.untilClosed(2000).catch(() => {}), new Promise((r) => setTimeout(r, 100))]);
    c.end();
  }
  expect(messages).toBeGreaterThan(1000);
  const probe = await RawClient.started(server.port);
  const from = probe.messages.length;
  probe.send(serialize.query('SELECT 1'));
  expect((await probe.until('readyForQuery', from)).map((m) => m.name)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
  probe.end();
}, 60_000);
