import { BodyReader } from './reader.js';

/** CopyData (`d`), CopyDone (`c`), CopyFail (`f`): the COPY FROM STDIN stream. */
export type CopyMessage =
  | { readonly kind: 'copyData'; readonly data: Buffer }
  | { readonly kind: 'copyDone' }
  | { readonly kind: 'copyFail'; readonly message: string };

export function parseCopyData(body: Buffer): CopyMessage {
  return { kind: 'copyData', data: Buffer.from(body) };
}

export function parseCopyFail(body: Buffer): CopyMessage {
  return { kind: 'copyFail', message: new BodyReader(body).cstring() };
}
