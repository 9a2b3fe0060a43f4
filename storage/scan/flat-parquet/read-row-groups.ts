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
 *
 * `keySets`: the caller drops rows whose key is outside a set, so the row group may answer only the
 * rows inside every set (key-set.ts). Their key columns are decoded first — one key column without
 * NULLs, dictionary-coded, is read run by run from its codes (`selectRowsInSet`) — and when no row
 * is in the sets, no other column is decoded.
 */
import type { CompressionCodec, FileMetaData } from 'hyparquet';
import { decodeChunk, decodeChunkValues, type DecodedChunk } from './column-chunk.js';
import type { FlatColumn } from './column-plan.js';
import { aggregateRowGroup, type PartialAggregateRequest } from './partial-aggregate.js';
import { Declined } from './decline.js';
import { intersectRows, keySetApplies, pickRows, rowsInSet, selectRowsInSet, type KeySet } from './key-set.js';
import type { RawBatch, RawColumn } from './raw-batch.js';
import { ChunkSlicer } from './slice.js';

/** Ranged reads of a file: bytes [start, end). */
export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
  /** Takes back bytes `read` answered once nothing reads them (their memory may be reused). */
  readonly release?: (bytes: Uint8Array) => void;
}

/** The batches of one row group, in order. */
export async function decodeRowGroup(
  source: ByteSource,
  meta: FileMetaData,
  columns: readonly FlatColumn[],
  rowGroup: number,
  batchSize: number,
  distinctValues = false,
  partial?: PartialAggregateRequest,
  keySets: readonly KeySet[] = [],
): Promise<RawBatch[]> {
  const group = meta.row_groups[rowGroup];
  if (group === undefined) throw new Declined(`row group ${rowGroup} does not exist`);
  const groupRows = Number(group.num_rows);
  if (groupRows === 0) return [];
  const valuesOnly = distinctValues && columns.length === 1;
  // Every chunk's bytes are asked for at once; the key sets' chunks are decoded first.
  const reads = columns.map((column) => {
    const md = group.columns[column.chunkIndex]?.meta_data;
    if (md === undefined) throw new Declined(`column ${column.name}: no chunk metadata`);
    if (Number(md.num_values) !== groupRows) throw new Declined(`column ${column.name}: ${md.num_values} values in a row group of ${groupRows} rows`);
    const dataAt = Number(md.data_page_offset);
    const dictAt = md.dictionary_page_offset === undefined ? 0 : Number(md.dictionary_page_offset);
    // Some writers leave dictionary_page_offset 0 or point data_page_offset at the dictionary.
    const start = dictAt > 0 && dictAt < dataAt ? dictAt : dataAt;
    const end = start + Number(md.total_compressed_size);
    if (start <= 0 || end > source.size) throw new Declined(`column ${column.name}: chunk outside the file`);
    const bytes = source.read(start, end);
    bytes.catch(() => undefined); // unread when no row is in the key sets
    return { bytes, codec: md.codec, uncompressed: Number(md.total_uncompressed_size) };
  });
  try {
    return await decodeReadChunks(reads, columns, groupRows, batchSize, valuesOnly, partial, keySets);
  } finally {
    // The decoded chunks hold copies (column-chunk.ts): the bytes go back once each read is done,
    // including the reads a row group outside the key sets never looked at.
    const release = source.release;
    if (release !== undefined) for (const read of reads) read.bytes.then(release, () => undefined);
  }
}

interface ChunkRead {
  readonly bytes: Promise<Uint8Array>;
  readonly codec: CompressionCodec;
  readonly uncompressed: number;
}

async function decodeReadChunks(
  reads: readonly ChunkRead[],
  columns: readonly FlatColumn[],
  groupRows: number,
  batchSize: number,
  valuesOnly: boolean,
  partial: PartialAggregateRequest | undefined,
  keySets: readonly KeySet[],
): Promise<RawBatch[]> {
  const decode = valuesOnly ? decodeChunkValues : decodeChunk;
  /** A column's chunk: every row, or only the rows `pick`. */
  const decodeColumn = async (k: number, pick?: Int32Array): Promise<DecodedChunk> => {
    const read = reads[k] as ChunkRead;
    const bytes = await read.bytes;
    const column = columns[k] as FlatColumn;
    return pick === undefined ? decode(bytes, column, groupRows, read.codec, read.uncompressed) : decodeChunk(bytes, column, groupRows, read.codec, read.uncompressed, pick);
  };
  const decoded: (DecodedChunk | undefined)[] = columns.map(() => undefined);
  let selected: Int32Array | undefined;
  /** A key column read run by run (key-set.ts `selectRowsInSet`): its chunk holds the selected rows only. */
  let selectedChunk: { readonly k: number; readonly chunk: DecodedChunk } | undefined;
  const sets = valuesOnly || partial !== undefined ? [] : keySets.flatMap((set) => {
    const k = columns.findIndex((c) => c.name === set.column);
    return k >= 0 && keySetApplies(columns[k] as FlatColumn) ? [{ set, k }] : [];
  });
  const only = sets.length === 1 ? sets[0] : undefined;
  if (only !== undefined) {
    const read = reads[only.k] as ChunkRead;
    const narrowed = selectRowsInSet(await read.bytes, columns[only.k] as FlatColumn, groupRows, read.codec, only.set);
    if (narrowed !== undefined) {
      if (narrowed.rows.length === 0) return [];
      selected = narrowed.rows;
      selectedChunk = { k: only.k, chunk: narrowed.chunk };
    }
  }
  if (selected === undefined) {
    for (const { set, k } of sets) {
      const chunk = (decoded[k] ??= await decodeColumn(k));
      const rows = rowsInSet(chunk, set);
      selected = selected === undefined ? rows : intersectRows(selected, rows);
      if (selected.length === 0) return [];
    }
  }
  // The key columns were decoded whole (or at the selected rows); the others only at the rows in the key sets.
  const pick = selected !== undefined && selected.length < groupRows ? selected : undefined;
  const chunks: DecodedChunk[] = await Promise.all(
    columns.map(async (_, k) => {
      if (selectedChunk?.k === k) return selectedChunk.chunk;
      const whole = decoded[k];
      if (whole === undefined) return decodeColumn(k, pick);
      return pick === undefined ? whole : pickRows(whole, pick);
    }),
  );
  if (partial !== undefined) {
    const states = aggregateRowGroup(columns, chunks, partial);
    if (states !== undefined) return states.length === 0 ? [] : [states];
  }
  // A distinct-values chunk, or one narrowed to the key sets, holds fewer rows than its row group.
  const rows = chunks[0]?.rows ?? groupRows;
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
