/**
 * Decodes planned flat columns row group by row group: each column chunk is read with one ranged
 * read, decoded whole (column-chunk.ts), then cut into batches of `batchSize` rows — within a row
 * group, as parquet-wasm's stream cuts them (a batch never spans two row groups).
 *
 * `distinctValues` (one column only): the caller needs only the column's set of values, so a
 * dictionary-encoded chunk answers its used dictionary entries once each (column-chunk.ts
 * `decodeChunkValues`) instead of every row.
 *
 * `partial`: the caller aggregates by one column, so the row group may answer one batch of partial
 * states per key instead (partial-aggregate.ts) — when its key chunk is dictionary-coded.
 */
import type { FileMetaData } from 'hyparquet';
import { decodeChunk, decodeChunkValues, type DecodedChunk } from './column-chunk.js';
import type { FlatColumn } from './column-plan.js';
import { aggregateRowGroup, type PartialAggregateRequest } from './partial-aggregate.js';
import { Declined } from './decline.js';
import type { RawBatch, RawColumn } from './raw-batch.js';
import { ChunkSlicer } from './slice.js';

/** Ranged reads of a file: bytes [start, end). */
export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** The batches of one row group, in order. */
export async function decodeRowGroup(source: ByteSource, meta: FileMetaData, columns: readonly FlatColumn[], rowGroup: number, batchSize: number, distinctValues = false, partial?: PartialAggregateRequest): Promise<RawBatch[]> {
  const group = meta.row_groups[rowGroup];
  if (group === undefined) throw new Declined(`row group ${rowGroup} does not exist`);
  const groupRows = Number(group.num_rows);
  if (groupRows === 0) return [];
  const valuesOnly = distinctValues && columns.length === 1;
  const decode = valuesOnly ? decodeChunkValues : decodeChunk;
  const chunks: DecodedChunk[] = await Promise.all(
    columns.map(async (column) => {
      const md = group.columns[column.chunkIndex]?.meta_data;
      if (md === undefined) throw new Declined(`column ${column.name}: no chunk metadata`);
      if (Number(md.num_values) !== groupRows) throw new Declined(`column ${column.name}: ${md.num_values} values in a row group of ${groupRows} rows`);
      const dataAt = Number(md.data_page_offset);
      const dictAt = md.dictionary_page_offset === undefined ? 0 : Number(md.dictionary_page_offset);
      // Some writers leave dictionary_page_offset 0 or point data_page_offset at the dictionary.
      const start = dictAt > 0 && dictAt < dataAt ? dictAt : dataAt;
      const end = start + Number(md.total_compressed_size);
      if (start <= 0 || end > source.size) throw new Declined(`column ${column.name}: chunk outside the file`);
      const bytes = await source.read(start, end);
      return decode(bytes, column, groupRows, md.codec, Number(md.total_uncompressed_size));
    }),
  );
  if (partial !== undefined) {
    const states = aggregateRowGroup(columns, chunks, partial);
    if (states !== undefined) return states.length === 0 ? [] : [states];
  }
  // A distinct-values chunk holds fewer rows than its row group.
  const rows = valuesOnly ? (chunks[0] as DecodedChunk).rows : groupRows;
  const slicers = chunks.map((chunk, k) => new ChunkSlicer(chunk, columns[k] as FlatColumn));
  const names = columns.map((c) => c.name);
  const batches: RawBatch[] = [];
  for (let start = 0; start < rows; start += batchSize) {
    const end = Math.min(rows, start + batchSize);
    const out: RawColumn[] = slicers.map((slicer) => slicer.next(start, end));
    batches.push({ length: end - start, names, columns: out });
  }
  return batches;
}
