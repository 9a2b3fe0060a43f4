import { FrontendCode } from '../codes.js';
import type { Frame } from '../frame-reader.js';
import { parseCopyData, parseCopyFail, type CopyMessage } from './copy.js';
import { parseBind, parseClose, parseDescribe, parseExecute, parseParse, type BindMessage, type CloseMessage, type DescribeMessage, type ExecuteMessage, type ParseMessage } from './extended.js';
import { parsePassword } from './password.js';
import { parseQuery } from './query.js';
import { malformed } from './reader.js';

export type { BindMessage, CloseMessage, DescribeMessage, ExecuteMessage, ParseMessage, CopyMessage };
export { parseStartup, type StartupMessage } from './startup.js';

/** Every tagged frontend message the server understands. */
export type FrontendMessage =
  | ReturnType<typeof parseQuery>
  | ParseMessage | BindMessage | DescribeMessage | CloseMessage | ExecuteMessage
  | { readonly kind: 'sync' } | { readonly kind: 'flush' } | { readonly kind: 'terminate' }
  | CopyMessage
  | ReturnType<typeof parsePassword>;

/** The one dispatch from a frame's code byte to its parse function; unknown codes are `08P01`. */
export function parseFrontend(frame: Frame): FrontendMessage {
  switch (frame.code) {
    case FrontendCode.query: return parseQuery(frame.body);
    case FrontendCode.parse: return parseParse(frame.body);
    case FrontendCode.bind: return parseBind(frame.body);
    case FrontendCode.describe: return parseDescribe(frame.body);
    case FrontendCode.close: return parseClose(frame.body);
    case FrontendCode.execute: return parseExecute(frame.body);
    case FrontendCode.sync: return { kind: 'sync' };
    case FrontendCode.flush: return { kind: 'flush' };
    case FrontendCode.terminate: return { kind: 'terminate' };
    case FrontendCode.copyData: return parseCopyData(frame.body);
    case FrontendCode.copyDone: return { kind: 'copyDone' };
    case FrontendCode.copyFail: return parseCopyFail(frame.body);
    case FrontendCode.password: return parsePassword(frame.body);
  }
  throw malformed(`unknown message type 0x${frame.code.toString(16).padStart(2, '0')}${printable(frame.code)}`);
}

function printable(code: number): string {
  return code >= 0x20 && code < 0x7f ? ` ('${String.fromCharCode(code)}')` : '';
}
