import { spawn } from 'node:child_process';

/** Debian's psql 15 (postgresql-client-15), the client the wire tests drive. */
export const PSQL = '/usr/lib/postgresql/15/bin/psql';

export interface PsqlRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

/**
 * Runs `psql -X` against 127.0.0.1:`port` asynchronously (the server under test lives in the
 * test's own process: a synchronous spawn would block it), feeding `input` on stdin.
 */
export function runPsql(port: number, args: readonly string[], options: { input?: string; user?: string; database?: string; env?: Record<string, string> } = {}): Promise<PsqlRun> {
  return new Promise((resolve) => {
    const child = spawn(PSQL, ['-h', '127.0.0.1', '-p', String(port), '-U', options.user ?? 'tester', '-d', options.database ?? 'warehouse', '-X', ...args], {
      env: { ...process.env, PGCONNECT_TIMEOUT: '10', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ stdout, stderr, status }));
    child.stdin.end(options.input ?? '');
  });
}
