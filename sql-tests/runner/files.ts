import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSlt, type SltFile } from './parse.js';

/** `sql-tests/` itself (this file lives in `sql-tests/runner/`; compiled copies in `dist/sql-tests/runner/`). */
export const SQL_TESTS_DIR = findSqlTestsDir();
/** The golden warehouse written by `data/generate.ts`. */
export const WAREHOUSE_DIR = join(SQL_TESTS_DIR, 'data', 'warehouse');
/** The shared Delta corpus, read-only; `.slt` files name its tables as ``delta.`__CORPUS__/<table>` ``. */
export const CORPUS_DIR = process.env.DELTA_CORPUS ?? resolve(SQL_TESTS_DIR, '../../shared/delta-corpus');

function findSqlTestsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromSource = resolve(here, '..');
  // From dist/sql-tests/runner the sources are ../../../sql-tests.
  return fromSource.includes(`${join('dist', 'sql-tests')}`) ? resolve(here, '../../../sql-tests') : fromSource;
}

/** Replaces `__CORPUS__` with the corpus folder, so files stay machine-independent. */
export function withCorpus(sql: string): string {
  return sql.replaceAll('__CORPUS__', CORPUS_DIR);
}

/**
 * Every `.slt` file under `sql-tests/` (path relative to it, sorted), keeping those whose path
 * contains `filter` (`SLT_FILTER=join/` or `SLT_FILTER=select/where.slt`; comma-separated for several).
 */
export function sltFiles(filter?: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'data') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.slt')) out.push(relative(SQL_TESTS_DIR, path));
    }
  };
  walk(SQL_TESTS_DIR);
  const wanted = filter
    ?.split(',')
    .map((f) => f.trim().replace(/^sql-tests\//, ''))
    .filter(Boolean);
  return out.sort().filter((p) => !wanted?.length || wanted.some((w) => p.includes(w)));
}

export function loadSlt(relativePath: string): SltFile {
  const text = readFileSync(join(SQL_TESTS_DIR, relativePath), 'utf8');
  return parseSlt(`sql-tests/${relativePath}`, text);
}
