/**
 * A Parquet decoding worker (DESIGN.md §3: "Decode files in worker_threads, one per core").
 * It owns parquet-wasm instances; the main thread sends requests and receives Arrow IPC bytes
 * (transferred, not copied), which `tableFromIPC` reads as zero-copy views.
 *
 * Protocol (one `id` per open file; every request carries a `seq` that its one reply echoes):
 *   open  {path}                     → opened {schemaIpc, numRows} | error
 *   read  {columns, batchSize, rowGroups?} → ok | error     (starts the stream)
 *   next                             → batch {ipc} | done | error
 *   close                            → closed
 * The main thread asks for one batch at a time, so a slow consumer never lets a worker decode
 * ahead without bound.
 */
import { openAsBlob } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import * as parquet from 'parquet-wasm';

export type DecodeRequest = { readonly seq: number } & (
  | { readonly kind: 'open'; readonly id: number; readonly path: string }
  | { readonly kind: 'read'; readonly id: number; readonly columns: readonly string[]; readonly batchSize: number; readonly rowGroups?: readonly number[] }
  | { readonly kind: 'next'; readonly id: number }
  | { readonly kind: 'close'; readonly id: number }
);

export type DecodeReply =
  | { readonly kind: 'opened'; readonly id: number; readonly schemaIpc: Uint8Array; readonly numRows: number }
  | { readonly kind: 'ok'; readonly id: number }
  | { readonly kind: 'batch'; readonly id: number; readonly ipc: Uint8Array }
  | { readonly kind: 'done'; readonly id: number }
  | { readonly kind: 'closed'; readonly id: number }
  | { readonly kind: 'error'; readonly id: number; readonly message: string; readonly notFound?: boolean };

interface OpenFile {
  file: parquet.ParquetFile;
  reader?: ReadableStreamDefaultReader<parquet.RecordBatch>;
  /** Batches decoded (or being decoded) ahead of the main thread's `next`, in order; null = end. */
  ahead: Promise<Uint8Array | null>[];
}

/**
 * Batches a worker decodes ahead per open file, without waiting to be asked. The scan consumes
 * one file at a time while the next ones are open (storage/scan/prefetch.ts); without this, a
 * worker holding a later file would decode one batch and sit idle, and the files would decode
 * one after another. 16 batches of 64k rows is a whole 1M-row file of a few columns.
 */
const READ_AHEAD = 16;

function fillAhead(open: OpenFile): void {
  const reader = open.reader;
  if (reader === undefined) return;
  while (open.ahead.length < READ_AHEAD) {
    const last = open.ahead[open.ahead.length - 1];
    // Stop queueing past the end: a read after `done` would only resolve done again.
    const batch = (last ?? Promise.resolve(new Uint8Array(0))).then((prev) => (prev === null ? null : reader.read().then((next) => (next.done ? null : next.value.intoIPCStream()))));
    // A failed decode is reported by the `next` that awaits it; the ones queued behind it must
    // not become unhandled rejections (they would take the worker down).
    batch.catch(() => undefined);
    open.ahead.push(batch);
  }
}

const files = new Map<number, OpenFile>();

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
      const file = await parquet.ParquetFile.fromFile(blob);
      files.set(id, { file, ahead: [] });
      const schemaIpc = file.schema().intoIPCStream();
      return { reply: { kind: 'opened', id, schemaIpc, numRows: file.metadata().fileMetadata().numRows() }, transfer: [schemaIpc.buffer as ArrayBuffer] };
    }
    case 'read': {
      const open = files.get(id);
      if (!open) return { reply: { kind: 'error', id, message: 'read before open' } };
      const rowGroups = request.rowGroups === undefined ? {} : { rowGroups: [...request.rowGroups] };
      const stream = await open.file.stream({ columns: [...request.columns], batchSize: request.batchSize, ...rowGroups });
      open.reader = stream.getReader();
      open.ahead = [];
      fillAhead(open);
      return { reply: { kind: 'ok', id } };
    }
    case 'next': {
      const open = files.get(id);
      const first = open?.ahead.shift();
      if (!open || first === undefined) return { reply: { kind: 'error', id, message: 'next before read' } };
      fillAhead(open);
      const ipc = await first;
      if (ipc === null) return { reply: { kind: 'done', id } };
      return { reply: { kind: 'batch', id, ipc }, transfer: [ipc.buffer as ArrayBuffer] };
    }
    case 'close': {
      const open = files.get(id);
      files.delete(id);
      if (open) {
        // Reads queued ahead settle (or fail) once the stream is cancelled; nobody awaits them.
        for (const pending of open.ahead) pending.catch(() => undefined);
        await open.reader?.cancel().catch(() => undefined);
        open.file.free();
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
