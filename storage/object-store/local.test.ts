import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from './local.js';

const store = new LocalObjectStore();
const dir = () => mkdtempSync(join(tmpdir(), 'deltasql-store-'));

describe('LocalObjectStore writes', () => {
  it('putIfAbsent creates once, then reports false and leaves the first bytes and no staging file', async () => {
    const d = dir();
    const path = join(d, '_delta_log', '00000000000000000000.json');
    expect(await store.putIfAbsent(path, new TextEncoder().encode('first'))).toBe(true);
    expect(await store.putIfAbsent(path, new TextEncoder().encode('second'))).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(readdirSync(join(d, '_delta_log'))).toEqual(['00000000000000000000.json']);
  });

  it('of many concurrent putIfAbsent calls on one path exactly one wins', async () => {
    const path = join(dir(), 'x.json');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.putIfAbsent(path, new TextEncoder().encode(String(i)))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(readFileSync(path, 'utf8')).toBe(String(results.indexOf(true)));
  });

  it('put creates folders; delete and deletePrefix tolerate what is already gone', async () => {
    const d = dir();
    await store.put(join(d, 'a=1', 'f.parquet'), new Uint8Array([1, 2]));
    expect([...readFileSync(join(d, 'a=1', 'f.parquet'))]).toEqual([1, 2]);
    await store.delete(join(d, 'a=1', 'f.parquet'));
    await store.delete(join(d, 'a=1', 'f.parquet'));
    await store.deletePrefix(d);
    await store.deletePrefix(d);
    expect(await store.listFiles(d)).toEqual([]);
  });

  it('listFiles drops files that vanish between readdir and stat instead of failing', async () => {
    const d = dir();
    let churning = true;
    const churn = (async () => {
      for (let i = 0; churning; i++) {
        const f = join(d, `.staging-${i}.tmp`);
        writeFileSync(f, 'x');
        rmSync(f, { force: true });
        await new Promise((r) => setImmediate(r));
      }
    })();
    writeFileSync(join(d, 'kept.json'), 'k');
    for (let i = 0; i < 300; i++) expect((await store.listFiles(d)).map((f) => f.path)).toContain(join(d, 'kept.json'));
    churning = false;
    await churn;
  });
});
