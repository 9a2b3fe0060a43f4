/**
 * Decodes planned flat columns row group by row group: each column chunk is read with one ranged
 * read, decoded whole (column-chunk.ts), then cut into batches of `batchSize` rows — within a row
 * group, as parquet-wasm's stream cuts them (a batch never spans two row groups).
 */
import type { FileMetaData } from 'hyparquet';
import { decodeChunk } from './column-chunk.js';
import type { FlatColumn } from './column-plan.js';
import { Declined } from './decline.js';
import type { RawBatch, RawColumn } from './raw-batch.js';
import { ChunkSlicer } from './slice.js';

/** Ranged reads of a file: bytes [start, end). */
export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** The batches of one row group, in order. */
export async function decodeRowGroup(source: ByteSource, meta: FileMetaData, columns: readonly FlatColumn[], rowGroup: number, batchSize: number): Promise<RawBatch[]> {
  const group = meta.row_groups[rowGroup];
  if (group === undefined) throw new Declined(`row group ${rowGroup} does not exist`);
  const rows = Number(group.num_rows);
  if (rows === 0) return [];
  const chunks = await Promise.all(
    columns.map(async (column) => {
      const md = group.columns[column.chunkIndex]?.meta_data;
      if (md === undefined) throw new Declined(`column ${column.name}: no chunk metadata`);
      if (Number(md.num_values) !== rows) throw new Declined(`column ${column.name}: ${md.num_values} values in a row group of ${rows} rows`);
      const dataAt = Number(md.data_page_offset);
      const dictAt = md.dictionary_page_offset === undefined ? 0 : Number(md.dictionary_page_offset);
      // Some writers leave dictionary_page_offset 0 or point data_page_offset at the dictionary.
      const start = dictAt > 0 && dictAt < dataAt ? dictAt : dataAt;
      const end = start + Number(md.total_compressed_size);
      if (start <= 0 || end > source.size) throw new Declined(`column ${column.name}: chunk outside the file`);
      const bytes = await source.read(start, end);
      return new ChunkSlicer(decodeChunk(bytes, column, rows, md.codec, Number(md.total_uncompressed_size)), column);
    }),
  );
  const names = columns.map((c) => c.name);
  const batches: RawBatch[] = [];
  for (let start = 0; start < rows; start += batchSize) {
    const end = Math.min(rows, start + batchSize);
    const out: RawColumn[] = chunks.map((slicer) => slicer.next(start, end));
    batches.push({ length: end - start, names, columns: out });
  }
  return batches;
}
