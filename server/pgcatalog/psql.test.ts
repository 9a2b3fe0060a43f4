import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../storage/warehouse.js';
import { startPgServer, type PgServer } from '../pgwire/server.js';
import { PostgresOracle } from './testing/postgres-oracle.js';

// psql 15 against a real listening deltasql and against a real PostgreSQL 15 holding the same
// tables (same names, column names and types, same rows): the two outputs must be identical.
// Normalised: only `\timing`'s milliseconds. The schema list is compared for `public` (\dn public):
// deltasql also lists `global_temp` (Spark's schema of global temporary views), which PostgreSQL
// has no equivalent of.

const GOLDEN = new URL('../../sql-tests/data/warehouse/', import.meta.url).pathname;
const TABLES: Record<string, string> = {
  prices: 'date date, ticker text, open double precision, high double precision, low double precision, close double precision, volume bigint',
  fundamentals: 'date date, ticker text, eps_basic_net double precision, revenue bigint, shares_outstanding bigint, fiscal_period text',
  scores: 'id integer, grp text, name text, score integer, weight double precision, passed boolean',
  impressions: 'uid text, advertiser text, "impTimestamp" timestamp with time zone, campaign text, cost double precision',
  conversions: 'uid text, advertiser text, "convTimestamp" timestamp with time zone, value double precision',
  variants: '"contigName" text, start bigint, "end" bigint, "referenceAllele" text, "alternateAllele" text, "mutationType" text, "proteinHgvs" text, "sampleId" text, quality double precision',
  events: '"eventName" text, "eventTime" timestamp with time zone, "eventParams" json, "eventDate" date',
};
const VIEW = 'CREATE OR REPLACE VIEW pe AS SELECT ticker, close FROM prices';

let warehouseDir: string;
let server: PgServer;
let oracle: PostgresOracle;

/** psql against deltasql: asynchronous, as the server answers from this very process. */
function ours(args: readonly string[]): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    execFile(`${PostgresOracle.BIN}/psql`, ['-X', '-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', '-d', 'deltasql', ...args], { encoding: 'utf8', env: { ...process.env, PGTZ: 'UTC' }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, status: err === null ? 0 : typeof err.code === 'number' ? err.code : null });
    });
  });
}

/** Runs the same psql arguments against both servers; both must succeed without errors. */
async function both(args: readonly string[]): Promise<{ ours: string; postgres: string }> {
  const a = await ours(args);
  const b = oracle.psql('deltasql', args);
  expect(a.stderr).toBe('');
  expect(b.stderr).toBe('');
  expect(a.status).toBe(0);
  return { ours: a.stdout, postgres: b.stdout };
}

beforeAll(async () => {
  warehouseDir = mkdtempSync(join(tmpdir(), 'deltasql-psql-'));
  for (const t of Object.keys(TABLES)) cpSync(join(GOLDEN, t), join(warehouseDir, t), { recursive: true });
  server = await startPgServer({ catalog: new Warehouse(warehouseDir), port: 0 });
  oracle = new PostgresOracle();
  oracle.start();
  expect(oracle.psql('postgres', ['-c', 'CREATE DATABASE deltasql']).status).toBe(0);
  for (const [name, columns] of Object.entries(TABLES)) {
    const csv = join(oracle.dir, `${name}.csv`);
    expect((await ours(['-c', `\\copy (SELECT * FROM ${name}) TO '${csv}' WITH (FORMAT csv)`])).stderr).toBe('');
    const r = oracle.psql('deltasql', ['-v', 'ON_ERROR_STOP=1', '-c', `CREATE TABLE ${name} (${columns})`, '-c', `\\copy ${name} FROM '${csv}' WITH (FORMAT csv)`]);
    expect(r.stderr).toBe('');
  }
  expect(oracle.psql('deltasql', ['-c', VIEW]).status).toBe(0);
}, 120_000);

afterAll(async () => {
  await server?.close();
  oracle?.stop();
  rmSync(warehouseDir, { recursive: true, force: true });
});

