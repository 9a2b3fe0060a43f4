import type { AddressInfo } from 'node:net';
import { buildHttpApp, type HttpAppOptions } from './app.js';

export interface HttpServerOptions extends HttpAppOptions {
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one (the answer says which). */
  readonly port: number;
}

export interface RunningHttpServer {
  readonly port: number;
  /** Stops accepting, ends running statements' streams, and resolves once closed. */
  close(): Promise<void>;
}

/**
 * Serves the HTTP API and console (`deltasql serve --http-port`). Resolves once listening.
 *
 * ```ts
 * const http = await startHttpServer({ catalog: new Warehouse(dir), port: 8080 });
 * …
 * await http.close();
 * ```
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const app = buildHttpApp(options);
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  const port = (app.server.address() as AddressInfo).port;
  return {
    port,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
