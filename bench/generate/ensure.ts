import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChild } from '../lib/child.js';
import { DATA_DIR, DIST_BENCH_DIR } from '../lib/paths.js';
import { MARKER_FILE, markerText, type DatasetSpec } from './datasets.js';

/**
 * The folder of a generated dataset, generating it first when it is missing or was generated from
 * another spec. Generation runs in a child process (it uses DuckDB), once per machine.
 */
export async function ensureDataset(spec: DatasetSpec): Promise<string> {
  const dir = join(DATA_DIR, spec.name);
  const marker = await readFile(join(dir, MARKER_FILE), 'utf8').catch(() => undefined);
  if (marker === markerText(spec)) return dir;
  process.stderr.write(`bench: generating ${spec.name} in ${dir} (once) …\n`);
  const { seconds } = await runChild<{ seconds: number }>(join(DIST_BENCH_DIR, 'generate', 'main.js'), { spec, dir });
  process.stderr.write(`bench: generated ${spec.name} in ${seconds.toFixed(1)} s\n`);
  return dir;
}
