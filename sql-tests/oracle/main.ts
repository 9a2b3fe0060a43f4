/**
 * The oracle CLI: writes .slt expected results from PostgreSQL 15 or DuckDB, never from deltasql.
 *
 *     npx tsc -p sql-tests
 *     node dist/sql-tests/oracle/main.js complete [filter…]      fill/refresh expected rows of matching files
 *     node dist/sql-tests/oracle/main.js check [filter…]         compare files with the oracle, change nothing
 *     node dist/sql-tests/oracle/main.js query <postgresql|duckdb> <types> "<sql>"
 *                                                                print one query's result in .slt form
 *     node dist/sql-tests/oracle/main.js stop                    stop the throwaway PostgreSQL server
 *
 * A file's header names its oracle: `# oracle: PostgreSQL 15` or `# oracle: DuckDB 1`. A record
 * preceded by `# oracle-sql:` lines runs that spelling on the oracle instead of its own SQL
 * (the Spark spelling deltasql must accept, e.g. `window(eventTime, '60 minutes')`). `statement
 * error` records are checked against the oracle's SQLSTATE (and position / message when given);
 * a mismatch is printed, never rewritten, so a human decides.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, SQL_TESTS_DIR, WAREHOUSE_DIR, loadSlt, sltFiles } from '../runner/files.js';
import { parseSlt, type Query } from '../runner/parse.js';
import { formatFailure, renderResult, runFile, type Engine } from '../runner/run.js';
import { DuckdbOracle } from './duckdb.js';
import { PostgresOracle } from './postgres.js';

type OracleName = 'postgresql' | 'duckdb';

const engines = new Map<OracleName, Promise<Engine & { version: string }>>();

function oracle(name: OracleName): Promise<Engine & { version: string }> {
  let engine = engines.get(name);
  if (!engine) {
    engine = name === 'postgresql' ? PostgresOracle.open(WAREHOUSE_DIR, CORPUS_DIR) : DuckdbOracle.open(WAREHOUSE_DIR, CORPUS_DIR);
    engines.set(name, engine);
  }
  return engine;
}

function oracleOf(header: string | undefined): OracleName {
  if (header && /^postgres/i.test(header)) return 'postgresql';
  if (header && /^duckdb/i.test(header)) return 'duckdb';
  throw new Error(`unknown oracle "${header ?? ''}" (write "# oracle: PostgreSQL 15" or "# oracle: DuckDB 1")`);
}

async function completeFiles(filters: string[], write: boolean): Promise<number> {
  let problems = 0;
  for (const path of sltFiles(filters.join(',') || undefined)) {
    const file = loadSlt(path);
    const engine = await oracle(oracleOf(file.oracle));
    const outcome = await runFile(file, engine, { complete: write });
    if (write && outcome.completed !== undefined) writeFileSync(join(SQL_TESTS_DIR, path), outcome.completed);
    for (const f of outcome.failures) console.error(formatFailure(f) + '\n');
    problems += outcome.failures.length;
    console.log(`${path}: ${outcome.passed} ok, ${outcome.failures.length} problem(s) [${engine.name} ${engine.version}]`);
  }
  return problems;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'complete':
      case 'check':
        return (await completeFiles(rest, command === 'complete')) > 0 ? 1 : 0;
      case 'query': {
        const [name, types, sql] = rest as [OracleName, string, string];
        const record = parseSlt('(cli)', `query ${types} nosort\n${sql}\n----\n`).records[0] as Query;
        const result = await (await oracle(name)).run(sql);
        console.log(`query ${types}\n${sql}\n----\n${renderResult(record, result).join('\n')}`);
        return 0;
      }
      case 'stop':
        PostgresOracle.stop();
        return 0;
      default:
        console.error('usage: main.js complete|check [filter…] | query <postgresql|duckdb> <types> "<sql>" | stop');
        return 2;
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
