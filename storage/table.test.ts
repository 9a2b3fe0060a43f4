import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from './object-store/local.js';
import { DeltaTable } from './table.js';
import { corpusPath, corpusTables } from './testing/corpus.js';

const store = new LocalObjectStore();
const readable = corpusTables().filter((t) => !t.expected.error);

describe('log replay over the corpus', () => {
  describe.each(readable.map((t) => [t.name, t] as const))('%s', (name, manifest) => {
    it('the latest snapshot has the version and live file count MANIFEST gives', async () => {
      const table = new DeltaTable(store, corpusPath(name), name);
      const snapshot = await table.latest();
      const last = manifest.versions[manifest.versions.length - 1]!;
      expect(snapshot.version).toBe(last.version);
      expect(snapshot.files.length).toBe(last.numFiles);
    });

    it('every reconstructable version has MANIFEST\'s file count, and cleaned-up ones are refused', async () => {
      const table = new DeltaTable(store, corpusPath(name), name);
      for (const v of manifest.versions) {
        if (v.reconstructable === false) {
          await expect(table.atVersion(v.version)).rejects.toMatchObject({ sqlstate: '22023', message: expect.stringContaining('no longer available') });
        } else {
          const snapshot = await table.atVersion(v.version);
          expect(snapshot.files.length, `version ${v.version}`).toBe(v.numFiles);
        }
      }
    });
  });
});
