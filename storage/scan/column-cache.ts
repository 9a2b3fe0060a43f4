import type * as arrow from 'apache-arrow';
import { totalmem } from 'node:os';
import { dataBytes } from '../../common/arrow/data-bytes.js';

/**
 * Decoded Parquet columns of hot files, kept in memory within a byte budget (issue #4: "the
 * server keeps decoded columns of hot tables in a memory-bounded cache"). Delta data files are
 * immutable — a path is never rewritten — so (path, size, batch size) identifies the decoded
 * chunks for good. Entries hold columns exactly as Parquet gave them (before deletion vectors and
 * type conform), chunk by chunk; least recently used files are evicted first.
 */
export interface CachedFile {
  /** The file's top-level Parquet fields (so a cache hit needs no footer read). */
  readonly fields: readonly arrow.Field[];
  /** Rows of each decoded chunk, in file order. */
  readonly chunkRows: readonly number[];
  /** Per Parquet top-level column name: its chunks, aligned with `chunkRows`. */
  readonly columns: ReadonlyMap<string, readonly arrow.Data[]>;
}

export class ColumnCache {
  private readonly entries = new Map<string, { file: CachedFile; bytes: number }>();
  private used = 0;
  /** Keys of the reads narrowed to a join's keys so far (not cached), oldest first. */
  private readonly narrowed = new Set<string>();
  readonly stats = { hits: 0, misses: 0, evictions: 0 };

  constructor(readonly budgetBytes: number = defaultBudget()) {}

  /** `rowGroups`: the row groups read when a scan skipped some (their chunks are another entry). */
  static key(path: string, size: number, batchSize: number, rowGroups?: readonly number[]): string {
    return `${path}\u0000${size}\u0000${batchSize}${rowGroups === undefined ? '' : `\u0000rg=${rowGroups.join(',')}`}`;
  }

  get bytesUsed(): number {
    return this.used;
  }

  /** The Parquet fields of a cached file, without counting a hit or a miss. */
  fieldsOf(key: string): readonly arrow.Field[] | undefined {
    return this.entries.get(key)?.file.fields;
  }

  /** Whether every wanted column is cached, without counting a hit or a miss. */
  holds(key: string, columns: readonly string[]): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && columns.every((c) => entry.file.columns.has(c));
  }

  /** The cached chunks when every wanted column is there (and marks the file recently used). */
  lookup(key: string, columns: readonly string[]): CachedFile | undefined {
    const entry = this.entries.get(key);
    if (!entry || !columns.every((c) => entry.file.columns.has(c))) {
      this.stats.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.stats.hits++;
    return entry.file;
  }

  /**
   * Whether a read that could be narrowed to a join's keys (its rows are not cached, and so not
   * worth caching) should rather read every row, to be cached: the second time such a read of
   * `key` comes. A one-off join then decodes only the rows it matches, while a file joined again
   * and again is hot, and is cached whole like any other read of it.
   */
  readWhole(key: string): boolean {
    if (this.budgetBytes === 0) return false;
    if (this.narrowed.delete(key)) return true;
    this.narrowed.add(key);
    if (this.narrowed.size > MAX_NARROWED_KEYS) this.narrowed.delete(this.narrowed.values().next().value as string);
    return false;
  }

  /** Adds decoded columns of a file (merging with columns cached before when chunks align). */
  store(key: string, fields: readonly arrow.Field[], chunkRows: readonly number[], columns: ReadonlyMap<string, readonly arrow.Data[]>): void {
    const previous = this.entries.get(key);
    const merged = new Map(previous && sameChunks(previous.file.chunkRows, chunkRows) ? previous.file.columns : []);
    for (const [name, chunks] of columns) merged.set(name, chunks);
    let bytes = 0;
    for (const chunks of merged.values()) for (const data of chunks) bytes += dataBytes(data);
    if (bytes > this.budgetBytes / 4) return; // one file must not flush the whole cache
    if (previous) {
      this.entries.delete(key);
      this.used -= previous.bytes;
    }
    this.entries.set(key, { file: { fields, chunkRows, columns: merged }, bytes });
    this.used += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.used <= this.budgetBytes) break;
      this.entries.delete(oldest);
      this.used -= entry.bytes;
      this.stats.evictions++;
    }
  }
}

/** Narrowed reads remembered (a key is ~200 bytes). */
const MAX_NARROWED_KEYS = 10_000;

/** `DELTASQL_CACHE_MB`, else a quarter of the machine's memory, at most 2 GiB. */
function defaultBudget(): number {
  const configured = Number(process.env.DELTASQL_CACHE_MB);
  if (Number.isFinite(configured) && configured >= 0 && process.env.DELTASQL_CACHE_MB !== undefined) return configured * 1024 * 1024;
  return Math.min(totalmem() / 4, 2 * 1024 ** 3);
}

function sameChunks(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
