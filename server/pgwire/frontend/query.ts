import { BodyReader } from './reader.js';

/** Query (`Q`): one SQL string, possibly several statements. */
export function parseQuery(body: Buffer): { readonly kind: 'query'; readonly sql: string } {
  return { kind: 'query', sql: new BodyReader(body).cstring() };
}
