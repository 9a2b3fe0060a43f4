import type * as arrow from 'apache-arrow';
import { takeBatch } from '../../common/arrow/take.js';
import { mix32, valueHasher } from '../hash/value-hash.js';
import { newSpillMetrics, type SpillMetrics } from './metrics.js';
import { RunFile, RunWriter } from './run-file.js';

/** Partitions per spill: rows of one key always land in the same one. */
export const PARTITIONS = 16;

/**
 * Input rows a hash aggregate could not take in memory, written to `PARTITIONS` files by a hash
 * of their group keys (a grace hash aggregation): every row of one group lands in the same file,
 * so each file can later be aggregated alone, with about a sixteenth of the groups. `level`
 * seeds the hash, so a partition spilled again splits along different lines.
 *
 * Owns its files until `finish()` hands them over; `dispose()` deletes whatever it still owns.
 */
export class HashPartitions {
  private readonly writers: (RunWriter | undefined)[] = new Array(PARTITIONS);
  private readonly hashers: ReturnType<typeof valueHasher>[];
  /** Rows written so far. */
  rows = 0;

  constructor(keyTypes: readonly arrow.DataType[], private readonly level: number, private readonly metrics: SpillMetrics = newSpillMetrics()) {
    this.hashers = keyTypes.map(valueHasher);
  }

  /** Writes `batch`'s rows (whose group keys are `keys`) to their partitions. */
  async add(batch: arrow.RecordBatch, keys: readonly arrow.Data[]): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    const hashes = new Uint32Array(n).fill(this.level * 0x9e3779b1);
    keys.forEach((data, k) => this.hashers[k]?.hashInto(data, hashes));
    const part = new Uint8Array(n);
    const counts = new Int32Array(PARTITIONS + 1);
    for (let i = 0; i < n; i++) {
      const p = mix32((hashes[i] as number) ^ this.level) % PARTITIONS;
      part[i] = p;
      counts[p + 1]++;
    }
    for (let p = 0; p < PARTITIONS; p++) counts[p + 1] += counts[p] as number;
    const fill = counts.slice(0, PARTITIONS);
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[fill[part[i] as number]++] = i;
    for (let p = 0; p < PARTITIONS; p++) {
      const from = counts[p] as number;
      const to = counts[p + 1] as number;
      if (to === from) continue;
      let writer = this.writers[p];
      if (writer === undefined) {
        writer = await RunWriter.create();
        this.writers[p] = writer;
      }
      await writer.append(to - from === n ? batch : takeBatch(batch, rows.subarray(from, to)));
    }
    this.rows += n;
  }

  /** Closes the files and hands them over (the caller deletes them); empty partitions have none. */
  async finish(): Promise<RunFile[]> {
    return (await this.finishEach()).filter((f): f is RunFile => f !== undefined);
  }

  /**
   * `finish()` by partition number (undefined for an empty one): a grace hash join pairs the
   * build side's partition p with the probe side's, both split by the same keys and level.
   */
  async finishEach(): Promise<(RunFile | undefined)[]> {
    const files: (RunFile | undefined)[] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const writer = this.writers[p];
      this.writers[p] = undefined;
      const file = writer === undefined ? undefined : await writer.finish();
      if (file !== undefined) {
        this.metrics.files++;
        this.metrics.bytes += file.bytes;
      }
      files.push(file);
    }
    return files;
  }

  /** Deletes every file not yet handed over (idempotent). */
  async dispose(): Promise<void> {
    const open = this.writers.splice(0, PARTITIONS, ...new Array<undefined>(PARTITIONS));
    await Promise.all(open.map((w) => w?.abort()));
  }
}
