/**
 * Page decompression for the codecs the flat decoder covers: UNCOMPRESSED, SNAPPY (the napi-rs
 * `snappy` package, a native binary that loads in worker threads too) and GZIP (node:zlib).
 * Other codecs are declined when the read is planned (column-plan.ts), never here.
 */
import { gunzipSync } from 'node:zlib';
import { uncompressSync } from 'snappy';
import type { CompressionCodec } from 'hyparquet';
import { Declined } from './decline.js';

export const SUPPORTED_CODECS: ReadonlySet<CompressionCodec> = new Set(['UNCOMPRESSED', 'SNAPPY', 'GZIP']);

/** The page bytes uncompressed; a size other than the page header's is corrupt data. */
export function decompress(codec: CompressionCodec, input: Uint8Array, uncompressedSize: number): Uint8Array {
  let out: Uint8Array;
  switch (codec) {
    case 'UNCOMPRESSED':
      out = input;
      break;
    case 'SNAPPY':
      out = uncompressSync(input, { asBuffer: true }) as Buffer;
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
