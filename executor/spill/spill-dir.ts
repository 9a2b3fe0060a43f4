import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SqlError } from '../../common/sql-error.js';

/**
 * Where spilled runs live: one directory per process, `deltasql-spill-<pid>-XXXXXX`, made on the
 * first spill under `DELTASQL_SPILL_DIR` (created if missing) or else `os.tmpdir()`, and removed
 * with everything in it when the process exits normally. Operators delete their own files as soon
 * as a query ends (success, error or cancel); the directory is what a crash leaves behind, and
 * naming it by pid says whose it was: the next process to spill under the same base removes the
 * directories of pids that no longer run.
 */
export function spillBase(): string {
  const configured = process.env.DELTASQL_SPILL_DIR;
  return resolve(configured !== undefined && configured !== '' ? configured : tmpdir());
}

const directories = new Map<string, Promise<string>>();
const created = new Set<string>();
/** Each made directory's base (to forget it). */
const baseOf = new Map<string, string>();
let exitHook = false;

/** This process's spill directory under the current base (made once per base). */
export function spillDirectory(): Promise<string> {
  const base = spillBase();
  let dir = directories.get(base);
  if (dir === undefined) {
    dir = makeDirectory(base);
    directories.set(base, dir);
    // A failure is not remembered: the next query tries again (the disk may have been fixed).
    dir.catch(() => directories.delete(base));
  }
  return dir;
}

/** Forgets `dir` (it vanished: a tmp cleaner, a test): the next `spillDirectory()` makes a new one. */
export function forgetSpillDirectory(dir: string): void {
  const base = baseOf.get(dir);
  if (base !== undefined) directories.delete(base);
  baseOf.delete(dir);
  created.delete(dir);
}

async function makeDirectory(base: string): Promise<string> {
  try {
    await makeParents(base);
    await removeStale(base);
    const dir = await mkdtemp(join(base, `deltasql-spill-${process.pid}-`));
    if (!exitHook) process.once('exit', removeAll);
    exitHook = true;
    created.add(dir);
    baseOf.set(dir, base);
    return dir;
  } catch (err) {
    throw spillError(err, base);
  }
}

/**
 * `mkdir -p`, one level at a time. Not `mkdir(base, { recursive: true })`: under a directory
 * that refuses new entries with ENOENT (`/proc`), Node's recursive mkdir retries forever — a
 * query spilling there hung instead of failing with 58030.
 */
async function makeParents(path: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    // Any failure counts as missing: the mkdir below then fails with its own error (ENOTDIR…).
    const found = await stat(at).catch(() => undefined);
    if (found !== undefined) break;
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const dir of missing.reverse()) {
    await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

/**
 * Removes what processes that did not exit normally (killed, crashed) left under `base`: the
 * `deltasql-spill-<pid>-…` directories of pids no longer running. A pid that runs but is not
 * ours (EPERM) keeps its directory; so does anything not named like ours.
 */
async function removeStale(base: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(base);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^deltasql-spill-(\d+)-[A-Za-z0-9]{6}$/.exec(name);
    if (match === null || Number(match[1]) === process.pid || running(Number(match[1]))) continue;
    await rm(join(base, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function removeAll(): void {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
  created.clear();
}

/**
 * The SqlError for a failed spill-file operation in `dir`: a full disk (or quota, or file size
 * limit) is `53100` disk_full, anything else (not writable, not a directory, read-only file
 * system) `58030` io_error; both name the directory and the setting that moves it.
 */
export function spillError(err: unknown, dir: string): SqlError {
  if (err instanceof SqlError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const hint = 'Set DELTASQL_SPILL_DIR to a writable directory with more free space, or raise DELTASQL_OPERATOR_MEMORY_MB.';
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new SqlError('53100', `could not write to temporary file in "${dir}": no space left on device`, { hint, cause: err });
  }
  const reason = (err as Error | undefined)?.message ?? String(err);
  return new SqlError('58030', `could not write to temporary directory "${dir}": ${reason}`, { hint, cause: err });
}
