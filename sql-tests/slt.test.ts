import { writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltasqlEngine } from './runner/deltasql.js';
import { SQL_TESTS_DIR, WAREHOUSE_DIR, loadSlt, sltFiles, withCorpus } from './runner/files.js';
import { formatFailure, runFile, type Engine, type FileOutcome } from './runner/run.js';

// The golden SQL tests (DESIGN.md §5): every sql-tests/**/*.slt file, one vitest test per file,
// each run through server/session.ts over the golden warehouse (sql-tests/data/warehouse).
// Expected results come from an oracle (PostgreSQL 15 or DuckDB, named in each file's header),
// never from deltasql. See sql-tests/README.md.
//
//   SLT_FILTER=join/ npx vitest run sql-tests        only files whose path contains "join/"
//   SLT_COMPLETE=1 npx vitest run sql-tests          rewrite expected rows from deltasql's output
//
// A failing file is a failing test whose message lists every failing record (file:line, SQL,
// expected, actual); the summary at the end counts queries passed and failed across all files.

const filter = process.env.SLT_FILTER;
const complete = process.env.SLT_COMPLETE === '1';
const files = sltFiles(filter);

const engine = new DeltasqlEngine(WAREHOUSE_DIR);
const corpusAwareOver = (e: DeltasqlEngine): Engine => ({ name: e.name, usesOracleSql: false, run: (sql) => e.run(withCorpus(sql)) });
const corpusAware = corpusAwareOver(engine);

/** A throwaway copy of the golden warehouse for a file that writes. */
async function scratchWarehouse(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'deltasql-slt-write-'));
  await cp(WAREHOUSE_DIR, dir, { recursive: true });
  return dir;
}

const outcomes: FileOutcome[] = [];

describe('sqllogictest', () => {
  it('finds .slt files', () => {
    expect(files.length, `no .slt file matches SLT_FILTER=${filter}`).toBeGreaterThan(0);
  });

  for (const path of files) {
    it(path, async () => {
      // Files under write/ change tables: each runs on its own copy of the golden warehouse.
      const scratch = path.startsWith('write/') ? await scratchWarehouse() : undefined;
      const fileEngine = scratch === undefined ? corpusAware : corpusAwareOver(new DeltasqlEngine(scratch));
      let outcome: FileOutcome;
      try {
        outcome = await runFile(loadSlt(path), fileEngine, { complete });
      } finally {
        if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
      }
      outcomes.push(outcome);
      if (complete && outcome.completed !== undefined) writeFileSync(join(SQL_TESTS_DIR, path), outcome.completed);
      if (outcome.failures.length > 0) {
        const report = outcome.failures.map(formatFailure).join('\n\n');
        throw new Error(`${outcome.failures.length} of ${outcome.failures.length + outcome.passed} records failed in sql-tests/${path}\n\n${report}`);
      }
    });
  }

  afterAll(() => {
    const passed = outcomes.reduce((n, o) => n + o.passed, 0);
    const failed = outcomes.reduce((n, o) => n + o.failures.length, 0);
    const failingFiles = outcomes.filter((o) => o.failures.length > 0);
    const lines = [`sqllogictest: ${passed} records passed, ${failed} failed, in ${outcomes.length} files (${failingFiles.length} failing)`];
    for (const o of failingFiles) lines.push(`  ${o.file}: ${o.failures.length} failed, ${o.passed} passed`);
    console.log(lines.join('\n'));
  });
});
