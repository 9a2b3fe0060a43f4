import type { FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../errors.js';

/**
 * The web console: `/` is its page, `/console/<file>` its bundle (built by esbuild into
 * `dist/server/http/console/` by `npm run build`; see console/build.ts). Served by the server
 * itself, nothing from a CDN. Files are read once and kept in memory.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
/** Always the built copy under dist/, also when this file runs from source (vitest). */
const CONSOLE_DIR = HERE.includes('/dist/') ? join(HERE, '..', 'console') : join(HERE, '..', '..', '..', 'dist', 'server', 'http', 'console');
const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

export function registerConsoleRoutes(app: FastifyInstance): void {
  const cache = new Map<string, Buffer>();
  const serve = async (file: string) => {
    let bytes = cache.get(file);
    if (!bytes) {
      try {
        bytes = await readFile(join(CONSOLE_DIR, file));
      } catch {
        throw new HttpError(404, '58P01', `the console is not built (${file} missing): run npm run build`);
      }
      cache.set(file, bytes);
    }
    return bytes;
  };
  app.get('/', async (_request, reply) => reply.type(FILES['index.html']!).send(await serve('index.html')));
  app.get('/console/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const type = FILES[file];
    if (type === undefined) throw new HttpError(404, '58P01', `no console file ${file}`);
    return reply.type(type).send(await serve(file));
  });
}
