import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import { SqlError } from '../../common/sql-error.js';
import { joinPath, type ObjectMeta, type ObjectStore } from '../object-store/object-store.js';
import { parseActionLines } from '../log/commit.js';
import { toLogAction, type LogAction } from '../log/actions.js';

/**
 * Reads a checkpoint — classic, every part of a multi-part one, or a UUID-named V2 one in JSON or
 * Parquet — into its actions, following V2 sidecars (reference/delta-protocol.md §4 step 3:
 * "For a V2 checkpoint … also read every sidecar file: they hold all the add and remove actions";
 * a classic-named file follows the V2 spec when it contains `checkpointMetadata`).
 *
 * Remove tombstones are skipped: a snapshot's live files never depend on them (they exist for
 * VACUUM), and skipping the column keeps big checkpoints cheap to load.
 */
export async function readCheckpoint(store: ObjectStore, logDir: string, parts: readonly ObjectMeta[], format: 'parquet' | 'json'): Promise<LogAction[]> {
  const actions: LogAction[] = [];
  for (const part of parts) {
    if (format === 'json') {
      const bytes = await store.get(part.path);
      actions.push(...parseActionLines(new TextDecoder().decode(bytes), part.path));
    } else {
      actions.push(...(await readParquetActions(store, part, ['protocol', 'metaData', 'txn', 'add', 'domainMetadata', 'checkpointMetadata', 'sidecar'])));
    }
  }
  const sidecars = actions.filter((a) => a.kind === 'sidecar');
  for (const action of sidecars) {
    if (action.kind !== 'sidecar') continue;
    const path = joinPath(logDir, '_sidecars', decodeURIComponent(action.sidecar.path));
    const meta = await store.head(path);
    if (!meta) throw SqlError.corruptData(path, 'a V2 checkpoint names this sidecar file, but it does not exist');
    actions.push(...(await readParquetActions(store, meta, ['add'])));
  }
  return actions;
}

/**
 * The `remove` tombstones a Parquet checkpoint carries (read only by checkpoint writing and
 * VACUUM, which must keep files removed within the retention: §7).
 */
export async function readCheckpointTombstones(store: ObjectStore, parts: readonly ObjectMeta[]): Promise<LogAction[]> {
  const actions: LogAction[] = [];
  for (const part of parts) actions.push(...(await readParquetActions(store, part, ['remove'])));
  return actions;
}

async function readParquetActions(store: ObjectStore, meta: ObjectMeta, wanted: readonly string[]): Promise<LogAction[]> {
  const file = objectStoreBuffer(store, meta);
  let rows: Record<string, unknown>[];
  try {
    const metadata = await parquetMetadataAsync(file);
    const topLevel = topLevelColumns(metadata.schema);
    const columns = wanted.filter((c) => topLevel.has(c));
    rows = columns.length === 0 ? [] : await parquetReadObjects({ file, metadata, columns });
  } catch (err) {
    if (err instanceof SqlError) throw err;
    throw SqlError.corruptData(meta.path, `unreadable checkpoint Parquet (${(err as Error).message})`, err);
  }
  const actions: LogAction[] = [];
  for (const row of rows) {
    const action = toLogAction(row, meta.path);
    if (action) actions.push(action);
  }
  return actions;
}

/** The names of the root's direct children in a flattened (Thrift, depth-first) Parquet schema. */
function topLevelColumns(schema: readonly { name: string; num_children?: number }[]): Set<string> {
  const names = new Set<string>();
  const skipSubtree = (index: number): number => {
    let next = index + 1;
    for (let c = 0; c < (schema[index]?.num_children ?? 0); c++) next = skipSubtree(next);
    return next;
  };
  let i = 1;
  for (let child = 0; child < (schema[0]?.num_children ?? 0) && i < schema.length; child++) {
    const element = schema[i];
    if (element) names.add(element.name);
    i = skipSubtree(i);
  }
  return names;
}

/** hyparquet's AsyncBuffer over an ObjectStore object: ranged reads, no whole-file load. */
export function objectStoreBuffer(store: ObjectStore, meta: ObjectMeta): AsyncBuffer {
  return {
    byteLength: meta.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = end ?? meta.size;
      const bytes = await store.getRange(meta.path, start, stop - start);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}
