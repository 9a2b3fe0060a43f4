import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { Warehouse } from '../../storage/warehouse.js';
import { Session } from '../session.js';

// PgCatalog through Session (the path every front end takes) over a real warehouse: golden
// tables copied from sql-tests, a table in a second schema, and a Delta table whose metaData
// carries a table description and a column comment, as Spark writes them (COMMENT ON / COMMENT).

const GOLDEN = new URL('../../sql-tests/data/warehouse/', import.meta.url).pathname;
let dir: string;

/** A Delta table with no data files: protocol and metaData (description, a column comment). */
function writeCommentedTable(path: string): void {
  mkdirSync(join(path, '_delta_log'), { recursive: true });
  const schema = {
    type: 'struct',
    fields: [
      { name: 'id', type: 'long', nullable: false, metadata: { comment: 'the row id' } },
      { name: 'amount', type: 'decimal(10,2)', nullable: true, metadata: {} },
    ],
  };
  const actions = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData: { id: 'c0ffee00-0000-4000-8000-000000000001', description: 'orders placed', format: { provider: 'parquet', options: {} }, schemaString: JSON.stringify(schema), partitionColumns: [], configuration: {}, createdTime: 1700000000000 } },
  ];
  writeFileSync(join(path, '_delta_log', '00000000000000000000.json'), actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deltasql-pgcatalog-'));
  for (const t of ['prices', 'scores']) cpSync(join(GOLDEN, t), join(dir, t), { recursive: true });
  writeCommentedTable(join(dir, 'orders'));
  cpSync(join(GOLDEN, 'fundamentals'), join(dir, 'finance', 'fundamentals'), { recursive: true });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rows(session: Session, sql: string): Promise<Record<string, unknown>[]> {
  const result = await session.execute(sql);
  const out: Record<string, unknown>[] = [];
  for await (const batch of result.batches) for (const row of batch) out.push({ ...(row?.toJSON() ?? {}) });
  return out;
}

async function error(session: Session, sql: string): Promise<SqlError> {
  try {
    await rows(session, sql);
  } catch (err) {
    if (err instanceof SqlError) return err;
    throw err;
  }
  throw new Error(`no error from ${sql}`);
}

describe('PgCatalog', () => {
  it('lists every schema and relation, user relations at OIDs from 16384, consistent across relations', async () => {
    const s = new Session(new Warehouse(dir));
    expect((await rows(s, "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' ORDER BY 1")).map((r) => r.nspname)).toEqual(['finance', 'global_temp', 'information_schema', 'public']);
    const classes = await rows(s, "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relnatts FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'finance') ORDER BY 2, 3");
    expect(classes.map((r) => [r.nspname, r.relname, r.relkind, r.relnatts])).toEqual([
      ['finance', 'fundamentals', 'r', 6], ['public', 'orders', 'r', 2], ['public', 'prices', 'r', 7], ['public', 'scores', 'r', 6],
    ]);
    for (const r of classes) expect(Number(r.oid)).toBeGreaterThanOrEqual(16384);
    const [prices] = classes.filter((r) => r.relname === 'prices');
    const [regclass] = await rows(s, "SELECT 'prices'::regclass AS oid, 'finance.fundamentals'::regclass AS f");
    expect(regclass.oid).toBe(prices.oid);
    const attrs = await rows(s, `SELECT attname, attnum FROM pg_attribute WHERE attrelid = ${String(prices.oid)} ORDER BY attnum`);
    expect(attrs.map((a) => a.attname)).toEqual(['date', 'ticker', 'open', 'high', 'low', 'close', 'volume']);
    // The same OIDs from another session.
    const again = await rows(new Session(new Warehouse(dir)), "SELECT 'prices'::regclass AS oid");
    expect(again[0].oid).toBe(prices.oid);
  });

  it('a table outside the search path is not visible; its qualified name is', async () => {
    const s = new Session(new Warehouse(dir));
    const r = await rows(s, "SELECT relname, pg_table_is_visible(oid) AS v, oid::regclass::text AS name FROM pg_class WHERE relname IN ('fundamentals', 'prices') ORDER BY 1");
    expect(r).toEqual([{ relname: 'fundamentals', v: false, name: 'finance.fundamentals' }, { relname: 'prices', v: true, name: 'prices' }]);
  });

  it('Delta descriptions and column comments are pg_description rows, obj_description and col_description', async () => {
    const s = new Session(new Warehouse(dir));
    const d = await rows(s, "SELECT d.objsubid, d.description FROM pg_description d WHERE d.objoid = 'orders'::regclass ORDER BY 1");
    expect(d).toEqual([{ objsubid: 0, description: 'orders placed' }, { objsubid: 1, description: 'the row id' }]);
    const f = await rows(s, "SELECT obj_description('orders'::regclass, 'pg_class') AS t, col_description('orders'::regclass, 1) AS c1, col_description('orders'::regclass, 2) AS c2");
    expect(f).toEqual([{ t: 'orders placed', c1: 'the row id', c2: null }]);
    const cols = await rows(s, "SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull FROM pg_attribute a WHERE a.attrelid = 'orders'::regclass ORDER BY a.attnum");
    expect(cols).toEqual([{ attname: 'id', type: 'bigint', attnotnull: true }, { attname: 'amount', type: 'numeric(10,2)', attnotnull: false }]);
  });

  it('row counts come from Delta statistics; sizes from the data files', async () => {
    const s = new Session(new Warehouse(dir));
    const r = await rows(s, "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(r.map((x) => [x.relname, Number(x.n_live_tup)])).toEqual([['orders', 0], ['prices', 100], ['scores', 18]]);
    const [size] = await rows(s, "SELECT pg_relation_size('prices') AS bytes, pg_size_pretty(pg_total_relation_size('orders'::regclass)) AS empty");
    expect(Number(size.bytes)).toBeGreaterThan(1000);
    expect(size.empty).toBe('0 bytes');
  });

  it('session views are pg_class relkind v with their text; another session does not see them; DISCARD ALL drops them', async () => {
    const warehouse = new Warehouse(dir);
    const s = new Session(warehouse);
    await rows(s, 'CREATE VIEW big_scores AS SELECT id, name FROM scores WHERE score > 80');
    const v = await rows(s, "SELECT c.relkind, v.definition, pg_get_viewdef(c.oid) AS def FROM pg_class c JOIN pg_views v ON v.viewname = c.relname WHERE c.relname = 'big_scores'");
    expect(v).toEqual([{ relkind: 'v', definition: 'SELECT id, name FROM scores WHERE score > 80', def: ' SELECT id, name FROM scores WHERE score > 80;' }]);
    const cols = await rows(s, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'big_scores' ORDER BY ordinal_position");
    expect(cols).toEqual([{ column_name: 'id', data_type: 'integer' }, { column_name: 'name', data_type: 'text' }]);
    expect(await rows(new Session(warehouse), "SELECT relname FROM pg_class WHERE relname = 'big_scores'")).toEqual([]);
    await rows(s, 'DISCARD ALL');
    expect(await rows(s, "SELECT relname FROM pg_class WHERE relname = 'big_scores'")).toEqual([]);
  });

  it('a table created on disk is listed by the next statement', async () => {
    const s = new Session(new Warehouse(dir));
    expect(await rows(s, "SELECT relname FROM pg_class WHERE relname = 'late'")).toEqual([]);
    writeCommentedTable(join(dir, 'late'));
    expect(await rows(s, "SELECT relname FROM pg_class WHERE relname = 'late'")).toEqual([{ relname: 'late' }]);
    rmSync(join(dir, 'late'), { recursive: true });
  });

  it('settings: current_setting and pg_settings follow SET; set_config sets', async () => {
    const s = new Session(new Warehouse(dir));
    await rows(s, "SET application_name = 'probe'");
    expect(await rows(s, "SELECT current_setting('application_name') AS a")).toEqual([{ a: 'probe' }]);
    expect(await rows(s, "SELECT setting FROM pg_settings WHERE name = 'application_name'")).toEqual([{ setting: 'probe' }]);
    expect(await rows(s, "SELECT set_config('application_name', 'again', false) AS v")).toEqual([{ v: 'again' }]);
    expect(await rows(s, 'SHOW application_name')).toEqual([{ application_name: 'again' }]);
    const e = await error(s, "SELECT set_config('no_such_setting', 'x', false)");
    expect([e.sqlstate, e.message, e.position]).toEqual(['42704', 'unrecognized configuration parameter "no_such_setting"', 8]);
  });

  it('a warehouse table named like a catalog relation wins over it unqualified', async () => {
    cpSync(join(GOLDEN, 'scores'), join(dir, 'pg_stats'), { recursive: true });
    try {
      const s = new Session(new Warehouse(dir));
      expect((await rows(s, 'SELECT count(*) AS n FROM pg_stats'))[0].n).toBe(18n);
      expect(await rows(s, 'SELECT count(*) AS n FROM pg_catalog.pg_stats')).toEqual([{ n: 0n }]);
    } finally {
      rmSync(join(dir, 'pg_stats'), { recursive: true });
    }
  });

  it('errors: unknown catalog relation, unknown relation name, time travel on a catalog relation', async () => {
    const s = new Session(new Warehouse(dir));
    const e1 = await error(s, 'SELECT * FROM pg_catalog.pg_nothing');
    expect([e1.sqlstate, e1.message, e1.position]).toEqual(['42P01', 'relation "pg_catalog.pg_nothing" does not exist', 15]);
    const e2 = await error(s, "SELECT 'public.nope'::regclass");
    expect([e2.sqlstate, e2.message, e2.position]).toEqual(['42P01', 'relation "public.nope" does not exist', 8]);
    const e3 = await error(s, 'SELECT * FROM pg_class VERSION AS OF 1');
    expect(e3.sqlstate).toBe('0A000');
    // A function over another FROM item's columns (LATERAL) runs per row, as does a subquery over
    // the enclosing row.
    const lateral = await rows(s, "SELECT count(*) AS n, max(g) AS top FROM pg_class c, generate_series(1, c.relnatts) g WHERE c.relname = 'prices'");
    expect(lateral).toEqual([{ n: 7n, top: 7 }]);
    const perRow = await rows(s, "SELECT c.relnatts, (SELECT count(*) FROM generate_series(1, c.relnatts) g) AS n FROM pg_class c WHERE c.relname = 'prices'");
    expect(perRow).toEqual([{ relnatts: 7, n: 7n }]);
  });
});
