import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL 15 for comparing what clients print against the real thing: `initdb`
 * into a temp folder (as the `postgres` user when the tests run as root, as initdb refuses root),
 * listening on a Unix socket in that folder only. Never deltasql's storage.
 */
export class PostgresOracle {
  readonly dir: string;
  readonly port: number;
  private started = false;

  static readonly BIN = '/usr/lib/postgresql/15/bin';

  static available(): boolean {
    return existsSync(`${PostgresOracle.BIN}/initdb`) && existsSync(`${PostgresOracle.BIN}/psql`);
  }

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'deltasql-pg-oracle-'));
    chmodSync(this.dir, 0o777);
    this.port = 40000 + Math.floor(Math.random() * 20000);
  }

  /**
   * initdb and start. `listen` also opens a TCP address (e.g. `127.0.0.1`, for a load test that
   * must compare like with like); `settings` are extra `-c name=value` (e.g. `max_connections`).
   */
  start(options: { listen?: string; settings?: Readonly<Record<string, string>> } = {}): void {
    const data = join(this.dir, 'data');
    const settings = Object.entries(options.settings ?? {}).map(([k, v]) => ` -c ${k}=${v}`).join('');
    this.asOwner(`${PostgresOracle.BIN}/initdb -D ${data} -A trust -U postgres --locale=C.UTF-8 -E UTF8 >/dev/null`);
    this.asOwner(`${PostgresOracle.BIN}/pg_ctl -D ${data} -o "-p ${this.port} -k ${this.dir} -c listen_addresses='${options.listen ?? ''}'${settings}" -l ${join(this.dir, 'log')} -w start >/dev/null`);
    this.started = true;
  }

  stop(): void {
    if (this.started) this.asOwner(`${PostgresOracle.BIN}/pg_ctl -D ${join(this.dir, 'data')} -m immediate stop >/dev/null`);
    this.started = false;
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** psql 15 against the oracle (`-X`, UTC), as user postgres; `input` is fed on stdin. */
  psql(database: string, args: readonly string[], input = ''): { stdout: string; stderr: string; status: number | null } {
    const r = spawnSync(`${PostgresOracle.BIN}/psql`, ['-X', '-h', this.dir, '-p', String(this.port), '-U', 'postgres', '-d', database, ...args], { encoding: 'utf8', env: { ...process.env, PGTZ: 'UTC' }, timeout: 30_000, input });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  }

  /** psql 15 against the oracle reading `input` on stdin, with extra environment (`PGTZ`…). */
  psqlWithEnv(database: string, input: string, env: Record<string, string>): { stdout: string; stderr: string; status: number | null } {
    const r = spawnSync(`${PostgresOracle.BIN}/psql`, ['-X', '-h', this.dir, '-p', String(this.port), '-U', 'postgres', '-d', database], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000, input });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  }

  /** The postmaster's process id (its backends are its children), once started. */
  get pid(): number | undefined {
    try {
      return Number(readFileSync(join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  }

  private asOwner(command: string): void {
    const root = process.getuid?.() === 0;
    const r = root ? spawnSync('su', ['postgres', '-c', command], { encoding: 'utf8' }) : spawnSync('sh', ['-c', command], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${command}: ${r.stderr}`);
  }
}
