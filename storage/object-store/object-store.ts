/**
 * All I/O of the storage layer goes through an ObjectStore (kernel's `Engine` idea), so that the
 * local filesystem, S3 and Azure differ only here. Paths are absolute locations in the store:
 * for the local store, absolute filesystem paths.
 */
export interface ObjectMeta {
  /** Absolute location of the object. */
  readonly path: string;
  readonly size: number;
  /** Modification time in milliseconds since the epoch (the Delta commit timestamp without ICT). */
  readonly lastModified: number;
}

export interface ObjectStore {
  /**
   * The files (not folders) directly inside `dir`, sorted by name; an empty list when `dir`
   * does not exist. With `startAfter`, only names sorting after it (object stores' start-after),
   * so a refresh of a long log lists only what is new.
   */
  listFiles(dir: string, options?: { startAfter?: string }): Promise<ObjectMeta[]>;
  /** The names of the folders directly inside `dir`; empty when it does not exist. */
  listFolders(dir: string): Promise<string[]>;
  /** Metadata of one object, or undefined when it does not exist. */
  head(path: string): Promise<ObjectMeta | undefined>;
  /** The whole object. Throws `NotFoundError` when it does not exist. */
  get(path: string): Promise<Uint8Array>;
  /** `length` bytes from `offset`. */
  getRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** A Blob over the object, read lazily (what parquet-wasm's async reader wants). */
  openBlob(path: string): Promise<Blob>;
  /** The object's filesystem path when the store is the local disk (decoding workers open it directly). */
  localPath?(path: string): string | undefined;
  /**
   * Writes a whole object, replacing any object there (data files: their names are unique, so
   * nothing is ever replaced in practice). Never used for commit files: see `putIfAbsent`.
   */
  put(path: string, bytes: Uint8Array): Promise<void>;
  /**
   * Creates the object only if none exists at `path`, atomically: true when this call created
   * it, false when one was already there (another writer won). Readers never see a partly
   * written object (reference/delta-protocol.md §6: "Never use `rename`, which overwrites").
   */
  putIfAbsent(path: string, bytes: Uint8Array): Promise<boolean>;
  /** Deletes an object; deleting a missing object is not an error (VACUUM, log cleanup). */
  delete(path: string): Promise<void>;
  /** Deletes every object under `dir` (DROP TABLE of a managed table); a missing folder is not an error. */
  deletePrefix(dir: string): Promise<void>;
}

/** Raised by a store when an object does not exist; callers turn it into the right SqlError. */
export class NotFoundError extends Error {
  constructor(readonly path: string) {
    super(`no such file: ${path}`);
    this.name = 'NotFoundError';
  }
}

/** Joins path segments with exactly one `/` between them. */
export function joinPath(base: string, ...parts: string[]): string {
  let out = base.replace(/\/+$/, '');
  for (const part of parts) out += '/' + part.replace(/^\/+/, '');
  return out;
}
