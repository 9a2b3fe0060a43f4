import type * as arrow from 'apache-arrow';
import { validityBytes } from '../../../common/arrow/bitmap.js';
import { formatDate } from '../../../common/time/datetime.js';
import type { ObjectStore } from '../../object-store/object-store.js';
import { scanSnapshot } from '../../scan/scan.js';
import type { DeltaType, StructField } from '../../schema/types.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { formatDecimal } from '../partition-path.js';

/** Our reader's rows of a snapshot, each value in the text form of `protocol-reader.ts`'s `valueSql`. */
export async function ourRows(store: ObjectStore, snapshot: Snapshot): Promise<Record<string, string | null>[]> {
  const fields = snapshot.schema.fields;
  const out: Record<string, string | null>[] = [];
  for await (const batch of scanSnapshot(store, snapshot, { columns: fields.map((f) => f.name) })) out.push(...textRows(batch, fields));
  return out;
}

/** One batch's rows (columns in `fields` order) in the same text form. */
export function textRows(batch: arrow.RecordBatch, fields: readonly StructField[]): Record<string, string | null>[] {
  const columns = fields.map((f, i) => textColumn(batch.data.children[i] as arrow.Data, f.type, batch.getChildAt(i) as arrow.Vector));
  const out: Record<string, string | null>[] = [];
  for (let r = 0; r < batch.numRows; r++) {
    const row: Record<string, string | null> = {};
    fields.forEach((f, i) => (row[f.name] = (columns[i] as (string | null)[])[r] ?? null));
    out.push(row);
  }
  return out;
}

function textColumn(data: arrow.Data, type: DeltaType, vector: arrow.Vector): (string | null)[] {
  const valid = validityBytes(data);
  const out: (string | null)[] = [];
  for (let i = 0; i < data.length; i++) {
    if (valid && valid[i] === 0) {
      out.push(null);
      continue;
    }
    const j = i; // values are pre-sliced by arrow-js
    if (type.kind === 'decimal') {
      const w = data.values as Uint32Array;
      const v = BigInt.asIntN(128, (BigInt(w[j * 4 + 3] ?? 0) << 96n) | (BigInt(w[j * 4 + 2] ?? 0) << 64n) | (BigInt(w[j * 4 + 1] ?? 0) << 32n) | BigInt(w[j * 4] ?? 0));
      out.push(formatDecimal(v, type.scale));
    } else if (type.kind === 'struct') {
      out.push(JSON.stringify((vector.get(i) as { toJSON(): unknown }).toJSON(), bigintText));
    } else if (type.kind === 'primitive') {
      switch (type.name) {
        case 'float':
        case 'double':
          out.push((data.values[j] as number).toFixed(6));
          break;
        case 'date':
          out.push(formatDate(data.values[j] as number));
          break;
        case 'boolean':
          out.push(String(vector.get(i)));
          break;
        case 'string':
          out.push(vector.get(i) as string);
          break;
        case 'binary': {
          const offsets = data.valueOffsets as Int32Array;
          const bytes = (data.values as Uint8Array).subarray(offsets[i], offsets[i + 1]);
          out.push(Buffer.from(bytes).toString('hex'));
          break;
        }
        default:
          out.push(String(data.values[j]));
      }
    } else {
      out.push(JSON.stringify(vector.get(i), bigintText));
    }
  }
  return out;
}

/** Rows as sorted canonical text, for multiset comparison. */
export function canon(rows: readonly Record<string, string | null>[]): string[] {
  return rows.map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]]))).sort();
}

function bigintText(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
