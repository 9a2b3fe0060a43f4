import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * vitest global setup: the shared Delta corpus is read-only input for every test (writes go to
 * copies). This records every file of it (path, size, mtime) before the run and fails the run
 * if any test added, changed or removed one — CI runs as root, so the folder's permissions do
 * not stop a stray write.
 */
const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/delta-corpus');

function fingerprint(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) fingerprint(path, out);
    else {
      const s = statSync(path);
      out.set(relative(CORPUS, path), `${s.size}:${s.mtimeMs}`);
    }
  }
  return out;
}

export default function setup(): () => void {
  const before = fingerprint(CORPUS);
  return () => {
    const after = fingerprint(CORPUS);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p));
    if (changed.length > 0) {
      // vitest only logs an error thrown here: set the exit status too, so `npm test` and CI fail
      process.exitCode = 1;
      throw new Error(`tests modified the shared Delta corpus (${CORPUS}): ${changed.slice(0, 10).join(', ')} — write to a copy instead (storage/testing/corpus.ts copyCorpusTable)`);
    }
  };
}
