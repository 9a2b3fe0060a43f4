import { BodyReader, malformed } from './reader.js';

/** Parse (`P`): a statement name ('' = unnamed), its SQL, and declared parameter type OIDs (0 = infer). */
export interface ParseMessage { readonly kind: 'parse'; readonly name: string; readonly sql: string; readonly paramTypes: readonly number[] }

/** Bind (`B`): parameter values (null = SQL NULL) with their format codes, and result format codes. */
export interface BindMessage {
  readonly kind: 'bind';
  readonly portal: string;
  readonly statement: string;
  /** 0 = text, 1 = binary; empty = all text; one = applies to all. */
  readonly paramFormats: readonly number[];
  readonly params: readonly (Buffer | null)[];
  readonly resultFormats: readonly number[];
}

export interface DescribeMessage { readonly kind: 'describe'; readonly target: 'statement' | 'portal'; readonly name: string }
export interface CloseMessage { readonly kind: 'close'; readonly target: 'statement' | 'portal'; readonly name: string }
/** Execute (`E`): `maxRows` 0 = all. */
export interface ExecuteMessage { readonly kind: 'execute'; readonly portal: string; readonly maxRows: number }

export function parseParse(body: Buffer): ParseMessage {
  const r = new BodyReader(body);
  const name = r.cstring();
  const sql = r.cstring();
  const n = r.count16(4);
  const paramTypes: number[] = [];
  for (let i = 0; i < n; i++) paramTypes.push(r.int32() >>> 0);
  return { kind: 'parse', name, sql, paramTypes };
}

export function parseBind(body: Buffer): BindMessage {
  const r = new BodyReader(body);
  const portal = r.cstring();
  const statement = r.cstring();
  const paramFormats = formats(r);
  const n = r.count16(4);
  const params: (Buffer | null)[] = [];
  for (let i = 0; i < n; i++) {
    const length = r.int32();
    params.push(length === -1 ? null : Buffer.from(r.bytes(length)));
  }
  const resultFormats = formats(r);
  return { kind: 'bind', portal, statement, paramFormats, params, resultFormats };
}

function formats(r: BodyReader): number[] {
  const n = r.count16(2);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = r.int16();
    if (f !== 0 && f !== 1) throw malformed(`unsupported format code ${f}`);
    out.push(f);
  }
  return out;
}

function target(code: number): 'statement' | 'portal' {
  if (code === 0x53) return 'statement'; // S
  if (code === 0x50) return 'portal'; // P
  throw malformed(`invalid describe/close target '${String.fromCharCode(code)}'`);
}

export function parseDescribe(body: Buffer): DescribeMessage {
  const r = new BodyReader(body);
  return { kind: 'describe', target: target(r.byte()), name: r.cstring() };
}

export function parseClose(body: Buffer): CloseMessage {
  const r = new BodyReader(body);
  return { kind: 'close', target: target(r.byte()), name: r.cstring() };
}

export function parseExecute(body: Buffer): ExecuteMessage {
  const r = new BodyReader(body);
  return { kind: 'execute', portal: r.cstring(), maxRows: r.int32() };
}
