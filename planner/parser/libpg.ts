import { loadModule, parseSync, scanSync, type ParseResult, type ScanToken } from 'libpg-query';
import { deepFreeze, MemoCache } from './memo-cache.js';

/**
 * The one door to libpg-query (the PostgreSQL 17/18 parser compiled to wasm). Its module loads
 * once per process; every other planner file goes through `pgParse` / `pgScan`.
 *
 * Both are pure functions of the text, and clients send the same statements over and over (a
 * dashboard's queries, a driver's prepared statement planned at Parse and again at Execute, the
 * simple protocol's statement split): results are memoised per text, deep-frozen so no caller
 * can change what the next one gets. Measured: scanning a short GROUP BY query costs 25 µs and
 * parsing it 11 µs, ~20% of a small statement's server time before memoising.
 */
let loading: Promise<void> | undefined;

export function ensureParserLoaded(): Promise<void> {
  loading ??= loadModule();
  return loading;
}

/** Texts of statements memoised (each of at most `MAX_MEMO_TEXT` characters). */
const MEMO_ENTRIES = 512;
/** Longer texts (a generated INSERT … VALUES) are parsed every time rather than kept. */
const MAX_MEMO_TEXT = 16 * 1024;

const parses = new MemoCache<string, ParseResult>(MEMO_ENTRIES);
const scans = new MemoCache<string, readonly ScanToken[] | undefined>(MEMO_ENTRIES);

/** Raw parse (frozen); throws libpg-query's error (with `sqlDetails.cursorPosition`, 0-based characters). */
export function pgParse(text: string): ParseResult {
  if (text.length > MAX_MEMO_TEXT) return parseSync(text);
  let result = parses.get(text);
  if (result === undefined) {
    result = deepFreeze(parseSync(text));
    parses.set(text, result);
  }
  return result;
}

/** Tokens with byte spans (frozen), or undefined when the lexer itself fails (the parse then reports it). */
export function pgScan(text: string): readonly ScanToken[] | undefined {
  if (text.length > MAX_MEMO_TEXT) return scanOrUndefined(text);
  if (scans.has(text)) return scans.get(text);
  const tokens = scanOrUndefined(text);
  scans.set(text, tokens === undefined ? undefined : deepFreeze(tokens));
  return tokens;
}

function scanOrUndefined(text: string): ScanToken[] | undefined {
  try {
    return scanSync(text).tokens;
  } catch {
    return undefined;
  }
}

export type { ScanToken };
