import { randomInt } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { Catalog } from '../../planner/catalog.js';
import type { AuthConfig } from './auth.js';
import { Connection } from './connection.js';

export interface PgServerOptions {
  readonly catalog: Catalog;
  readonly host?: string;
  /** 0 = an ephemeral port (tests). */
  readonly port?: number;
  readonly auth?: AuthConfig;
  /** PEM certificate and key: SSLRequest is then answered `S` and the connection upgraded. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly maxMessageBytes?: number;
  /** Where internal errors are logged (default: stderr). */
  readonly log?: (message: string, err?: unknown) => void;
}

export interface PgServer {
  readonly port: number;
  readonly host: string;
  /** Stops listening, closes every connection (their statements are cancelled) and resolves when done. */
  close(): Promise<void>;
}

/**
 * Serves the PostgreSQL protocol on `host:port`, one `Session` per connection.
 *
 * ```ts
 * const server = await startPgServer({ catalog: new Warehouse(dir), port: 5433 });
 * // psql -h 127.0.0.1 -p 5433 …
 * await server.close();
 * ```
 */
export async function startPgServer(options: PgServerOptions): Promise<PgServer> {
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls === undefined ? undefined : createSecureContext({ cert: options.tls.cert, key: options.tls.key });
  const log = options.log ?? ((message: string, err?: unknown) => process.stderr.write(`deltasql: ${message}: ${err instanceof Error ? err.stack ?? err.message : String(err ?? '')}\n`));
  const byProcessId = new Map<number, Connection>();
  const sockets = new Set<Socket>();
  let nextProcessId = 1000 + randomInt(1 << 20);
  const context = {
    catalog: options.catalog,
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    ...(tls === undefined ? {} : { tls }),
    ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
    register(connection: Connection) {
      const processId = nextProcessId++;
      const secretKey = randomInt(2 ** 31 - 1);
      byProcessId.set(processId, connection);
      return { processId, secretKey };
    },
    unregister(connection: Connection) {
      if (byProcessId.get(connection.processId) === connection) byProcessId.delete(connection.processId);
    },
    cancel(processId: number, secretKey: number) {
      const c = byProcessId.get(processId);
      if (c !== undefined && c.secretKey === secretKey) c.cancelRunning();
    },
    log,
  };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, context);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5433, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 5433);
  return {
    port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
