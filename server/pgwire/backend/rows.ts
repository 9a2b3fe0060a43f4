import { BackendCode } from '../codes.js';
import { MessageWriter } from './writer.js';

/** One RowDescription field (PostgreSQL's names: table OID and attribute number 0 = not a table column). */
export interface FieldDescription {
  readonly name: string;
  readonly tableOid: number;
  readonly columnNumber: number;
  readonly typeOid: number;
  readonly typeSize: number;
  readonly typeModifier: number;
  /** 0 text, 1 binary. */
  readonly format: number;
}

/** RowDescription (`T`). */
export function encodeRowDescription(fields: readonly FieldDescription[]): Buffer {
  const w = new MessageWriter(BackendCode.rowDescription, 32 + fields.length * 32).int16(fields.length);
  for (const f of fields) w.cstring(f.name).int32(f.tableOid).int16(f.columnNumber).int32(f.typeOid).int16(f.typeSize).int32(f.typeModifier).int16(f.format);
  return w.finish();
}

/** DataRow (`D`): each value as bytes (text already UTF-8 encoded) or null. */
export function encodeDataRow(values: readonly (Uint8Array | null)[]): Buffer {
  let size = 7;
  for (const v of values) size += 4 + (v === null ? 0 : v.length);
  const w = new MessageWriter(BackendCode.dataRow, size).int16(values.length);
  for (const v of values) {
    if (v === null) w.int32(-1);
    else w.int32(v.length).bytes(v);
  }
  return w.finish();
}

/** CopyOutResponse (`H`) / CopyInResponse (`G`): overall format and per-column formats. */
export function encodeCopyResponse(direction: 'in' | 'out', format: number, columns: number): Buffer {
  const w = new MessageWriter(direction === 'in' ? BackendCode.copyInResponse : BackendCode.copyOutResponse).byte(format).int16(columns);
  for (let i = 0; i < columns; i++) w.int16(format);
  return w.finish();
}

/** CopyData (`d`). */
export function encodeCopyData(data: Uint8Array): Buffer {
  return new MessageWriter(BackendCode.copyData, data.length + 8).bytes(data).finish();
}

/** CopyDone (`c`). */
export const encodeCopyDone = (): Buffer => new MessageWriter(BackendCode.copyDone, 8).finish();
