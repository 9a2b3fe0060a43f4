/**
 * A Parquet decoding worker (DESIGN.md §3: "Decode files in worker_threads, one per core").
 * It owns parquet-wasm instances; the main thread sends requests and receives Arrow IPC bytes
 * (transferred, not copied), which `tableFromIPC` reads as zero-copy views.
 *
 * Flat columns are decoded by storage/scan/flat-parquet (raw buffers, one reply per row group,
 * no IPC); anything else by parquet-wasm, whose batches cross as Arrow IPC. A flat file is opened
 * from its footer alone (flat-parquet/arrow-fields.ts): parquet-wasm opens it only for a fallback.
 *
 * Protocol (one `id` per open file; every request carries a `seq` that its one reply echoes):
 *   open  {path}                     → opened {schemaIpc, numRows} | error
 *   read  {columns, batchSize, rowGroups?, distinctValues?, partialAggregate?, keySets?} → ok | error   (starts the stream)
 *   next                             → batch {ipc, last} | raw {batches, last} | done | error
 *                                      (`last`: the stream is known to end after this piece, so
 *                                      the reader asks no more; `raw`: a row group's batches, with
 *                                      those of the next ones already decoded while they add up
 *                                      to at most one batch size)
 *   close                            → closed
 * The main thread asks for one batch at a time, so a slow consumer never lets a worker decode
 * ahead without bound.
 */
import { openAsBlob } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import { schemaFromIPC, schemaToIPC } from '../../common/arrow/ipc-schema.js';
import type { FileMetaData } from 'hyparquet';
import * as parquet from 'parquet-wasm';
import { flatArrowFields } from './flat-parquet/arrow-fields.js';
import { BufferPool } from './flat-parquet/buffer-pool.js';
import type { KeySet } from './flat-parquet/key-set.js';
import type { PartialAggregateRequest } from './flat-parquet/partial-aggregate.js';
import { rawBuffers, type RawBatch } from './flat-parquet/raw-batch.js';
import { fileSource, footerOf, readFlatOrFallback } from './flat-parquet/read.js';
import { ReadAhead, Turns } from './read-ahead.js';

export type DecodeRequest = { readonly seq: number } & (
  | { readonly kind: 'open'; readonly id: number; readonly path: string }
  | { readonly kind: 'read'; readonly id: number; readonly columns: readonly string[]; readonly batchSize: number; readonly rowGroups?: readonly number[]; readonly distinctValues?: boolean; readonly partialAggregate?: PartialAggregateRequest; readonly keySets?: readonly KeySet[] }
  | { readonly kind: 'next'; readonly id: number }
  | { readonly kind: 'close'; readonly id: number }
);

export type DecodeReply =
  | { readonly kind: 'opened'; readonly id: number; readonly schemaIpc: Uint8Array; readonly numRows: number }
  | { readonly kind: 'ok'; readonly id: number }
  | { readonly kind: 'batch'; readonly id: number; readonly ipc: Uint8Array; readonly last: boolean }
  | { readonly kind: 'raw'; readonly id: number; readonly batches: readonly RawBatch[]; readonly last: boolean }
  | { readonly kind: 'done'; readonly id: number }
  | { readonly kind: 'closed'; readonly id: number }
  | { readonly kind: 'error'; readonly id: number; readonly message: string; readonly notFound?: boolean };

/** What one `next` carries: a parquet-wasm batch as IPC, or a row group's flat-decoded batches. */
type Piece = { readonly kind: 'ipc'; readonly ipc: Uint8Array } | { readonly kind: 'raw'; readonly batches: RawBatch[] };

interface OpenFile {
  /** parquet-wasm's reader: made at open when the footer alone does not give the fields, else on a fallback read. */
  file?: Promise<parquet.ParquetFile>;
  blob: Blob;
  /** The file opened once for the flat decoder's ranged reads. */
  handle: FileHandle;
  fields: readonly arrow.Field[];
  /** The footer as hyparquet reads it (for the flat decoder and the fields), read at open. */
  footer: Promise<FileMetaData>;
  /** The current read, decoded ahead of the main thread's `next`, and its batch size. */
  ahead?: ReadAhead<Piece>;
  batchSize?: number;
}

/**
 * Rows a worker decodes ahead per open file, without waiting to be asked (read-ahead.ts), and at
 * most this many pieces: 16 batches of 64k rows is a whole 1M-row file of a few columns.
 */
const READ_AHEAD_ROWS = 1 << 20;
const READ_AHEAD_PIECES = 16;

