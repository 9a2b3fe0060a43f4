/**
 * Column-chunk buffers reused from one row group to the next, in a decode worker. Each chunk
 * (2.3 MB for the benchmark's `close`) used to be a fresh ArrayBuffer: V8 zero-fills it, the
 * kernel maps fresh pages for it, and each few dozen MB of them force a garbage collection
 * ("external memory pressure"). In a cold GROUP BY over 10M rows perf counted 49 ms in the kernel
 * (mostly faults on fresh pages) and 31 ms collecting, among 330 ms of CPU. With the chunk
 * buffers reused, the cold sum/avg/min/max over 10M rows (4 columns read whole) went from a
 * median of 404 to 368 ms (6 runs each, `.prof`-style A/B of `bench/profile-query.ts`).
 *
 * A buffer is taken for a read and given back once nothing reads it (read-row-groups.ts, after
 * its row group is decoded: the decoder copies what it keeps). Sizes are rounded up to eighths
 * of the next power of two, so chunks of similar size share buffers, each at most a quarter
 * larger than asked.
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();

  /** At most `perSize` idle buffers of each size are kept. */
  constructor(private readonly perSize = 4) {}

  /** `length` bytes (not zeroed: a reused buffer holds what it held before). */
  take(length: number): Uint8Array {
    const size = sizeClass(length);
    const buffer = this.free.get(size)?.pop() ?? new ArrayBuffer(size);
    return new Uint8Array(buffer, 0, length);
  }

  /** Gives back bytes `take` gave; anything else is ignored. */
  give(bytes: Uint8Array): void {
    const buffer = bytes.buffer as ArrayBuffer;
    if (bytes.byteOffset !== 0 || buffer.byteLength !== sizeClass(buffer.byteLength)) return;
    let list = this.free.get(buffer.byteLength);
    if (list === undefined) this.free.set(buffer.byteLength, (list = []));
    if (list.length < this.perSize && !list.includes(buffer)) list.push(buffer);
  }
}

/** The smallest multiple of an eighth of the next power of two that holds `length` (4 KiB at least). */
export function sizeClass(length: number): number {
  const n = Math.max(length, 4096);
  const step = 2 ** (Math.ceil(Math.log2(n)) - 3);
  return Math.ceil(n / step) * step;
}
