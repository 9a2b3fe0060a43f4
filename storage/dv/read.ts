/**
 * Loading a deletion vector: from the log (inline) or from its file, checked, into row indexes.
 *
 * reference/delta-protocol.md §5: "DV file layout: one version byte (1), then for each DV a
 * big-endian int32 size, the bitmap, and a big-endian CRC-32. `offset` points at the size field
 * (1 for the first DV)." and "Check that the decoded cardinality equals `cardinality`."
 */
import { crc32 } from 'node:zlib';
import { require, SqlError } from '../../common/sql-error.js';
import { NotFoundError, type ObjectStore } from '../object-store/object-store.js';
import { dvAbsolutePath, type DeletionVectorDescriptor } from './descriptor.js';
import { parseDeletionVectorBitmap } from './roaring.js';
import { decodeZ85 } from './z85.js';

/** The only DV file format version: the file's first byte. */
const DV_FILE_FORMAT_VERSION = 1;
/** Bytes around each bitmap in a DV file: the int32 size before it, the CRC-32 after it. */
const FRAMING_BYTES = 8;

/**
 * The deleted row indexes of one data file, sorted ascending without duplicates (a Float64Array:
 * row indexes are exact up to 2^53). Feed them to `keepMask` per batch.
 *
 * Raises `SqlError.corruptData` (`XX001`), naming the DV file or "inline deletion vector", when the
 * file is missing or too short, its version byte, size field or CRC-32 is wrong, the bitmap is
 * malformed, or the number of rows differs from the descriptor's `cardinality`. Other I/O failures
 * become `SqlError.ioError` (`58030`).
 *
 * @example
 * const deleted = await loadDeletionVector(store, '/data/events', add.deletionVector);
 */
export async function loadDeletionVector(
  store: ObjectStore,
  tableRoot: string,
  d: DeletionVectorDescriptor,
): Promise<Float64Array> {
  const inline = d.storageType === 'i';
  const where = inline ? 'inline deletion vector' : dvAbsolutePath(tableRoot, d);
  require(Number.isSafeInteger(d.sizeInBytes) && d.sizeInBytes > 0, () =>
    SqlError.corruptData(where, `deletion vector sizeInBytes ${d.sizeInBytes} is not a positive integer`),
  );
  require(Number.isSafeInteger(d.cardinality) && d.cardinality >= 0, () =>
    SqlError.corruptData(where, `deletion vector cardinality ${d.cardinality} is not a non-negative integer`),
  );

  const bitmap = inline ? inlineBitmap(d) : await readBitmapFromFile(store, where, d);
  const rows = parseDeletionVectorBitmap(bitmap, where);
  require(rows.length === d.cardinality, () =>
    SqlError.corruptData(where, `deletion vector holds ${rows.length} rows, the log says cardinality ${d.cardinality}`),
  );
  return rows;
}

/**
 * "`i`: the bitmap itself, Z85-encoded, inside the log." Writers may pad the bytes to a multiple
 * of 4 (Spark pads with zeros), so only the first `sizeInBytes` decoded bytes are the bitmap.
 */
function inlineBitmap(d: DeletionVectorDescriptor): Uint8Array {
  const where = 'inline deletion vector';
  const bytes = decodeZ85(d.pathOrInlineDv, where);
  require(bytes.length >= d.sizeInBytes, () =>
    SqlError.corruptData(where, `decodes to ${bytes.length} bytes, the log says sizeInBytes ${d.sizeInBytes}`),
  );
  return bytes.subarray(0, d.sizeInBytes);
}

/** Reads `size | bitmap | crc` at the descriptor's offset and checks the framing; returns the bitmap. */
async function readBitmapFromFile(store: ObjectStore, path: string, d: DeletionVectorDescriptor): Promise<Uint8Array> {
  const offset = d.offset ?? 1;
  require(Number.isSafeInteger(offset) && offset >= 1, () =>
    SqlError.corruptData(path, `deletion vector offset ${offset} is not a positive integer`),
  );
  const length = d.sizeInBytes + FRAMING_BYTES;
  // The first DV sits right after the version byte: one read covers both. Otherwise read the
  // version byte on its own rather than every DV in front of ours; it is the one check that the
  // file is a DV file of a format we know.
  const [head, framed] =
    offset === 1
      ? splitAt(await readRange(store, path, 0, 1 + length), 1)
      : await Promise.all([readRange(store, path, 0, 1), readRange(store, path, offset, length)]);
  require(head.length === 1 && framed.length === length, () =>
    SqlError.corruptData(path, `file ends before the deletion vector at offset ${offset} (${length} bytes) does`),
  );
  require(head[0] === DV_FILE_FORMAT_VERSION, () =>
    SqlError.corruptData(path, `deletion vector file format version is ${head[0]}, expected ${DV_FILE_FORMAT_VERSION}`),
  );

  const view = new DataView(framed.buffer, framed.byteOffset, framed.byteLength);
  const size = view.getInt32(0, false);
  require(size === d.sizeInBytes, () =>
    SqlError.corruptData(path, `deletion vector at offset ${offset} has size ${size}, the log says sizeInBytes ${d.sizeInBytes}`),
  );
  const bitmap = framed.subarray(4, 4 + size);
  const stored = view.getUint32(4 + size, false);
  const actual = crc32(bitmap);
  require(stored === actual, () =>
    SqlError.corruptData(path, `deletion vector at offset ${offset} fails its CRC-32 check (stored ${hex(stored)}, computed ${hex(actual)})`),
  );
  return bitmap;
}

async function readRange(store: ObjectStore, path: string, offset: number, length: number): Promise<Uint8Array> {
  try {
    return await store.getRange(path, offset, length);
  } catch (err) {
    if (err instanceof NotFoundError) throw SqlError.corruptData(path, 'deletion vector file does not exist', err);
    throw SqlError.ioError(path, err);
  }
}

function splitAt(bytes: Uint8Array, at: number): [Uint8Array, Uint8Array] {
  return [bytes.subarray(0, Math.min(at, bytes.length)), bytes.subarray(Math.min(at, bytes.length))];
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}
