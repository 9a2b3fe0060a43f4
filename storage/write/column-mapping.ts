import { randomUUID } from 'node:crypto';
import type { DeltaType, StructField, StructType } from '../schema/types.js';

const ID = 'delta.columnMapping.id';
const PHYSICAL = 'delta.columnMapping.physicalName';
export const MAX_COLUMN_ID = 'delta.columnMapping.maxColumnId';

/**
 * Column mapping for a writer (reference/delta-protocol.md §2 and §8): every field, nested ones
 * included, carries `delta.columnMapping.id` and `.physicalName`, and the table tracks
 * `delta.columnMapping.maxColumnId`. "Under column mapping, give each new column a new physical
 * name and id, and bump `maxColumnId`." New columns get `col-<uuid>` names, as Spark gives them;
 * columns that existed before mapping was turned on keep their name as physical name (their
 * files already use it), which is how Delta enables mapping without rewriting data.
 *
 * Returns the schema with metadata filled in and the new maxColumnId.
 */
export function assignColumnMapping(schema: StructType, maxColumnId: number, existingNames: ReadonlySet<string>): { schema: StructType; maxColumnId: number } {
  let next = maxColumnId;
  const visitField = (field: StructField, existing: boolean): StructField => {
    const metadata: Record<string, unknown> = { ...field.metadata };
    if (metadata[ID] === undefined) metadata[ID] = ++next;
    else next = Math.max(next, Number(metadata[ID]));
    if (metadata[PHYSICAL] === undefined) metadata[PHYSICAL] = existing ? field.name : `col-${randomUUID()}`;
    return { ...field, metadata, type: visitType(field.type, existing) };
  };
  const visitType = (type: DeltaType, existing: boolean): DeltaType => {
    switch (type.kind) {
      case 'struct':
        return { kind: 'struct', fields: type.fields.map((f) => visitField(f, existing)) };
      case 'array':
        return { ...type, elementType: visitType(type.elementType, existing) };
      case 'map':
        return { ...type, keyType: visitType(type.keyType, existing), valueType: visitType(type.valueType, existing) };
      default:
        return type;
    }
  };
  const fields = schema.fields.map((f) => visitField(f, existingNames.has(f.name)));
  return { schema: { kind: 'struct', fields }, maxColumnId: next };
}
