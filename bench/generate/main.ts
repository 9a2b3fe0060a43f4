import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { childMain } from '../lib/child.js';
import { MARKER_FILE, markerText, type DatasetSpec } from './datasets.js';
import { generateFundamentals } from './fundamentals.js';
import { generateLongLog } from './long-log.js';
import { generatePrices } from './prices.js';

/**
 * Child-process entry (see `ensure.ts`): generates one dataset into a fresh folder and writes
 * its marker last, so an interrupted generation is redone rather than half-used.
 */
await childMain(async ({ spec, dir }: { spec: DatasetSpec; dir: string }) => {
  const start = performance.now();
  await rm(dir, { recursive: true, force: true });
  if (spec.kind === 'long-log') await generateLongLog(spec, dir);
  else if (spec.kind === 'prices') await generatePrices(spec, dir);
  else await generateFundamentals(spec, dir);
  await writeFile(join(dir, MARKER_FILE), markerText(spec));
  return { seconds: (performance.now() - start) / 1000 };
});
