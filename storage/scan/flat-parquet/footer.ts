/**
 * A Parquet file's footer, read once with one ranged read of its tail (two when the metadata is
 * longer than the first read): hyparquet's parse of it (the flat decoder's plan), and the Arrow
 * schema parquet-wasm derives from it (`readSchema` over the magic number and the metadata alone —
 * arrow-rs reads a file's schema from its end), so a file is opened without parquet-wasm reading
 * the file itself. The Arrow schema is parquet-wasm's own, as the flat decoder must produce
 * exactly its types (column-plan.ts).
 */
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import * as parquet from 'parquet-wasm';
import { Declined } from './decline.js';
import type { ByteSource } from './read-row-groups.js';

/** Small files' footers fit in one read; bigger footers cost a second. */
const TAIL_BYTES = 64 * 1024;
const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"

export interface Footer {
  readonly metadata: FileMetaData;
  /** The file's Arrow schema as parquet-wasm reports it, as an IPC stream. */
  readonly schemaIpc: Uint8Array;
}

export async function readFooter(source: ByteSource, size: number): Promise<Footer> {
  if (size < 12) throw new Declined('file too short for a Parquet footer');
  let tail = await source.read(Math.max(0, size - TAIL_BYTES), size);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const metadataLength = view.getUint32(tail.length - 8, true);
  if (!MAGIC.every((b, i) => tail[tail.length - 4 + i] === b)) throw new Declined('no Parquet magic number at the end of the file');
  const needed = metadataLength + 8;
  if (needed > size - 4) throw new Declined('footer longer than the file');
  if (needed > tail.length) tail = await source.read(size - needed, size);
  const footerBytes = tail.subarray(tail.length - needed);
  const metadata = parquetMetadata(footerBytes.slice().buffer);
  // The magic number, then the metadata and its length and magic: a file to arrow-rs's footer reader.
  const shell = new Uint8Array(4 + needed);
  shell.set(MAGIC);
  shell.set(footerBytes, 4);
  const schemaIpc = parquet.readSchema(shell).intoIPCStream();
  return { metadata, schemaIpc };
}