describe('psql 15 prints the same as against PostgreSQL 15', async () => {
  it('\\dt lists the tables', async () => {
    const out = await both(['-c', '\\dt']);
    expect(out.ours).toBe(out.postgres);
    expect(out.ours).toContain(' public | prices       | table | postgres');
  });

  it('\\d t and \\d+ t describe a table', async () => {
    const d = await both(['-c', '\\d prices']);
    expect(d.ours).toBe(d.postgres);
    expect(d.ours).toContain(' volume | bigint           |           |          | \n');
    const plus = await both(['-c', '\\d+ scores']);
    expect(plus.ours).toBe(plus.postgres);
    expect(plus.ours).toContain('Access method: heap');
  });

  it('\\dv lists a view, \\d v describes its columns, \\dm finds no materialized view', async () => {
    const dv = await both(['-c', VIEW, '-c', '\\dv']);
    expect(dv.ours).toBe(dv.postgres);
    expect(dv.ours).toContain(' public | pe   | view | postgres');
    const d = await both(['-c', VIEW, '-c', '\\d pe']);
    expect(d.ours).toBe(d.postgres);
    expect(d.ours).toContain(' close  | double precision |');
    const dm = [await ours(['-c', '\\dm']), oracle.psql('deltasql', ['-c', '\\dm'])];
    expect(dm[0].stderr).toBe('Did not find any relations.\n');
    expect(dm[0]).toEqual(dm[1]);
  });

  it('\\dn lists the schemas (deltasql adds global_temp)', async () => {
    const out = await both(['-c', '\\dn public']);
    expect(out.ours).toBe(out.postgres);
    expect(out.ours).toContain(' public | pg_database_owner\n');
    expect((await ours(['-c', '\\dn'])).stdout).toContain(' global_temp | postgres\n');
  });

  it('\\l describes the database', async () => {
    const out = await both(['-c', '\\l deltasql']);
    expect(out.ours).toBe(out.postgres);
  });

  it('\\x prints records expanded', async () => {
    const out = await both(['-c', '\\x', '-c', 'SELECT * FROM scores WHERE id <= 3 ORDER BY id']);
    expect(out.ours).toBe(out.postgres);
    expect(out.ours).toContain('-[ RECORD 1 ]\nid     | 1\n');
  });

  it('\\timing prints the time of each statement', async () => {
    const out = await both(['-c', '\\timing', '-c', 'SELECT count(*) FROM prices']);
    const time = /Time: \d+\.\d{3} ms/;
    expect(out.ours).toMatch(time);
    expect(out.ours.replace(time, 'Time: T ms')).toBe(out.postgres.replace(time, 'Time: T ms'));
  });

  it('job 1: average close per ticker and the P/E ratio over the joined tables', async () => {
    const avg = await both(['-c', 'SELECT ticker, round(avg(close)::numeric, 2) AS avg_close FROM prices GROUP BY ticker ORDER BY ticker']);
    expect(avg.ours).toBe(avg.postgres);
    const pe = await both(['-c', 'SELECT p.ticker, p.date, round((p.close / f.eps_basic_net)::numeric, 2) AS pe FROM prices p JOIN fundamentals f ON p.ticker = f.ticker AND p.date = f.date ORDER BY 1, 2']);
    expect(pe.ours).toBe(pe.postgres);
    expect(pe.ours).toMatch(/\(\d+ rows\)/);
  });

  it('job 2: variants per sample and SNV counts by allele pair', async () => {
    const perSample = await both(['-c', 'SELECT "sampleId" AS sample, count(*) AS variants FROM variants GROUP BY "sampleId" ORDER BY 1']);
    expect(perSample.ours).toBe(perSample.postgres);
    const snv = await both(['-c', `SELECT "referenceAllele" AS ref, "alternateAllele" AS alt, count(*) AS n FROM variants
      WHERE length("referenceAllele") = 1 AND length("alternateAllele") = 1 GROUP BY 1, 2 ORDER BY 1, 2`]);
    expect(snv.ours).toBe(snv.postgres);
    expect(snv.ours).toMatch(/\(\d+ rows\)/);
  });

  it('job 4: events per hour, bookings per hour and daily active users (struct fields; PostgreSQL spells them ->>)', async () => {
    const hourly = (field: (f: string) => string) => `SELECT date_trunc('hour', "eventTime") AS hour, count(*) AS events,
      round(sum(CASE WHEN "eventName" = 'purchase' THEN ${field('amount')} ELSE 0 END)::numeric, 2) AS bookings
      FROM events GROUP BY 1 ORDER BY 1`;
    const dau = (field: string) => `SELECT "eventDate" AS day, count(DISTINCT ${field}) AS dau FROM events GROUP BY 1 ORDER BY 1`;
    const a = await ours(['-c', hourly((f) => `"eventParams".${f}`), '-c', dau('"eventParams".device_id')]);
    const b = oracle.psql('deltasql', ['-c', hourly((f) => `("eventParams"->>'${f}')::float8`), '-c', dau(`"eventParams"->>'device_id'`)]);
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/ dau \n/);
  });

  it('job 3: last-touch attribution with dense_rank', async () => {
    const sql = `SELECT uid, advertiser, campaign, "convTimestamp" AS converted FROM (
      SELECT c.uid, c.advertiser, i.campaign, c."convTimestamp",
             dense_rank() OVER (PARTITION BY c.uid, c.advertiser, c."convTimestamp" ORDER BY i."impTimestamp" DESC) AS rnk
      FROM impressions i JOIN conversions c ON i.uid = c.uid AND i.advertiser = c.advertiser AND i."impTimestamp" < c."convTimestamp") t
      WHERE rnk = 1 ORDER BY 1, 2, 4, 3`;
    const out = await both(['-c', sql]);
    expect(out.ours).toBe(out.postgres);
    expect(out.ours).toMatch(/\(\d+ rows\)/);
  });
});
