import { joinPath, type ObjectStore } from '../object-store/object-store.js';

/**
 * `_last_checkpoint` is a hint only (reference/delta-protocol.md §4 step 1): missing, empty,
 * stale or corrupt all mean "no hint", never an error. Corpus: `corrupted-last-checkpoint-kernel`.
 */
export async function readLastCheckpointHint(store: ObjectStore, logDir: string): Promise<number | undefined> {
  try {
    const bytes = await store.get(joinPath(logDir, '_last_checkpoint'));
    const hint = JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown };
    const version = Number(hint.version);
    return Number.isSafeInteger(version) && version >= 0 ? version : undefined;
  } catch {
    return undefined;
  }
}
