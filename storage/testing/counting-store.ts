import { LocalObjectStore } from '../object-store/local.js';
import type { ObjectMeta, ObjectStore } from '../object-store/object-store.js';

/**
 * The local filesystem store, counting the calls a statement makes, so tests can assert how
 * much I/O a hot path costs (a listing of the warehouse, stats, data files opened). With
 * `inThread`, it offers no local paths, so data files are decoded on this thread through
 * `openBlob` (counted) rather than opened by path in the worker pool.
 */
export class CountingStore implements ObjectStore {
  readonly calls = { listFiles: 0, listFolders: 0, head: 0, get: 0, openBlob: 0 };
  private readonly local = new LocalObjectStore();
  readonly localPath?: (path: string) => string | undefined;

  constructor(inThread = false) {
    if (!inThread) this.localPath = (path) => this.local.localPath(path);
  }

  reset(): void {
    for (const key of Object.keys(this.calls) as (keyof CountingStore['calls'])[]) this.calls[key] = 0;
  }

  listFiles(dir: string, options?: { startAfter?: string }): Promise<ObjectMeta[]> {
    this.calls.listFiles++;
    return this.local.listFiles(dir, options);
  }

  listFolders(dir: string): Promise<string[]> {
    this.calls.listFolders++;
    return this.local.listFolders(dir);
  }

  head(path: string): Promise<ObjectMeta | undefined> {
    this.calls.head++;
    return this.local.head(path);
  }

  get(path: string): Promise<Uint8Array> {
    this.calls.get++;
    return this.local.get(path);
  }

  openBlob(path: string): Promise<Blob> {
    this.calls.openBlob++;
    return this.local.openBlob(path);
  }

  getRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    return this.local.getRange(path, offset, length);
  }

  put(path: string, bytes: Uint8Array): Promise<void> {
    return this.local.put(path, bytes);
  }

  putIfAbsent(path: string, bytes: Uint8Array): Promise<boolean> {
    return this.local.putIfAbsent(path, bytes);
  }

  delete(path: string): Promise<void> {
    return this.local.delete(path);
  }

  deletePrefix(dir: string): Promise<void> {
    return this.local.deletePrefix(dir);
  }
}
