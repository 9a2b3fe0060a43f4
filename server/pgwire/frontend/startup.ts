import { StartupCode } from '../codes.js';
import { BodyReader, malformed } from './reader.js';

/** The untagged messages a client may send before (or instead of) starting a session. */
export type StartupMessage =
  | { readonly kind: 'startup'; readonly parameters: ReadonlyMap<string, string> }
  | { readonly kind: 'sslRequest' }
  | { readonly kind: 'gssEncRequest' }
  | { readonly kind: 'cancelRequest'; readonly processId: number; readonly secretKey: number };

/**
 * StartupMessage (protocol 3.0: name/value pairs), SSLRequest, GSSENCRequest, CancelRequest.
 * Any other protocol version is refused with `0A000` as PostgreSQL 15 does for 2.0 and 4.x.
 */
export function parseStartup(body: Buffer): StartupMessage {
  const r = new BodyReader(body);
  const code = r.int32();
  switch (code) {
    case StartupCode.sslRequest: return { kind: 'sslRequest' };
    case StartupCode.gssEncRequest: return { kind: 'gssEncRequest' };
    case StartupCode.cancelRequest: return { kind: 'cancelRequest', processId: r.int32(), secretKey: r.int32() };
  }
  if (code >>> 16 !== 3) throw malformed(`unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports 3.0`);
  const parameters = new Map<string, string>();
  while (r.remaining > 0) {
    const name = r.cstring();
    if (name === '') break;
    parameters.set(name, r.cstring());
  }
  return { kind: 'startup', parameters };
}
