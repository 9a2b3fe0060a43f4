/**
 * The flat decoder's entry point: a read of some columns over some row groups, decoded here when
 * every column is covered (column-plan.ts), else by parquet-wasm (`fallback`). A surprise inside
 * a row group — a page the decoder does not cover, or data it cannot decode — hands that row group
 * and the ones after it to parquet-wasm; since neither reader lets a batch span row groups, the
 * batches are the same as parquet-wasm's alone, and corrupt data raises parquet-wasm's error.
 */
import type { FileHandle } from 'node:fs/promises';
import type * as arrow from 'apache-arrow';
import { parquetMetadataAsync, type FileMetaData } from 'hyparquet';
import type { BufferPool } from './buffer-pool.js';
import { planColumns } from './column-plan.js';
import { Declined } from './decline.js';
import { decodeRowGroup, type ByteSource } from './read-row-groups.js';
import type { KeySet } from './key-set.js';
import type { PartialAggregateRequest } from './partial-aggregate.js';
import type { RawBatch } from './raw-batch.js';

export interface FlatReadRequest {
  readonly columns: readonly string[];
  readonly batchSize: number;
  readonly rowGroups?: readonly number[];
  /**
   * The caller needs only the set of values of its one column: a row group may answer each value
   * it holds once, in any order, instead of every row (read-row-groups.ts). Ignored for several
   * columns, and by the parquet-wasm fallback (which answers every row: still every value).
   */
  readonly distinctValues?: boolean;
  /**
   * The caller aggregates by one column: a row group may answer one row of partial states per key
   * instead of its rows (partial-aggregate.ts). The parquet-wasm fallback answers the rows.
   */
  readonly partialAggregate?: PartialAggregateRequest;
  /**
   * The caller drops rows whose key is outside a set (a hash join's build keys): a row group may
   * answer only the rows inside every set (key-set.ts). The parquet-wasm fallback answers every row.
   */
  readonly keySets?: readonly KeySet[];
}

/** The flat decoder may be switched off (DELTASQL_FAST_PARQUET=0), e.g. to compare timings. */
export function flatDecoderEnabled(): boolean {
  return process.env.DELTASQL_FAST_PARQUET !== '0';
}

/**
 * Yields the read's pieces in order: `fast` wraps one row group's decoded batches; `fallback`
 * streams parquet-wasm's batches for the given row groups (undefined = the request's own).
 * `onDecline` hears why the flat decoder gave up (tests count declines).
 */
export async function* readFlatOrFallback<T>(
  source: ByteSource,
  meta: () => Promise<FileMetaData>,
  fields: readonly arrow.Field[],
  request: FlatReadRequest,
  fast: (batches: RawBatch[]) => T,
  fallback: (rowGroups: readonly number[] | undefined) => AsyncIterable<T>,
  onDecline?: (reason: string) => void,
): AsyncGenerator<T> {
  if (!flatDecoderEnabled()) {
    onDecline?.('disabled by DELTASQL_FAST_PARQUET=0');
    yield* fallback(request.rowGroups);
    return;
  }
  let metadata: FileMetaData;
  try {
    metadata = await meta();
  } catch (err) {
    onDecline?.(`footer: ${errorText(err)}`);
    yield* fallback(request.rowGroups);
    return;
  }
  const plan = planColumns(metadata, fields, request.columns, request.rowGroups);
  if ('decline' in plan) {
    onDecline?.(plan.decline);
    yield* fallback(request.rowGroups);
    return;
  }
  const groups = request.rowGroups ?? metadata.row_groups.map((_, i) => i);
  for (let k = 0; k < groups.length; k++) {
    let batches: RawBatch[];
    try {
      batches = await decodeRowGroup(source, metadata, plan.columns, groups[k] as number, request.batchSize, request.distinctValues === true, request.partialAggregate, request.keySets);
    } catch (err) {
      onDecline?.(errorText(err));
      yield* fallback(k === 0 ? request.rowGroups : groups.slice(k));
      return;
    }
    if (batches.length > 0) yield fast(batches);
  }
}

/**
 * An open file's bytes as a ByteSource: one handle for every read (a Blob from `openAsBlob` opens
 * the file per slice). With a pool, reads land in its buffers and are given back to it.
 */
export function fileSource(handle: FileHandle, size: number, pool?: BufferPool): ByteSource {
  return {
    size,
    ...(pool === undefined ? {} : { release: (bytes: Uint8Array) => pool.give(bytes) }),
    read: async (start, end) => {
      const out = pool === undefined ? new Uint8Array(end - start) : pool.take(end - start);
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await handle.read(out, done, out.length - done, start + done);
        if (bytesRead === 0) throw new Declined(`file ends at ${start + done}, before ${end}`);
        done += bytesRead;
      }
      return out;
    },
  };
}

/** Small files' footers fit in one read; bigger footers cost a second. */
const FOOTER_FETCH_BYTES = 64 * 1024;

/**
 * The file's footer as hyparquet reads it, by ranged reads of `source` — one that answers bytes
 * of their own (not a pool's: hyparquet keeps their whole buffers).
 */
export function footerOf(source: ByteSource): Promise<FileMetaData> {
  return parquetMetadataAsync(
    { byteLength: source.size, slice: (start, end) => source.read(start, end ?? source.size).then((bytes) => bytes.buffer as ArrayBuffer) },
    { initialFetchSize: Math.min(source.size, FOOTER_FETCH_BYTES) },
  );
}

/** A Blob's bytes as a ByteSource (a store's blob). */
export function blobSource(blob: Blob): ByteSource {
  return { size: blob.size, read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()) };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
