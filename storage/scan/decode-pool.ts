import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import { schemaFromIPC } from '../../common/arrow/ipc-schema.js';
import type { DecodeReply, DecodeRequest } from './decode-worker.js';
import { toRecordBatch } from './flat-parquet/to-arrow.js';
import type { ReadOptions } from './read-parquet.js';

/**
 * A pool of Parquet decoding workers, one per core (DESIGN.md §3). Files are spread across the
 * workers; within a file the caller pulls batches one at a time, and the next batch is already
 * being decoded while the current one is consumed (one batch of read-ahead per open file).
 *
 * The worker script is the compiled `decode-worker.js`; when running from TypeScript sources
 * (vitest) it does not exist and `DecodePool.shared()` answers undefined: the scan then decodes
 * on the calling thread, with the same results.
 *
 * A worker that dies (parquet-wasm panics on some corrupt pages) fails the reads it was serving
 * and is replaced, so one bad file never stalls the other queries of a server.
 */
export class DecodePool {
  private static instance: DecodePool | undefined | null = null;
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { readonly worker: Worker; readonly resolve: (reply: DecodeReply) => void }>();
  /** Requests in flight per worker: a busy worker keeps the process alive, an idle one never does. */
  private readonly busy = new Map<Worker, number>();
  private nextId = 1;
  private nextSeq = 1;
  private nextWorker = 0;

  /** Workers that failed: a request to one answers an error at once instead of waiting forever. */
  private readonly dead = new WeakSet<Worker>();
  /** Workers that have answered a request: only such a worker is replaced when it dies (no respawn loop for one that cannot start). */
  private readonly answered = new WeakSet<Worker>();

  private constructor(
    private readonly script: string,
    size: number,
  ) {
    this.workers = Array.from({ length: size }, () => this.spawn());
  }

  private spawn(): Worker {
    // A clean execArgv: the parent's flags (--input-type, -e, test runners' loaders) are not the worker's.
    const worker = new Worker(this.script, { execArgv: [] });
    worker.on('message', (reply: DecodeReply & { seq: number }) => {
      this.answered.add(worker);
      this.settle(reply.seq, reply);
    });
    // parquet-wasm panics on some corrupt pages, which ends the worker ('error', then 'exit').
    worker.on('error', (err) => this.replace(worker, `decoder worker failed: ${err.message}`));
    worker.on('exit', (code) => this.replace(worker, `decoder worker exited with code ${code}`));
    worker.unref(); // after the listeners: attaching a 'message' listener refs the worker again
    return worker;
  }

  /**
   * A worker that ended: the requests it held fail (their scans report XX001), so do later ones
   * for files it had open, and a fresh worker takes its place for every other read.
   */
  private replace(worker: Worker, message: string): void {
    if (this.dead.has(worker)) return;
    this.dead.add(worker);
    for (const [seq, p] of this.pending) if (p.worker === worker) this.settle(seq, { kind: 'error', id: -1, message });
    const at = this.workers.indexOf(worker);
    if (at >= 0 && this.answered.has(worker)) this.workers[at] = this.spawn();
  }

  /** The process-wide pool, or undefined where workers cannot run (TypeScript sources). */
  static shared(): DecodePool | undefined {
    if (DecodePool.instance === null) {
      const script = fileURLToPath(new URL('./decode-worker.js', import.meta.url));
      const size = Number(process.env.DELTASQL_DECODE_THREADS ?? availableParallelism());
      DecodePool.instance = existsSync(script) && size > 0 ? new DecodePool(script, size) : undefined;
    }
    return DecodePool.instance;
  }

  /** Opens a file on one worker. */
  async open(path: string): Promise<RemoteParquetFile> {
    const worker = this.workers[this.nextWorker++ % this.workers.length] as Worker;
    const id = this.nextId++;
    const reply = await this.request(worker, { kind: 'open', id, path });
    if (reply.kind === 'error') throw new DecodeError(reply.message, reply.notFound === true);
    if (reply.kind !== 'opened') throw new DecodeError(`unexpected reply ${reply.kind}`, false);
    const schema = schemaFromIPC(reply.schemaIpc);
    return new RemoteParquetFile(this, worker, id, schema.fields, reply.numRows);
  }

  request(worker: Worker, body: DistributiveOmit<DecodeRequest, 'seq'>): Promise<DecodeReply> {
    if (this.dead.has(worker)) return Promise.resolve({ kind: 'error', id: body.id, message: 'decoder worker failed earlier' });
    return new Promise((resolve) => {
      const seq = this.nextSeq++;
      this.pending.set(seq, { worker, resolve });
      const count = this.busy.get(worker) ?? 0;
      if (count === 0) worker.ref();
      this.busy.set(worker, count + 1);
      worker.postMessage({ ...body, seq });
    });
  }

  private settle(seq: number, reply: DecodeReply): void {
    const waiting = this.pending.get(seq);
    if (!waiting) return;
    this.pending.delete(seq);
    const count = (this.busy.get(waiting.worker) ?? 1) - 1;
    this.busy.set(waiting.worker, count);
    if (count === 0) waiting.worker.unref();
    waiting.resolve(reply);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class DecodeError extends Error {
  constructor(message: string, readonly notFound: boolean) {
    super(message);
  }
}

/** A Parquet file open in a worker. */
export class RemoteParquetFile {
  constructor(
    private readonly pool: DecodePool,
    private readonly worker: Worker,
    private readonly id: number,
    readonly fields: readonly arrow.Field[],
    readonly numRows: number,
  ) {}

  /** Streams the columns' batches, decoding ahead in the worker while batch k is used. */
  async *read(columns: readonly string[], batchSize: number, options: ReadOptions = {}): AsyncGenerator<arrow.RecordBatch> {
    const started = await this.pool.request(this.worker, { kind: 'read', id: this.id, columns, batchSize, ...options });
    if (started.kind === 'error') throw new DecodeError(started.message, false);
    let next = this.pool.request(this.worker, { kind: 'next', id: this.id });
    for (;;) {
      const reply = await next;
      if (reply.kind === 'done') return;
      if (reply.kind === 'error') throw new DecodeError(reply.message, false);
      if (reply.kind !== 'raw' && reply.kind !== 'batch') throw new DecodeError(`unexpected reply ${reply.kind}`, false);
      // The next piece is asked for before this one is used, unless the worker said this is the last.
      if (!reply.last) next = this.pool.request(this.worker, { kind: 'next', id: this.id });
      // A row group from the flat decoder: buffers rebuilt as Arrow data, no IPC.
      if (reply.kind === 'raw') for (const raw of reply.batches) yield toRecordBatch(raw, this.fields);
      else for (const batch of arrow.tableFromIPC(reply.ipc).batches) yield batch;
      if (reply.last) return;
    }
  }

  /**
   * Closes the file in its worker. Callers need not wait: the reply comes once the worker is
   * between row groups, and nothing depends on it.
   */
  async close(): Promise<void> {
    await this.pool.request(this.worker, { kind: 'close', id: this.id });
  }
}
