import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found by walking up from this file to deltasql's package.json, so the
 * same code works from `bench/` (vitest, tsx) and from the compiled `dist/bench/`.
 */
export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** Generated benchmark data (gitignored); every dataset is one folder under it. */
export const DATA_DIR = join(REPO_ROOT, 'bench', 'data');

/** The compiled bench folder, where child-process entry points live. */
export const DIST_BENCH_DIR = join(REPO_ROOT, 'dist', 'bench');

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'deltasql') return dir;
    if (dirname(dir) === dir) throw new Error(`bench: no deltasql package.json above ${start}`);
  }
}
