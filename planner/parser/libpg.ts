import { loadModule, parseSync, scanSync, type ParseResult, type ScanToken } from 'libpg-query';

/**
 * The one door to libpg-query (the PostgreSQL 17/18 parser compiled to wasm). Its module loads
 * once per process; every other planner file goes through `pgParse` / `pgScan`.
 */
let loading: Promise<void> | undefined;

export function ensureParserLoaded(): Promise<void> {
  loading ??= loadModule();
  return loading;
}

/** Raw parse; throws libpg-query's error (with `sqlDetails.cursorPosition`, 0-based characters). */
export function pgParse(text: string): ParseResult {
  return parseSync(text);
}

/** Tokens with byte spans, or undefined when the lexer itself fails (the parse then reports it). */
export function pgScan(text: string): ScanToken[] | undefined {
  try {
    return scanSync(text).tokens;
  } catch {
    return undefined;
  }
}

export type { ScanToken };
