import { openAsBlob, readFile } from 'node:fs';
import { promisify } from 'node:util';
import * as fs from 'node:fs/promises';
import { joinPath, NotFoundError, type ObjectMeta, type ObjectStore } from './object-store.js';

/** The local filesystem as an ObjectStore; locations are absolute paths. */
export class LocalObjectStore implements ObjectStore {
  async listFiles(dir: string, options: { startAfter?: string } = {}): Promise<ObjectMeta[]> {
    const entries = await readDirOrEmpty(dir);
    const { startAfter } = options;
    // Filter by name before stat-ing: a 10,000-commit log must not cost 10,000 stats per refresh.
    const files = entries
      .filter((e) => e.isFile() && (startAfter === undefined || e.name > startAfter))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return Promise.all(
      files.map(async (e) => {
        const path = joinPath(dir, e.name);
        const st = await fs.stat(path);
        return { path, size: st.size, lastModified: st.mtimeMs };
      }),
    );
  }

  async listFolders(dir: string): Promise<string[]> {
    const entries = await readDirOrEmpty(dir);
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  }

  async head(path: string): Promise<ObjectMeta | undefined> {
    try {
      const st = await fs.stat(path);
      return st.isFile() ? { path, size: st.size, lastModified: st.mtimeMs } : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async get(path: string): Promise<Uint8Array> {
    try {
      return await readFileCallback(path);
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(path);
      throw err;
    }
  }

  async getRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(path);
      throw err;
    }
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  localPath(path: string): string {
    return path;
  }

  async openBlob(path: string): Promise<Blob> {
    // openAsBlob reports a missing file only as a generic ERR_INVALID_ARG_VALUE: stat first.
    if (!(await this.head(path))) throw new NotFoundError(path);
    return openAsBlob(path);
  }
}

/**
 * The callback `readFile`, promisified: it takes one thread-pool trip where `fs.promises.readFile`
 * takes four, which halves the cold open of a long log of small commit files (bench: log-open).
 */
const readFileCallback = promisify(readFile);

async function readDirOrEmpty(dir: string) {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}
