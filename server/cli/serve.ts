import { readFileSync } from 'node:fs';
import { Warehouse } from '../../storage/warehouse.js';
import { startHttpServer, type RunningHttpServer } from '../http/server.js';
import { parseUsersFile, type AuthConfig } from '../pgwire/auth.js';
import { startPgServer, type PgServer } from '../pgwire/server.js';
import { UsageError } from './output.js';
import { requireWarehouseDir } from './paths.js';

export interface ServeOptions {
  readonly warehouse: string;
  readonly pgPort: number;
  /** The HTTP API and console; `undefined` serves no HTTP. */
  readonly httpPort?: number;
  readonly host: string;
  readonly password?: string;
  readonly users?: string;
  readonly httpToken?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** Both servers over one warehouse, as `serve` and `demo` run them. */
export interface Servers {
  readonly pg: PgServer;
  readonly http?: RunningHttpServer;
  /** One line naming both addresses, for the terminal. */
  readonly banner: string;
  close(): Promise<void>;
}

/**
 * Starts the PostgreSQL protocol server and, unless `httpPort` is undefined, the HTTP API and
 * web console beside it, over one `Warehouse` (so both see the same snapshot cache).
 */
export async function startServers(options: ServeOptions): Promise<Servers> {
  const warehouse = new Warehouse(requireWarehouseDir(options.warehouse));
  if (options.password !== undefined && options.users !== undefined) throw new UsageError('--password and --users cannot be used together');
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const auth: AuthConfig | undefined =
    options.password !== undefined ? { password: options.password } : options.users !== undefined ? { users: parseUsersFile(readText(options.users, '--users')) } : undefined;
  const tls = options.tlsCert === undefined || options.tlsKey === undefined ? undefined : { cert: readText(options.tlsCert, '--tls-cert'), key: readText(options.tlsKey, '--tls-key') };
  const pg = await startPgServer({ catalog: warehouse, host: options.host, port: options.pgPort, ...(auth === undefined ? {} : { auth }), ...(tls === undefined ? {} : { tls }) });
  let http: RunningHttpServer | undefined;
  try {
    if (options.httpPort !== undefined) {
      http = await startHttpServer({ catalog: warehouse, host: options.host, port: options.httpPort, ...(options.httpToken === undefined ? {} : { token: options.httpToken }), ...(auth === undefined ? {} : { auth }) });
    }
  } catch (err) {
    await pg.close();
    throw err;
  }
  const pgPart = `PostgreSQL on ${pg.host}:${pg.port}${tls === undefined ? '' : ' (TLS)'}${auth === undefined ? ' (trust, loopback only)' : ' (password)'}`;
  const httpAccess = [...(options.httpToken === undefined ? [] : ['bearer token']), ...(options.users !== undefined ? ["users' passwords"] : options.password !== undefined ? ['password'] : [])];
  const httpPart = http === undefined ? '' : `, HTTP on http://${urlHost(options.host)}:${http.port}/ (${httpAccess.length === 0 ? 'loopback only' : httpAccess.join(' or ')})`;
  return {
    pg,
    ...(http === undefined ? {} : { http }),
    banner: `${pgPart}${httpPart}`,
    close: async () => {
      await Promise.all([pg.close(), http?.close()]);
    },
  };
}

/**
 * `deltasql serve --warehouse DIR [--pg-port 5433] [--http-port 8080] [--host 127.0.0.1]
 * [--password P | --users FILE] [--http-token T] [--tls-cert F --tls-key F]`: serves the
 * PostgreSQL protocol and the HTTP API + console until SIGINT / SIGTERM, then closes every
 * connection and exits. Prints one line with the addresses. Without a password (token) only
 * loopback clients may connect.
 */
export async function runServe(options: ServeOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const servers = await startServers(options);
  out.write(`deltasql serving ${options.warehouse}: ${servers.banner}\n`);
  await untilSignal();
  await servers.close();
}

function readText(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${option}: cannot read ${file}: ${(err as Error).message}`);
  }
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Resolves at the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
