import { SqlError } from '../../common/sql-error.js';
import { BackendCode } from './codes.js';
import { MessageWriter } from './backend/writer.js';

/** Severity of an ErrorResponse: ERROR ends the statement, FATAL the connection. */
export type Severity = 'ERROR' | 'FATAL';

/**
 * ErrorResponse (`E`) from a SqlError, with the fields psql and drivers read: S and V (severity,
 * localised and not), C (SQLSTATE), M (message), D (detail), H (hint), P (1-based position).
 */
export function encodeErrorResponse(err: SqlError, severity: Severity = 'ERROR'): Buffer {
  const w = new MessageWriter(BackendCode.errorResponse, 128);
  field(w, 'S', severity);
  field(w, 'V', severity);
  field(w, 'C', err.sqlstate);
  field(w, 'M', err.message);
  if (err.detail !== undefined) field(w, 'D', err.detail);
  if (err.hint !== undefined) field(w, 'H', err.hint);
  if (err.position !== undefined) field(w, 'P', String(err.position));
  return w.byte(0).finish();
}

/** NoticeResponse (`N`): a NOTICE beside a result (`view "v" does not exist, skipping`). */
export function encodeNoticeResponse(message: string, sqlstate = '00000', severity: 'NOTICE' | 'WARNING' = 'NOTICE'): Buffer {
  const w = new MessageWriter(BackendCode.noticeResponse, 64);
  field(w, 'S', severity);
  field(w, 'V', severity);
  field(w, 'C', sqlstate);
  field(w, 'M', message);
  return w.byte(0).finish();
}

function field(w: MessageWriter, code: string, value: string): void {
  w.byte(code.charCodeAt(0)).cstring(value);
}
