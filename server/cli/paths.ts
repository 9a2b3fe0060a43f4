import { existsSync, readFileSync, statSync } from 'node:fs';
import { UsageError } from './output.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this module holding deltasql's package.json.
 * Works from the sources (`server/cli/`) and from the build (`dist/server/cli/`).
 */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && readPackage(manifest).name === 'deltasql') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the deltasql package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function packageVersion(): string {
  return readPackage(path.join(repoRoot(), 'package.json')).version ?? '0.0.0';
}

/** `../shared/delta-corpus` beside the repository: the tables the demo reads for now. */
export function corpusDir(): string {
  return path.resolve(repoRoot(), '..', 'shared', 'delta-corpus');
}

function readPackage(file: string): { name?: string; version?: string } {
  return JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
}

/** `dir` resolved to an absolute path; a usage error when it is not an existing folder. */
export function requireWarehouseDir(dir: string): string {
  const root = path.resolve(dir);
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new UsageError(`warehouse "${dir}" is not a directory`);
  return root;
}
