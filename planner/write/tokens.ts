import { SqlError } from '../../common/sql-error.js';
import type { ScanToken } from '../parser/libpg.js';
import type { Prepassed } from '../parser/prepass.js';
import type { SourceText } from '../parser/source-text.js';

/**
 * A cursor over the pre-passed statement's tokens for the hand-written parsers of the write
 * statements (DDL, the Delta commands, the skeleton of MERGE / INSERT). Words compare
 * case-insensitively; every error is PostgreSQL's `syntax error at or near "…"` with the
 * 1-based position of the token in the user's text.
 */
export class TokenCursor {
  /** Index of the next token. */
  i = 0;
  readonly tokens: readonly ScanToken[];

  constructor(readonly source: SourceText, readonly prepass: Prepassed) {
    // Comments never matter to a parser; a trailing `;` ends the statement.
    const tokens = prepass.tokens.filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT');
    while (tokens.length > 0 && tokens[tokens.length - 1]?.text === ';') tokens.pop();
    this.tokens = tokens;
  }

  peek(k = 0): ScanToken | undefined {
    return this.tokens[this.i + k];
  }

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  /** Whether the token `k` ahead is the word `word` (a keyword or an unquoted identifier). */
  isWord(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t !== undefined && !t.text.startsWith('"') && t.text.toLowerCase() === word;
  }

  /** Consumes the words in sequence when all are next; otherwise consumes nothing. */
  eatWords(...words: string[]): boolean {
    if (!words.every((w, k) => this.isWord(w, k))) return false;
    this.i += words.length;
    return true;
  }

  expectWords(...words: string[]): void {
    for (const w of words) {
      if (!this.isWord(w)) throw this.error();
      this.i++;
    }
  }

  isPunct(text: string, k = 0): boolean {
    return this.peek(k)?.text === text;
  }

  eatPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.i++;
    return true;
  }

  expectPunct(text: string): ScanToken {
    const t = this.peek();
    if (t?.text !== text) throw this.error();
    this.i++;
    return t;
  }

  /** A name: an identifier, a quoted identifier, or a non-reserved keyword. Keeps the user's spelling. */
  ident(): { name: string; token: ScanToken } {
    const t = this.peek();
    if (t === undefined || !isNameToken(t)) throw this.error();
    this.i++;
    return { name: this.spelling(t), token: t };
  }

  /** An identifier as the user spelled it: quotes (and backticks) removed, case kept. */
  spelling(t: ScanToken): string {
    const text = this.source.slice(t.start, t.end);
    if ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith('`') && text.endsWith('`'))) return text.slice(1, -1).replace(/""/g, '"');
    return text;
  }

  /** `t`, `s.t`, `default.t`, or ``delta.`/path` ``; `start`: byte offset of the reference. */
  tableName(): { ref: { kind: 'named'; schema?: string; name: string } | { kind: 'path'; path: string }; start: number } {
    const first = this.peek();
    if (first === undefined) throw this.error();
    const path = this.prepass.pathTables.get(first.start);
    if (path !== undefined) {
      this.i += 3;
      return { ref: { kind: 'path', path }, start: first.start };
    }
    // Spark's `default.t` (`default` is reserved in PostgreSQL) is schema `public`.
    if (first.text.toLowerCase() === 'default' && this.isPunct('.', 1)) {
      this.i += 2;
      const { name } = this.ident();
      return { ref: { kind: 'named', schema: 'public', name }, start: first.start };
    }
    const { name } = this.ident();
    if (this.eatPunct('.')) {
      const inner = this.ident();
      return { ref: { kind: 'named', schema: name, name: inner.name }, start: first.start };
    }
    return { ref: { kind: 'named', name }, start: first.start };
  }

  /** A string literal's value (`'it''s'` → `it's`). */
  string(): string {
    const t = this.peek();
    if (t === undefined || t.tokenName !== 'SCONST' || !t.text.startsWith("'")) throw this.error();
    this.i++;
    return this.source.slice(t.start + 1, t.end - 1).replace(/''/g, "'");
  }

  /** A non-negative integer literal. */
  integer(): number {
    const t = this.peek();
    if (t === undefined || t.tokenName !== 'ICONST') throw this.error();
    this.i++;
    return Number(t.text);
  }

  /** A number (integer or decimal) literal. */
  number(): number {
    const t = this.peek();
    if (t === undefined || (t.tokenName !== 'ICONST' && t.tokenName !== 'FCONST')) throw this.error();
    this.i++;
    return Number(t.text);
  }

  /**
   * Skips to the end of the current nesting level: up to (not including) the first token at
   * depth 0 for which `stop` holds, or the end. Returns the byte span `[start, end)` skipped.
   */
  skipUntil(stop: (t: ScanToken, index: number) => boolean): { start: number; end: number; from: number; to: number } {
    const from = this.i;
    let depth = 0;
    for (; this.i < this.tokens.length; this.i++) {
      const t = this.tokens[this.i] as ScanToken;
      if (depth === 0 && stop(t, this.i)) break;
      const word = t.text.toLowerCase();
      // CASE … END nests like parentheses: its WHEN never ends a MERGE clause.
      if (t.text === '(' || t.text === '[' || word === 'case') depth++;
      else if (t.text === ')' || t.text === ']' || word === 'end') depth--;
      if (depth < 0) break;
    }
    const start = this.tokens[from]?.start ?? this.source.byteLength;
    const end = this.i > from ? (this.tokens[this.i - 1] as ScanToken).end : start;
    return { start, end, from, to: this.i };
  }

  /** `( … )`: consumes the parentheses, returns the token index range inside. */
  parenthesized(): { from: number; to: number; start: number; end: number } {
    this.expectPunct('(');
    const inside = this.skipUntil(() => false);
    this.expectPunct(')');
    return inside;
  }

  /** `syntax error at or near "<token>"` (or `at end of input`) at the current token. */
  error(t: ScanToken | undefined = this.peek()): SqlError {
    if (t === undefined) return SqlError.syntax('syntax error at end of input', this.source.position(this.source.byteLength));
    return SqlError.syntax(`syntax error at or near "${this.source.slice(t.start, t.end)}"`, this.source.position(t.start));
  }

  expectEnd(): void {
    if (!this.atEnd()) throw this.error();
  }

  position(t: ScanToken | undefined): number | undefined {
    return t === undefined ? undefined : this.source.position(t.start);
  }
}

/** An identifier, quoted identifier, or keyword usable as a name (not a reserved one). */
export function isNameToken(t: ScanToken): boolean {
  if (t.tokenName === 'IDENT') return true;
  return t.keywordKind !== 0 && t.keywordName !== 'RESERVED_KEYWORD';
}
