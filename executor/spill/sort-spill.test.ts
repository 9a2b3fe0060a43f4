import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { valuesOf } from '../arrow/scalar.js';
import { ColumnExpr } from '../expr/column.js';
import { BufferBudget } from '../memory.js';
import { runSql, sqlError } from '../write/testing/run-sql.js';
import { ExternalSort } from './external-sort.js';
import { useSpillWarehouse } from './testing/spill-fixture.js';

// ORDER BY past DELTASQL_OPERATOR_MEMORY_MB spills sorted runs to DELTASQL_SPILL_DIR and merges
// them: the answer is the in-memory sort's, row for row (both are stable), and no run file
// outlives the query, whether it succeeds, fails or is cancelled.

const fx = useSpillWarehouse();

/** A 64 KiB budget (each 6,000-row input batch is ~150 KiB: every batch becomes a run) and a fresh spill dir. */
function tinyBudget(): void {
  fx.budget(64);
}

/** The spill directories this process made under the test's base. */
function spillDirs(): string[] {
  return readdirSync(fx.base).filter((d) => d.startsWith(`deltasql-spill-${process.pid}-`));
}

describe('ORDER BY spilling to disk', () => {
  it.each([
    ['one int key, NULLs last', 'SELECT * FROM t ORDER BY k'],
    ['DESC NULLS FIRST on a double with ties', 'SELECT * FROM t ORDER BY f DESC NULLS FIRST'],
    ['multi-key: string DESC, double NULLS FIRST, int', 'SELECT * FROM t ORDER BY s DESC, f NULLS FIRST, k'],
    ['date then int DESC NULLS LAST', 'SELECT d, k, i FROM t ORDER BY d, k DESC NULLS LAST'],
    ['an expression key', 'SELECT i, s FROM t ORDER BY length(s) DESC, s, i % 7'],
    ['after a filter', "SELECT i, s, f FROM t WHERE s > 's5' ORDER BY f NULLS FIRST, s"],
  ])('%s: equals the in-memory sort row for row', async (_name, sql) => {
    const inMemory = await runSql(fx.session, sql);
    tinyBudget();
    const spilled = await runSql(fx.session, sql);
    expect(spilled.rows.length).toBeGreaterThan(20_000);
    expect(spilled.rows.length).toBe(inMemory.rows.length);
    expect(spilled.rows).toEqual(inMemory.rows);
    // It did spill (the directory is made on the first run written), and left no file behind.
    expect(spillDirs()).toHaveLength(1);
    expect(fx.files()).toEqual([]);
  });

  it('keeps the order PostgreSQL defines on every key: checked pairwise over the spilled answer', async () => {
    tinyBudget();
    const { rows } = await runSql(fx.session, 'SELECT k, f, i FROM t ORDER BY k DESC NULLS LAST, f NULLS FIRST, i DESC');
    const cmp = (a: unknown, b: unknown, desc: boolean, nullsFirst: boolean): number => {
      if (a === null || b === null) return a === b ? 0 : (a === null) === nullsFirst ? -1 : 1;
      const c = (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
      return desc ? -c : c;
    };
    for (let r = 1; r < rows.length; r++) {
      const [a, b] = [rows[r - 1] as unknown[], rows[r] as unknown[]];
      const c = cmp(a[0], b[0], true, false) || cmp(a[1], b[1], false, true) || cmp(a[2], b[2], true, false);
      expect(c, `rows ${r - 1} and ${r}`).toBeLessThan(0);
    }
    const [[first]] = (await runSql(fx.session, 'SELECT max(i) FROM t WHERE k = 36 AND f IS NULL')).rows as [[number]];
    expect(rows).toHaveLength(48_000);
    expect(rows[0]).toEqual([36, null, first]);
    expect(rows.at(-1)?.[0]).toBeNull();
  });

  it('deletes its run files when the client stops reading, and when the statement is cancelled', async () => {
    tinyBudget();
    const stopped = await fx.session.execute('SELECT * FROM t ORDER BY s, i');
    const reader = stopped.batches[Symbol.asyncIterator]();
    const first = await reader.next();
    expect((first.value as arrow.RecordBatch).numRows).toBe(48_000);
    expect(fx.files().length).toBeGreaterThan(1); // runs being merged
    await reader.return?.();
    expect(fx.files()).toEqual([]);

    // Cancelled while the input is read and runs are written: aborted once the first run exists.
    const controller = new AbortController();
    const cancelled = await fx.session.execute('SELECT * FROM t ORDER BY f, s', { signal: controller.signal });
    const watch = setInterval(() => {
      if (fx.files().length > 0) controller.abort();
    }, 1);
    try {
      await expect(cancelled.batches[Symbol.asyncIterator]().next()).rejects.toMatchObject({ sqlstate: '57014' });
    } finally {
      clearInterval(watch);
    }
    expect(controller.signal.aborted).toBe(true);
    expect(fx.files()).toEqual([]);

    // Cancelled while merging, between two output batches.
    const merging = new AbortController();
    const result = await fx.session.execute('SELECT * FROM t UNION ALL SELECT * FROM t ORDER BY d, i', { signal: merging.signal });
    const batches = result.batches[Symbol.asyncIterator]();
    expect(((await batches.next()).value as arrow.RecordBatch).numRows).toBe(65_536);
    merging.abort();
    await expect(batches.next()).rejects.toMatchObject({ sqlstate: '57014' });
    expect(fx.files()).toEqual([]);
  });

  it('deletes its run files when the statement fails after spilling', async () => {
    tinyBudget();
    const err = await sqlError(fx.session, 'SELECT i FROM t ORDER BY 100 / (i - 40000)');
    expect(err.sqlstate).toBe('22012');
    expect(spillDirs()).toHaveLength(1);
    expect(fx.files()).toEqual([]);
  });

  it('merges many runs in passes when they outnumber the fan-in, still stable', async () => {
    tinyBudget();
    const result = await fx.session.execute('SELECT * FROM t');
    const s = result.schema.fields.findIndex((f) => f.name === 's');
    const keys = [{ expr: new ColumnExpr(s, 's', (result.schema.fields[s] as arrow.Field).type), descending: false, nullsFirst: false }];
    const sort = new ExternalSort(result.schema, keys, new BufferBudget('sort', 16 * 1024), undefined, undefined, 3);
    const input: unknown[][] = [];
    for await (const batch of result.batches) {
      for (let at = 0; at < batch.numRows; at += 1000) {
        const slice = batch.slice(at, Math.min(batch.numRows, at + 1000));
        await sort.add(slice);
      }
      input.push(...rowsOf(batch));
    }
    expect(sort.spilledRuns).toBeGreaterThan(40);
    const out: unknown[][] = [];
    try {
      for await (const batch of sort.sorted()) out.push(...rowsOf(batch));
    } finally {
      await sort.dispose();
    }
    // Stable: ties on s keep input order, which is what a stable in-memory sort gives.
    const expected = input.map((row, n) => ({ row, n })).sort((a, b) => ((a.row[s] as string) < (b.row[s] as string) ? -1 : (a.row[s] as string) > (b.row[s] as string) ? 1 : a.n - b.n)).map((x) => x.row);
    expect(out).toEqual(expected);
    expect(fx.files()).toEqual([]);
  });
});

describe('top-N with a large LIMIT', () => {
  it('switches to the spilling sort past the budget and answers what the in-memory top-N does, row for row', async () => {
    const sql = 'SELECT i, s, f FROM t ORDER BY f DESC NULLS LAST, s, i LIMIT 30000 OFFSET 5';
    const inMemory = await runSql(fx.session, sql);
    tinyBudget();
    const result = await runSql(fx.session, sql);
    expect(result.rows).toHaveLength(30_000);
    expect(result.rows).toEqual(inMemory.rows);
    expect(fx.spilled()).toBe(true);
    expect(fx.files()).toEqual([]);
    const plan = await runSql(fx.session, `EXPLAIN ANALYZE ${sql}`);
    expect(plan.rows.map((r) => String(r[0])).find((line) => line.includes('TopN'))).toMatch(/TopN: fetch=30005 .* spilled=\d+ files/);
  });

  it('keeps a small LIMIT in memory under the same budget', async () => {
    tinyBudget();
    const result = await runSql(fx.session, 'SELECT i FROM t ORDER BY f DESC NULLS LAST, i LIMIT 10');
    expect(result.rows).toHaveLength(10);
    expect(fx.spilled()).toBe(false);
  });
});

describe('EXPLAIN ANALYZE', () => {
  it('prints what each spilling operator wrote: files and MiB', async () => {
    tinyBudget();
    process.env.DELTASQL_OPERATOR_MEMORY_MB = String(256 / 1024);
    const { rows } = await runSql(
      fx.session,
      // The aggregate reads the scan's 6,000-row batches (the groups of the first fill the table,
      // later batches' new groups spill); the window and the sort above get 48,000 rows.
      'EXPLAIN ANALYZE SELECT x.*, row_number() OVER (PARTITION BY k ORDER BY i) AS rn FROM (SELECT i, k, count(*) AS n FROM t GROUP BY i, k) x ORDER BY n, i DESC',
    );
    const plan = rows.map((r) => r[0] as string);
    const spilled = (prefix: string) => plan.find((line) => line.trimStart().startsWith(prefix))?.match(/ spilled=(\d+) files (\d+\.\d) MiB /);
    for (const prefix of ['Window:', 'HashAggregate:', 'Sort:']) {
      const m = spilled(prefix);
      expect(m, `${prefix} in\n${plan.join('\n')}`).toBeTruthy();
      expect(Number(m?.[1])).toBeGreaterThanOrEqual(1);
      expect(Number(m?.[2])).toBeGreaterThan(0);
    }
    expect(fx.files()).toEqual([]);
    // Without a budget nothing spills and the lines say nothing about it.
    delete process.env.DELTASQL_OPERATOR_MEMORY_MB;
    const free = await runSql(fx.session, 'EXPLAIN ANALYZE SELECT * FROM t ORDER BY s');
    expect(free.rows.map((r) => r[0] as string).find((l) => l.trimStart().startsWith('Sort:'))).toMatch(/^\s*Sort: s ASC NULLS LAST \(rows=48000 /);
  });
});

describe('the spill directory', () => {
  it('removes the directories of processes that no longer run, and replaces its own when it vanished', async () => {
    tinyBudget();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    mkdirSync(join(fx.base, `deltasql-spill-${dead}-AbC123`));
    writeFileSync(join(fx.base, `deltasql-spill-${dead}-AbC123`, 'run-7.arrows'), 'left by a crash');
    mkdirSync(join(fx.base, 'deltasql-spill-1-AbC123')); // pid 1 runs: kept
    mkdirSync(join(fx.base, 'unrelated'));
    const sql = 'SELECT i FROM t ORDER BY s, i';
    const first = await runSql(fx.session, sql);
    expect(first.rows).toHaveLength(48_000);
    expect(readdirSync(fx.base).sort()).toEqual(['deltasql-spill-1-AbC123', spillDirs()[0], 'unrelated'].sort());
    // A tmp cleaner removes our directory: the next spill makes a new one.
    const [ours] = spillDirs();
    rmSync(join(fx.base, ours as string), { recursive: true });
    expect((await runSql(fx.session, sql)).rows).toEqual(first.rows);
    expect(spillDirs()).toHaveLength(1);
    expect(spillDirs()[0]).not.toBe(ours);
  });
});

describe('spill directory errors', () => {
  it('58030 naming the directory when DELTASQL_SPILL_DIR is not a directory', async () => {
    tinyBudget();
    const file = join(fx.base, 'a-file');
    writeFileSync(file, 'not a directory');
    process.env.DELTASQL_SPILL_DIR = join(file, 'spill');
    const err = await sqlError(fx.session, 'SELECT * FROM t ORDER BY s');
    expect(err).toBeInstanceOf(SqlError);
    expect(err.sqlstate).toBe('58030');
    expect(err.message).toBe(`could not write to temporary directory "${join(file, 'spill')}": ENOTDIR: not a directory, mkdir '${join(file, 'spill')}'`);
    expect(err.hint).toContain('DELTASQL_SPILL_DIR');
    // The next query, with a good directory, runs.
    process.env.DELTASQL_SPILL_DIR = fx.base;
    expect((await runSql(fx.session, 'SELECT i FROM t ORDER BY s')).rows).toHaveLength(48_000);
  });

  it('58030 under /proc, where Node\'s recursive mkdir would retry forever', async () => {
    tinyBudget();
    process.env.DELTASQL_SPILL_DIR = '/proc/deltasql-spill-test/runs';
    const err = await sqlError(fx.session, 'SELECT * FROM t ORDER BY s');
    expect(err.sqlstate).toBe('58030');
    expect(err.message).toBe(`could not write to temporary directory "/proc/deltasql-spill-test/runs": ENOENT: no such file or directory, mkdir '/proc/deltasql-spill-test'`);
  }, 10_000);

  describe('on small file systems of their own (tmpfs, mounted as root)', () => {
    const mounts: string[] = [];
    const mount = (options: string): string => {
      const at = mkdtempSync(join(tmpdir(), 'deltasql-spill-mount-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at]);
      mounts.push(at);
      return at;
    };
    afterAll(() => {
      for (const at of mounts) {
        execFileSync('umount', [at]);
        rmSync(at, { recursive: true, force: true });
      }
    });

    it('53100 disk_full naming the directory when the disk fills, and no run file is left', async () => {
      tinyBudget();
      const small = mount('size=256k');
      process.env.DELTASQL_SPILL_DIR = small;
      const err = await sqlError(fx.session, 'SELECT * FROM t ORDER BY s');
      expect(err.sqlstate).toBe('53100');
      const dir = readdirSync(small).filter((d) => d.startsWith(`deltasql-spill-${process.pid}-`));
      expect(dir).toHaveLength(1);
      expect(err.message).toBe(`could not write to temporary file in "${join(small, dir[0] as string)}": no space left on device`);
      expect(readdirSync(join(small, dir[0] as string))).toEqual([]);
    });

    it('58030 naming the directory on a read-only file system', async () => {
      tinyBudget();
      const readOnly = mount('size=256k,ro');
      process.env.DELTASQL_SPILL_DIR = readOnly;
      const err = await sqlError(fx.session, 'SELECT * FROM t ORDER BY s');
      expect(err.sqlstate).toBe('58030');
      expect(err.message).toMatch(new RegExp(`^could not write to temporary directory "${readOnly}": EROFS: read-only file system`));
    });
  });
});

function rowsOf(batch: arrow.RecordBatch): unknown[][] {
  const columns = batch.data.children.map((c) => valuesOf(c));
  const rows: unknown[][] = [];
  for (let i = 0; i < batch.numRows; i++) rows.push(columns.map((c) => c[i]));
  return rows;
}

