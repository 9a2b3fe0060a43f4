import { readFileSync } from 'node:fs';
import { Warehouse } from '../../storage/warehouse.js';
import { parseUsersFile, type AuthConfig } from '../pgwire/auth.js';
import { startPgServer, type PgServer } from '../pgwire/server.js';
import { UsageError } from './output.js';
import { requireWarehouseDir } from './paths.js';

export interface ServeOptions {
  readonly warehouse: string;
  readonly pgPort: number;
  readonly host: string;
  readonly password?: string;
  readonly users?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/**
 * `deltasql serve --warehouse DIR [--pg-port 5433] [--host 127.0.0.1] [--password P | --users FILE]
 * [--tls-cert F --tls-key F]`: serves the PostgreSQL protocol until SIGINT / SIGTERM, then
 * closes every connection and exits. Prints one line with the address. Without a password only
 * loopback clients may connect.
 */
export async function runServe(options: ServeOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const warehouse = new Warehouse(requireWarehouseDir(options.warehouse));
  if (options.password !== undefined && options.users !== undefined) throw new UsageError('--password and --users cannot be used together');
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const auth: AuthConfig | undefined =
    options.password !== undefined ? { password: options.password } : options.users !== undefined ? { users: parseUsersFile(readText(options.users, '--users')) } : undefined;
  const tls = options.tlsCert === undefined || options.tlsKey === undefined ? undefined : { cert: readText(options.tlsCert, '--tls-cert'), key: readText(options.tlsKey, '--tls-key') };
  // The HTTP server (another issue) starts beside this one call.
  const pg = await startPgServer({ catalog: warehouse, host: options.host, port: options.pgPort, ...(auth === undefined ? {} : { auth }), ...(tls === undefined ? {} : { tls }) });
  out.write(`deltasql serving ${options.warehouse}: PostgreSQL on ${pg.host}:${pg.port}${tls === undefined ? '' : ' (TLS)'}${auth === undefined ? ' (trust, loopback only)' : ' (password)'}\n`);
  await untilSignal(pg);
}

function readText(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${option}: cannot read ${file}: ${(err as Error).message}`);
  }
}

function untilSignal(pg: PgServer): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void pg.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
