import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the web console into `dist/server/http/console/` (run by `npm run build` after tsc):
 * `src/main.ts` and its imports (CodeMirror, ECharts' tree-shaken core) bundled and minified by
 * esbuild into one `console.js`, beside `index.html` and `console.css` copied as they are. The
 * server serves these three files and nothing else; no CDN.
 */
const here = dirname(fileURLToPath(import.meta.url)); // dist/server/http/console
const repo = join(here, '..', '..', '..', '..');
const source = join(repo, 'server', 'http', 'console');

await mkdir(here, { recursive: true });
const result = await build({
  entryPoints: [join(source, 'src', 'main.ts')],
  outfile: join(here, 'console.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});
await copyFile(join(source, 'index.html'), join(here, 'index.html'));
await copyFile(join(source, 'console.css'), join(here, 'console.css'));
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`console built: ${join(here, 'console.js')} (${Math.round(bytes / 1024)} KiB with source map)`);
