import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is `server/testing/cli.ts`, or its build under `dist/`). */
export const REPO_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const BIN = path.join(REPO_ROOT, 'dist', 'server', 'cli', 'main.js');
export const CORPUS = path.resolve(REPO_ROOT, '..', 'shared', 'delta-corpus');

function findRoot(dir: string): string {
  while (!existsSync(path.join(dir, 'tsconfig.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('no tsconfig.json above ' + dir);
    dir = parent;
  }
  return dir;
}

const SOURCE_FOLDERS = ['common', 'storage', 'planner', 'executor', 'server'];

/**
 * Builds `dist/` with `tsc -p .` when the bin is missing or older than any source file, so CLI
 * tests always run the real, current bin (`npm test` builds first anyway). Type errors
 * elsewhere do not stop tsc from emitting, so only a missing bin is a failure here.
 */
export function ensureBuilt(): void {
  const built = existsSync(BIN) ? statSync(BIN).mtimeMs : 0;
  if (built > 0 && newestSource() <= built) return;
  const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  const run = spawnSync(tsc, ['-p', '.'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (!existsSync(BIN)) throw new Error(`tsc did not produce ${BIN}:\n${run.stdout}${run.stderr}`);
}

function newestSource(): number {
  let newest = Math.max(statSync(path.join(REPO_ROOT, 'tsconfig.json')).mtimeMs, statSync(path.join(REPO_ROOT, 'package.json')).mtimeMs);
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const folder of SOURCE_FOLDERS) if (existsSync(path.join(REPO_ROOT, folder))) visit(path.join(REPO_ROOT, folder));
  return newest;
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built bin as a user would, with `args`, and collects its output and exit code. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
