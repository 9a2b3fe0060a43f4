/**
 * `p` messages: PasswordMessage (cleartext or md5), SASLInitialResponse, SASLResponse. The byte
 * layout depends on the authentication exchange in progress, so the body is kept raw here and
 * read by auth.ts, which knows which one it asked for.
 */
export function parsePassword(body: Buffer): { readonly kind: 'password'; readonly body: Buffer } {
  return { kind: 'password', body: Buffer.from(body) };
}
