import { BackendCode } from '../codes.js';
import { MessageWriter } from './writer.js';

/** Messages of connection start and of statement boundaries. */

/** AuthenticationOk (`R`, 0). */
export function encodeAuthenticationOk(): Buffer {
  return new MessageWriter(BackendCode.authentication).int32(0).finish();
}

/** AuthenticationCleartextPassword (`R`, 3). */
export function encodeAuthenticationCleartext(): Buffer {
  return new MessageWriter(BackendCode.authentication).int32(3).finish();
}

/** AuthenticationMD5Password (`R`, 5) with its 4-byte salt. */
export function encodeAuthenticationMd5(salt: Uint8Array): Buffer {
  return new MessageWriter(BackendCode.authentication).int32(5).bytes(salt).finish();
}

/** AuthenticationSASL (`R`, 10) listing the mechanisms. */
export function encodeAuthenticationSasl(mechanisms: readonly string[]): Buffer {
  const w = new MessageWriter(BackendCode.authentication).int32(10);
  for (const m of mechanisms) w.cstring(m);
  return w.byte(0).finish();
}

/** AuthenticationSASLContinue (`R`, 11) / AuthenticationSASLFinal (`R`, 12). */
export function encodeAuthenticationSaslStep(final: boolean, data: string): Buffer {
  return new MessageWriter(BackendCode.authentication).int32(final ? 12 : 11).bytes(Buffer.from(data, 'utf8')).finish();
}

/** ParameterStatus (`S`). */
export function encodeParameterStatus(name: string, value: string): Buffer {
  return new MessageWriter(BackendCode.parameterStatus).cstring(name).cstring(value).finish();
}

/** BackendKeyData (`K`): what a CancelRequest must quote. */
export function encodeBackendKeyData(processId: number, secretKey: number): Buffer {
  return new MessageWriter(BackendCode.backendKeyData, 16).int32(processId).int32(secretKey).finish();
}

/** Transaction status in ReadyForQuery: idle, in a block, in a failed block. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** ReadyForQuery (`Z`). */
export function encodeReadyForQuery(status: TransactionStatus): Buffer {
  return new MessageWriter(BackendCode.readyForQuery, 8).byte(status.charCodeAt(0)).finish();
}

/** CommandComplete (`C`) with its tag (`SELECT 3`). */
export function encodeCommandComplete(tag: string): Buffer {
  return new MessageWriter(BackendCode.commandComplete).cstring(tag).finish();
}

/** EmptyQueryResponse (`I`). */
export function encodeEmptyQueryResponse(): Buffer {
  return new MessageWriter(BackendCode.emptyQueryResponse, 8).finish();
}

/** The bodiless extended-protocol acknowledgements. */
export const encodeParseComplete = (): Buffer => new MessageWriter(BackendCode.parseComplete, 8).finish();
export const encodeBindComplete = (): Buffer => new MessageWriter(BackendCode.bindComplete, 8).finish();
export const encodeCloseComplete = (): Buffer => new MessageWriter(BackendCode.closeComplete, 8).finish();
export const encodeNoData = (): Buffer => new MessageWriter(BackendCode.noData, 8).finish();
export const encodePortalSuspended = (): Buffer => new MessageWriter(BackendCode.portalSuspended, 8).finish();

/** ParameterDescription (`t`): each parameter's type OID. */
export function encodeParameterDescription(oids: readonly number[]): Buffer {
  const w = new MessageWriter(BackendCode.parameterDescription).int16(oids.length);
  for (const oid of oids) w.int32(oid);
  return w.finish();
}
