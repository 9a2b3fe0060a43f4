import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../object-store/local.js';
import { tempTableDir } from '../write/testing/batches.js';
import { dvAbsolutePath } from './descriptor.js';
import { loadDeletionVector } from './read.js';
import { parseDeletionVectorBitmap } from './roaring.js';
import { serializeDeletionVectorBitmap, writeDeletionVector } from './write.js';

const cases: [string, number[]][] = [
  ['a few rows in one array container', [0, 3, 65535]],
  ['rows across several containers', [1, 70_000, 140_000, 1_000_000]],
  ['more than 4,096 rows in one container (a bitmap container)', Array.from({ length: 5000 }, (_, i) => i * 13)],
  ['rows above 2^32 (a second treemap bucket)', [5, 2 ** 32 + 7, 2 ** 33 + 65_536]],
];

describe('serializing deletion vectors (RoaringTreemap portable format)', () => {
  it.each(cases)('%s reads back through the DV reader', (_name, rows) => {
    const bytes = serializeDeletionVectorBitmap(Float64Array.from(rows));
    expect([...parseDeletionVectorBitmap(bytes, 'test')]).toEqual(rows);
  });

  it('a DV file has version byte 1, a big-endian size, the bitmap and its big-endian CRC-32; the reader loads it by descriptor', async () => {
    const root = tempTableDir();
    const store = new LocalObjectStore();
    const rows = Float64Array.from([2, 5, 9]);
    const descriptor = await writeDeletionVector(store, root, rows);
    expect(descriptor).toMatchObject({ storageType: 'u', offset: 1, cardinality: 3 });
    expect(descriptor.pathOrInlineDv).toHaveLength(20);
    const file = readFileSync(dvAbsolutePath(root, descriptor));
    const bitmap = serializeDeletionVectorBitmap(rows);
    expect(file[0]).toBe(1);
    expect(file.readInt32BE(1)).toBe(bitmap.length);
    expect(descriptor.sizeInBytes).toBe(bitmap.length);
    expect(file.readUInt32BE(5 + bitmap.length)).toBe(crc32(bitmap));
    expect([...(await loadDeletionVector(store, root, descriptor))]).toEqual([2, 5, 9]);
  });
});
