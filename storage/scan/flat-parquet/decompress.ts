/**
 * Page decompression for the codecs the flat decoder covers: UNCOMPRESSED, SNAPPY (`hysnappy`,
 * a C snappy decoder compiled to WebAssembly, from hyparquet's authors) and GZIP (node:zlib).
 * Other codecs are declined when the read is planned (column-plan.ts), never here.
 *
 * Why hysnappy: on the benchmark's price columns (random doubles, ratio 0.6, many short copies)
 * it decompresses at 1.4 GB/s against 0.3 GB/s for the napi-rs `snappy` binary and 0.5 GB/s for
 * a JavaScript decoder; on high-ratio dictionary-code pages both reach 5–6 GB/s. It needs the
 * output length up front, which every Parquet page header gives. A snappy page is read where the
 * decoder wrote it (snappy.ts): the bytes `decompress` answers are valid until its next call on
 * this thread, and every caller copies what it keeps.
 */
import { gunzipSync } from 'node:zlib';
import type { CompressionCodec } from 'hyparquet';
import { Declined } from './decline.js';
import { pageUncompressor, type PageUncompress } from './snappy.js';

/** This thread's WebAssembly instance, made on first use (each decode worker has its own). */
let snappyInstance: PageUncompress | undefined;

/**
 * Snappy-decompresses one page. The stream's own length preamble must equal the page header's
 * size (else the data is corrupt); a failure drops the instance, since a trap can leave its
 * stack pointer mid-call, and the next page gets a fresh one.
 */
function uncompressSnappy(input: Uint8Array, uncompressedSize: number): Uint8Array {
  const declared = snappyLength(input);
  if (declared !== uncompressedSize) throw new Declined(`snappy page of ${declared} bytes, header says ${uncompressedSize}`);
  snappyInstance ??= pageUncompressor();
  try {
    return snappyInstance(input, uncompressedSize);
  } catch (err) {
    snappyInstance = undefined;
    throw new Declined(`snappy: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The uncompressed length a snappy stream starts with (a little-endian base-128 varint), or -1. */
function snappyLength(input: Uint8Array): number {
  let length = 0;
  for (let i = 0, shift = 0; i < 5 && i < input.length; i++, shift += 7) {
    const byte = input[i] as number;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return length;
  }
  return -1;
}

export const SUPPORTED_CODECS: ReadonlySet<CompressionCodec> = new Set(['UNCOMPRESSED', 'SNAPPY', 'GZIP']);

/**
 * The page bytes uncompressed, valid until the next call (see above); a size other than the page
 * header's is corrupt data.
 */
export function decompress(codec: CompressionCodec, input: Uint8Array, uncompressedSize: number): Uint8Array {
  let out: Uint8Array;
  switch (codec) {
    case 'UNCOMPRESSED':
      out = input;
      break;
    case 'SNAPPY':
      out = uncompressSnappy(input, uncompressedSize);
      break;
    case 'GZIP':
      out = gunzipSync(input);
      break;
    default:
      throw new Declined(`codec ${codec}`);
  }
  if (out.length !== uncompressedSize) throw new Declined(`page decompressed to ${out.length} bytes, header says ${uncompressedSize}`);
  return out;
}
