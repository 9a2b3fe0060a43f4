import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * `deltasql/<package version>`, what `commitInfo.engineInfo` and the Parquet `created_by` say
 * (reference/delta-protocol.md §8). Found by walking up from this module to the package.json
 * named deltasql, which works from the sources (vitest) and from `dist/` alike.
 */
export function engineInfo(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'deltasql' && pkg.version) return (cached = `deltasql/${pkg.version}`);
    } catch {
      // not here: look one folder up
    }
    dir = dirname(dir);
  }
  return (cached = 'deltasql/unknown');
}
