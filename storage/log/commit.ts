import { SqlError } from '../../common/sql-error.js';
import { NotFoundError, type ObjectStore } from '../object-store/object-store.js';
import { toLogAction, type LogAction } from './actions.js';

/**
 * Reads one JSON commit file (newline-delimited actions). A line that is not valid JSON — a
 * truncated commit — is `XX001` naming the file and line: the protocol has no partial commits,
 * so a half-written file means the table is damaged, never "read what parses".
 */
export async function readCommit(store: ObjectStore, path: string): Promise<LogAction[]> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(path);
  } catch (err) {
    if (err instanceof NotFoundError) throw SqlError.corruptData(path, 'the commit file is missing (was the log cleaned up during the read?)', err);
    throw SqlError.ioError(path, err);
  }
  return parseActionLines(new TextDecoder().decode(bytes), path);
}

export function parseActionLines(text: string, where: string): LogAction[] {
  const actions: LogAction[] = [];
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (line.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw SqlError.corruptData(where, `line ${lineNumber} is not valid JSON (truncated or damaged commit)`, err);
    }
    if (typeof row !== 'object' || row === null) throw SqlError.corruptData(where, `line ${lineNumber} is not a JSON object`);
    const action = toLogAction(row as Record<string, unknown>, `${where} line ${lineNumber}`);
    if (action) actions.push(action);
  }
  return actions;
}

/** The commitInfo of a commit (first line by convention, required first with ICT), if any. */
export async function readCommitInfo(store: ObjectStore, path: string): Promise<Readonly<Record<string, unknown>> | undefined> {
  for (const action of await readCommit(store, path)) if (action.kind === 'commitInfo') return action.commitInfo;
  return undefined;
}
