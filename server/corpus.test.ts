/**
 * Issue #3's acceptance: every table of ../shared/delta-corpus read through the whole stack
 * (SQL → planner → executor → storage → PRODUCT.md's JSON value encoding) equals MANIFEST.json —
 * the latest snapshot, every version MANIFEST lists rows or a row count for (`VERSION AS OF`),
 * the timestamp assertions (`TIMESTAMP AS OF`), and the refusal of an unsupported reader feature.
 * The same through the real CLI binary lives in cli/cli.test.ts.
 */
import { utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { versionPrefix } from '../storage/log/files.js';
import { copyCorpusTable, CORPUS_DIR, corpusTable, corpusTables, type ManifestTable } from '../storage/testing/corpus.js';
import { Warehouse } from '../storage/warehouse.js';
import { jsonRows } from './encode/index.js';
import { Session } from './session.js';

const session = new Session(new Warehouse(CORPUS_DIR));

async function query(sql: string, on: Session = session): Promise<Record<string, unknown>[]> {
  const result = await on.execute(sql);
  const names = result.schema.fields.map((f) => f.name);
  const rows: Record<string, unknown>[] = [];
  for await (const batch of result.batches) for (const row of jsonRows(batch)) rows.push(Object.fromEntries(names.map((n, i) => [n, row[i]])));
  return rows;
}

/** Order-independent, key-order-independent text of a row (MANIFEST: "compare as multisets"). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function expectSameRows(actual: Record<string, unknown>[], expected: Record<string, unknown>[], what: string): void {
  expect(actual.map(canonical).sort(), what).toEqual(expected.map(canonical).sort());
}

/** MANIFEST's per-column aggregates, computed over our encoded rows. */
function aggregatesOf(rows: Record<string, unknown>[], column: string, wanted: Record<string, unknown>): Record<string, unknown> {
  const values = rows.map((r) => r[column]).filter((v) => v !== null && v !== undefined);
  const out: Record<string, unknown> = { nonNull: values.length };
  if (values.length === 0) return out;
  const isInteger = typeof wanted.sum === 'string' && !String(wanted.min ?? '').includes('.');
  const isDecimal = typeof wanted.sum === 'string' && !isInteger;
  const key = (v: unknown): number | bigint | string => {
    if (isInteger) return BigInt(v as number | string);
    if (isDecimal) return BigInt(String(v).replace('.', ''));
    return v as number | string;
  };
  const sorted = [...values].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const render = (v: unknown) => (isInteger ? String(v) : v);
  if ('min' in wanted) out.min = render(sorted[0]);
  if ('max' in wanted) out.max = render(sorted[sorted.length - 1]);
  if ('sum' in wanted) {
    const total = values.reduce<bigint>((s, v) => s + (key(v) as bigint), 0n);
    const scale = isDecimal ? String(values[0]).split('.')[1]?.length ?? 0 : 0;
    const digits = (total < 0n ? -total : total).toString().padStart(scale + 1, '0');
    out.sum = (total < 0n ? '-' : '') + (scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits);
  }
  if ('distinct' in wanted) out.distinct = new Set(values.map((v) => JSON.stringify(v))).size;
  if ('trueCount' in wanted) out.trueCount = values.filter((v) => v === true).length;
  return out;
}

function quoted(name: string): string {
  return `"${name}"`;
}

const readable = corpusTables().filter((t) => !t.expected.error);

describe('every corpus table through SQL', () => {
  describe.each(readable.map((t) => [t.name, t] as const))('%s', (name: string, table: ManifestTable) => {
    it('the latest snapshot equals MANIFEST expected', async () => {
      const rows = await query(`SELECT * FROM ${quoted(name)}`);
      expect(rows.length).toBe(table.expected.rowCount);
      if (table.expected.rows) {
        expectSameRows(rows, table.expected.rows, 'latest');
        return;
      }
      // Large tables: the first rows MANIFEST lists are among ours, and every column aggregate agrees.
      const ours = new Set(rows.map(canonical));
      for (const row of table.expected.firstRowsSorted ?? []) expect(ours.has(canonical(row)), canonical(row)).toBe(true);
      for (const [column, wanted] of Object.entries(table.expected.aggregates ?? {})) {
        expect(aggregatesOf(rows, column, wanted), column).toEqual(wanted);
      }
    });

    const versions = table.versions.filter((v) => v.reconstructable !== false && v.rowCount !== undefined);
    if (versions.length > 0) {
      it('every listed version equals MANIFEST via VERSION AS OF', async () => {
        for (const v of versions) {
          const rows = await query(`SELECT * FROM ${quoted(name)} VERSION AS OF ${v.version}`);
          expect(rows.length, `version ${v.version}`).toBe(v.rowCount);
          if (v.rows) expectSameRows(rows, v.rows, `version ${v.version}`);
        }
      });
    }

    const gone = table.versions.filter((v) => v.reconstructable === false);
    if (gone.length > 0) {
      it('versions whose commits were cleaned up are a clear error', async () => {
        for (const v of gone) {
          await expect(query(`SELECT * FROM ${quoted(name)} VERSION AS OF ${v.version}`)).rejects.toMatchObject({ sqlstate: '22023', message: expect.stringContaining('no longer available') });
        }
      });
    }
  });

  it('refuses simple_table_features with 0A000 naming blahabl', async () => {
    await expect(query('SELECT * FROM simple_table_features')).rejects.toMatchObject({
      sqlstate: '0A000',
      message: expect.stringContaining('"blahabl"'),
    });
  });
});

describe('TIMESTAMP AS OF through SQL', () => {
  it('holds simple_table\'s delta-rs assertion (mtimes set in a copy), refusing the out-of-range edges as Spark does', async () => {
    const root = copyCorpusTable('simple_table');
    const mtimes = ['2020-05-01T22:47:31-07:00', '2020-05-02T22:47:31-07:00', '2020-05-03T22:47:31-07:00', '2020-05-04T22:47:31-07:00', '2020-05-05T22:47:31-07:00'];
    mtimes.forEach((iso, v) => utimesSync(join(root, '_delta_log', `${versionPrefix(v)}.json`), new Date(iso), new Date(iso)));
    const copy = new Session(new Warehouse(dirname(root)));
    const manifest = corpusTable('simple_table');
    const assertion = manifest.assertions!.find((a) => a.kind === 'timestamp-travel')!.value as Record<string, number>;
    for (const [iso, version] of Object.entries(assertion)) {
      const sql = `SELECT * FROM simple_table TIMESTAMP AS OF '${iso}'`;
      const t = Date.parse(iso);
      if (t < Date.parse(mtimes[0]!) || t > Date.parse(mtimes[4]!)) {
        await expect(query(sql, copy), iso).rejects.toMatchObject({ sqlstate: '22023' });
        continue;
      }
      expectSameRows(await query(sql, copy), manifest.versions[version]!.rows!, iso);
    }
  });

  it('follows in-commit timestamps (cdc_ict_table)', async () => {
    const manifest = corpusTable('cdc_ict_table');
    const rows = await query("SELECT * FROM cdc_ict_table TIMESTAMP AS OF '2026-07-12 16:36:53'");
    expectSameRows(rows, manifest.versions[2]!.rows!, 'version 2');
  });
});
