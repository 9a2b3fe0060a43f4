/**
 * Writing a deletion vector (reference/delta-protocol.md §5), the inverse of `read.ts` and
 * `roaring.ts`: row indexes → magic + portable RoaringTreemap → a DV file "one version byte (1),
 * then … a big-endian int32 size, the bitmap, and a big-endian CRC-32", named
 * `deletion_vector_<uuid>.bin` in the table root, described as storageType `u` with the
 * Z85-encoded UUID and `offset` 1.
 *
 * Containers are written as arrays (≤ 4096 values) or bitmaps, under cookie 12346 (no run
 * containers): every reader of the RoaringFormatSpec accepts it.
 */
import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { joinPath, type ObjectStore } from '../object-store/object-store.js';
import type { DeletionVectorDescriptor } from './descriptor.js';
import { DV_BITMAP_MAGIC } from './roaring.js';
import { encodeZ85 } from './z85.js';

const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const MAX_ARRAY_CARDINALITY = 4096;
const BITMAP_CONTAINER_BYTES = 8192;

/** Serializes sorted, distinct row indexes (< 2^53) as magic + portable RoaringTreemap. */
export function serializeDeletionVectorBitmap(rows: Float64Array): Uint8Array {
  // Group by high 32 bits, then by 16-bit container key.
  const buckets: { high: number; containers: { key: number; values: number[] }[] }[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    const high = Math.floor(row / 2 ** 32);
    const low = row - high * 2 ** 32;
    const key = low >>> 16;
    let bucket = buckets[buckets.length - 1];
    if (!bucket || bucket.high !== high) buckets.push((bucket = { high, containers: [] }));
    let container = bucket.containers[bucket.containers.length - 1];
    if (!container || container.key !== key) bucket.containers.push((container = { key, values: [] }));
    container.values.push(low & 0xffff);
  }
  let size = 4 + 8;
  for (const b of buckets) {
    size += 4 + 8 + b.containers.length * 8;
    for (const c of b.containers) size += c.values.length > MAX_ARRAY_CARDINALITY ? BITMAP_CONTAINER_BYTES : c.values.length * 2;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint32(at, DV_BITMAP_MAGIC, true);
  at += 4;
  view.setBigUint64(at, BigInt(buckets.length), true);
  at += 8;
  for (const b of buckets) {
    view.setUint32(at, b.high, true);
    at += 4;
    const n = b.containers.length;
    view.setUint32(at, SERIAL_COOKIE_NO_RUNCONTAINER, true);
    view.setUint32(at + 4, n, true);
    at += 8;
    for (const c of b.containers) {
      view.setUint16(at, c.key, true);
      view.setUint16(at + 2, c.values.length - 1, true);
      at += 4;
    }
    // Offsets are relative to the start of this 32-bit bitmap (its cookie).
    const bitmapStart = at - 8 - n * 4;
    let dataAt = at + n * 4;
    for (const c of b.containers) {
      view.setUint32(at, dataAt - bitmapStart, true);
      at += 4;
      dataAt += c.values.length > MAX_ARRAY_CARDINALITY ? BITMAP_CONTAINER_BYTES : c.values.length * 2;
    }
    for (const c of b.containers) {
      if (c.values.length > MAX_ARRAY_CARDINALITY) {
        for (const v of c.values) out[at + (v >> 3)] = (out[at + (v >> 3)] as number) | (1 << (v & 7));
        at += BITMAP_CONTAINER_BYTES;
      } else {
        for (const v of c.values) {
          view.setUint16(at, v, true);
          at += 2;
        }
      }
    }
  }
  return out;
}

/**
 * Writes `rows` (sorted, distinct) as a new DV file in the table root and returns its descriptor.
 */
export async function writeDeletionVector(store: ObjectStore, tableRoot: string, rows: Float64Array): Promise<DeletionVectorDescriptor> {
  const bitmap = serializeDeletionVectorBitmap(rows);
  const file = new Uint8Array(1 + 4 + bitmap.length + 4);
  const view = new DataView(file.buffer);
  file[0] = 1;
  view.setInt32(1, bitmap.length, false);
  file.set(bitmap, 5);
  view.setUint32(5 + bitmap.length, crc32(bitmap), false);
  const uuid = randomUUID();
  await store.put(joinPath(tableRoot, `deletion_vector_${uuid}.bin`), file);
  return { storageType: 'u', pathOrInlineDv: encodeZ85(uuidBytes(uuid)), offset: 1, sizeInBytes: bitmap.length, cardinality: rows.length };
}

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
