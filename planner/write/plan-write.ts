import type { Catalog } from '../catalog.js';
import { planDelete, planMerge, planUpdate } from './plan-changes.js';
import { planDeltaCommand, planShowCatalog, planUse } from './plan-commands.js';
import type { PlannedWrite, WriteSession } from './plan-common.js';
import { planAlterTable, planCreateTable, planDropTable } from './plan-ddl.js';
import { planInsert } from './plan-insert.js';
import type { ParsedWrite } from './statements.js';

export { formatTag, type PlannedWrite, type WriteOutcome, type WriteSession } from './plan-common.js';
export type { ParsedWrite } from './statements.js';

/** Statement kinds parse-write.ts produces. */
export const WRITE_KINDS: ReadonlySet<string> = new Set([
  'createTable', 'dropTable', 'alterTable', 'insert', 'update', 'delete', 'merge', 'describeDetail', 'describeHistory', 'restore', 'optimize', 'vacuum', 'tableInfo', 'showCatalog', 'use',
]);

/** A write statement or Delta command → its PlannedWrite (which binds and runs when `run` is called). */
export function planWrite(parsed: ParsedWrite, catalog: Catalog, session: WriteSession): PlannedWrite {
  switch (parsed.kind) {
    case 'createTable': return planCreateTable(parsed, catalog, session);
    case 'dropTable': return planDropTable(parsed, catalog);
    case 'alterTable': return planAlterTable(parsed, catalog);
    case 'insert': return planInsert(parsed, catalog, session);
    case 'update': return planUpdate(parsed, catalog, session);
    case 'delete': return planDelete(parsed, catalog, session);
    case 'merge': return planMerge(parsed, catalog, session);
    case 'describeDetail':
    case 'describeHistory':
    case 'tableInfo':
    case 'restore':
    case 'optimize':
    case 'vacuum': return planDeltaCommand(parsed, catalog, session);
    case 'showCatalog': return planShowCatalog(parsed, catalog);
    case 'use': return planUse(parsed);
  }
}