/** parquet-wasm's stream of the columns, batch by batch as IPC (the fallback of the flat decoder). */
async function* wasmPieces(file: parquet.ParquetFile, columns: readonly string[], batchSize: number, rowGroups: readonly number[] | undefined): AsyncGenerator<Piece> {
  const stream = await file.stream({ columns: [...columns], batchSize, ...(rowGroups === undefined ? {} : { rowGroups: [...rowGroups] }) });
  const reader = stream.getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      yield { kind: 'ipc', ipc: next.value.intoIPCStream() };
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function rawRows(batches: readonly RawBatch[]): number {
  return batches.reduce((n, b) => n + b.length, 0);
}

const files = new Map<number, OpenFile>();

/** Column-chunk buffers, reused across this worker's row groups (it decodes one at a time). */
const chunkBuffers = new BufferPool();

/** The worker decodes its open files' pieces one at a time, the earliest opened (scanned) first. */
const turns = new Turns();

async function handle(request: DecodeRequest): Promise<{ reply: DecodeReply; transfer?: ArrayBuffer[] }> {
  const { id } = request;
  switch (request.kind) {
    case 'open': {
      let blob: Blob;
      try {
        blob = await openAsBlob(request.path);
      } catch (err) {
        return { reply: { kind: 'error', id, message: (err as Error).message, notFound: true } };
      }
      const handle = await openFile(request.path, 'r');
      try {
        const footer = footerOf(fileSource(handle, blob.size));
        // A flat file's fields come from the footer (arrow-fields.ts); parquet-wasm reads the
        // others' — and reports a footer it cannot read, as before.
        const meta = await footer.catch(() => undefined);
        const flat = meta === undefined ? undefined : flatArrowFields(meta);
        if (flat !== undefined && meta !== undefined) {
          const schemaIpc = schemaToIPC(new arrow.Schema(flat));
          files.set(id, { blob, handle, fields: flat, footer });
          return { reply: { kind: 'opened', id, schemaIpc, numRows: Number(meta.num_rows) }, transfer: [schemaIpc.buffer as ArrayBuffer] };
        }
        const file = await parquet.ParquetFile.fromFile(blob);
        const schemaIpc = file.schema().intoIPCStream();
        files.set(id, { file: Promise.resolve(file), blob, handle, fields: schemaFromIPC(schemaIpc).fields, footer });
        return { reply: { kind: 'opened', id, schemaIpc, numRows: file.metadata().fileMetadata().numRows() }, transfer: [schemaIpc.buffer as ArrayBuffer] };
      } catch (err) {
        await handle.close().catch(() => undefined);
        throw err;
      }
    }
    case 'read': {
      const open = files.get(id);
      if (!open) return { reply: { kind: 'error', id, message: 'read before open' } };
      const { blob, footer } = open;
      const source = fileSource(open.handle, blob.size, chunkBuffers);
      footer.catch(() => undefined); // a bad footer is the flat decoder's decline, reported there
      const { columns, batchSize } = request;
      const pieces = readFlatOrFallback<Piece>(
        source,
        () => footer,
        open.fields,
        request,
        (batches) => ({ kind: 'raw', batches }),
        async function* (rowGroups) {
          yield* wasmPieces(await (open.file ??= parquet.ParquetFile.fromFile(blob)), columns, batchSize, rowGroups);
        },
      );
      await open.ahead?.close();
      // An IPC piece is one batch of at most batchSize rows.
      open.ahead = new ReadAhead(pieces, (p) => (p.kind === 'raw' ? rawRows(p.batches) : batchSize), READ_AHEAD_ROWS, READ_AHEAD_PIECES, { queue: turns, priority: id });
      open.batchSize = batchSize;
      return { reply: { kind: 'ok', id } };
    }
    case 'next': {
      const open = files.get(id);
      const ahead = open?.ahead;
      if (ahead === undefined) return { reply: { kind: 'error', id, message: 'next before read' } };
      const piece = await ahead.next();
      if (piece === null) return { reply: { kind: 'done', id } };
      if (piece.kind === 'raw') {
        // Row groups decoded already go along while they add up to one batch: a read narrowed to a
        // join's keys answers a few rows per row group, each one reply (a round trip) otherwise.
        const batches = [...piece.batches];
        let rows = rawRows(batches);
        const budget = open?.batchSize ?? 0;
        for (let more = ahead.nextReady((p) => p.kind === 'raw' && rows + rawRows(p.batches) <= budget); more?.kind === 'raw'; more = ahead.nextReady((p) => p.kind === 'raw' && rows + rawRows(p.batches) <= budget)) {
          batches.push(...more.batches);
          rows += rawRows(more.batches);
        }
        return { reply: { kind: 'raw', id, batches, last: ahead.drained }, transfer: rawBuffers(batches) };
      }
      const last = ahead.drained;
      return { reply: { kind: 'batch', id, ipc: piece.ipc, last }, transfer: [piece.ipc.buffer as ArrayBuffer] };
    }
    case 'close': {
      const open = files.get(id);
      files.delete(id);
      if (open) {
        await open.ahead?.close();
        await open.handle.close().catch(() => undefined);
        (await open.file?.catch(() => undefined))?.free();
      }
      return { reply: { kind: 'closed', id } };
    }
  }
}

parentPort?.on('message', (request: DecodeRequest) => {
  handle(request).then(
    ({ reply, transfer }) => parentPort?.postMessage({ ...reply, seq: request.seq }, transfer ?? []),
    (err: unknown) => parentPort?.postMessage({ kind: 'error', id: request.id, seq: request.seq, message: err instanceof Error ? err.message : String(err) }),
  );
});
