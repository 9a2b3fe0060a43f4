/**
 * Every window function × frame (ROWS / RANGE / GROUPS, offsets, UNBOUNDED, CURRENT ROW, each
 * EXCLUDE mode) × NULLs in partition and order keys (NULLS FIRST / LAST, ASC / DESC) × peers ×
 * several partitions, checked against what PostgreSQL 15.18 answered for the same table and
 * the same SQL (test-cases.ts renders both; the server's collation was C.UTF-8, byte order, as
 * ours). The answers are stored in window.pg15.json;
 * regenerate them against a running PostgreSQL 15 with
 *
 *     WINDOW_PG_REGEN="-h /tmp -p 54991 -U postgres" npx vitest run executor/window/window.pg15.test.ts
 */
import * as arrow from 'apache-arrow';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scalarAt, type ScalarValue } from '../arrow/scalar.js';
import { WindowExec } from '../operators/window.js';
import { formatDecimal } from '../values/decimal.js';
import { ROWS, SCHEMA, TableSource, allCases, col, postgresSetup, sortKeys, type Case } from './test-cases.js';

const EXPECTED_FILE = new URL('./window.pg15.json', import.meta.url);
const cases = allCases();

function regenerate(psqlArgs: string): Record<string, (string | null)[]> {
  const psql = (sql: string) => execFileSync('psql', [...psqlArgs.split(/\s+/), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  psql(postgresSetup());
  const out: Record<string, (string | null)[]> = {};
  for (const c of cases) {
    const json = psql(`SELECT json_agg(r ORDER BY id) FROM (SELECT id, (${c.sql})::text AS r FROM t) s`);
    out[c.id] = JSON.parse(json) as (string | null)[];
  }
  // one line per case, so a diff shows which cases changed
  writeFileSync(EXPECTED_FILE, `{\n${Object.entries(out).map(([id, v]) => ` ${JSON.stringify(id)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`);
  return out;
}

const expected: Record<string, (string | null)[]> = process.env.WINDOW_PG_REGEN
  ? regenerate(process.env.WINDOW_PG_REGEN)
  : (JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as Record<string, (string | null)[]>);

/** Runs one case; returns the result column ordered by id, as text in PostgreSQL's spelling. */
async function run(c: Case): Promise<(string | null)[]> {
  const op = new WindowExec(new TableSource(SCHEMA, ROWS, 5), c.window.partition.map(col), sortKeys(c.window.order), [c.call]);
  const byId = new Map<number, string | null>();
  for await (const batch of op.execute({})) {
    const ids = batch.data.children[0];
    const result = batch.data.children[SCHEMA.fields.length];
    for (let i = 0; i < batch.numRows; i++) byId.set(scalarAt(ids, i) as number, text(scalarAt(result, i), c.call.type));
  }
  return [...byId.keys()].sort((a, b) => a - b).map((id) => byId.get(id) ?? null);
}

function text(v: ScalarValue, type: arrow.DataType): string | null {
  if (v === null) return null;
  if (arrow.DataType.isDecimal(type)) return formatDecimal(v as bigint, (type as arrow.Decimal).scale);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (arrow.DataType.isTimestamp(type)) return new Date(Number(v as bigint) / 1000).toISOString().replace('T', ' ').replace('.000Z', '');
  return String(v);
}

/**
 * Equal as PostgreSQL text. Numbers compare with a relative tolerance where PostgreSQL answers
 * numeric and we answer float8 (avg/var of integers), and within half a unit of our last digit
 * where both are decimal but PostgreSQL picks a wider scale (`avg(numeric)`).
 */
function same(ours: string | null, theirs: string | null, type: arrow.DataType): boolean {
  if (ours === null || theirs === null) return ours === theirs;
  if (ours === theirs) return true;
  const a = Number(ours);
  const b = Number(theirs);
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  const ulp = arrow.DataType.isDecimal(type) ? 0.5 * 10 ** -(type as arrow.Decimal).scale : 0;
  return Math.abs(a - b) <= ulp + 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('window functions against PostgreSQL 15', () => {
  it('has an answer for every case', () => {
    expect(cases.length).toBeGreaterThan(500);
    for (const c of cases) expect(expected[c.id], c.id).toBeDefined();
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const ours = await run(c);
    const theirs = expected[c.id];
    const mismatches = ours.map((v, i) => (same(v, theirs[i], c.call.type) ? null : `id ${i + 1}: ours ${v} pg ${theirs[i]}`)).filter((m) => m !== null);
    expect(mismatches, c.sql).toEqual([]);
  });
});
