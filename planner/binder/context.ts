import { SqlError } from '../../common/sql-error.js';
import type { ScanToken } from '../parser/libpg.js';
import type { Prepassed } from '../parser/prepass.js';
import type { SourceText } from '../parser/source-text.js';
import type { Catalog } from '../catalog.js';

/** What binding one statement needs besides the AST: the catalog and the user's text. */
export class BindContext {
  /** Byte offsets of the relations whose time travel / path the binder has consumed. */
  readonly consumed = new Set<number>();

  constructor(readonly catalog: Catalog, readonly source: SourceText, readonly prepass: Prepassed) {}

  /**
   * After binding: a `VERSION AS OF` the pre-pass attached to something that turned out not to
   * be a table reference must not be dropped silently.
   */
  checkAllConsumed(): void {
    for (const [offset, clause] of this.prepass.timeTravel) {
      if (!this.consumed.has(offset)) throw SqlError.unsupportedFeature('VERSION AS OF / TIMESTAMP AS OF on something that is not a table').at(this.position(clause.start));
    }
  }

  /** 1-based character position of a node's byte `location` (undefined stays undefined). */
  position(location: number | undefined): number | undefined {
    return location === undefined || location < 0 ? undefined : this.source.position(location);
  }

  /** The token starting at byte `offset`, if any. */
  tokenAt(offset: number): ScanToken | undefined {
    const tokens = this.prepass.tokens;
    let lo = 0;
    let hi = tokens.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = tokens[mid];
      if (t.start === offset) return t;
      if (t.start < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Index of the token starting at `offset` (or the first after it). */
  tokenIndexAt(offset: number): number {
    const tokens = this.prepass.tokens;
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tokens[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The user's text of a token (original spelling; quotes and backticks included). */
  originalText(token: ScanToken): string {
    return this.source.slice(token.start, token.end);
  }

  /**
   * An identifier as the user spelled it: `Ticker` stays `Ticker` (PostgreSQL would fold it to
   * `ticker`); `"a b"` and `` `a b` `` give `a b`.
   */
  spelling(token: ScanToken): string {
    const text = this.originalText(token);
    if ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith('`') && text.endsWith('`'))) {
      return text.slice(1, -1).replace(/""/g, '"');
    }
    return text;
  }

  /** Whether the user wrote a double-quoted identifier at `offset` (not a backticked one). */
  isDoubleQuotedAt(offset: number): boolean {
    return this.source.bytes[offset] === 0x22 && !this.prepass.backticked.has(offset);
  }
}

/** PostgreSQL's identifier folding (ASCII only), for comparing spellings with parsed names. */
export function foldIdentifier(token: string): string {
  if (token.startsWith('"') || token.startsWith('`')) return token.slice(1, -1).replace(/""/g, '"');
  return token.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
