/**
 * The SQL text as the user sent it, with the two coordinate systems positions need:
 * libpg-query reports node locations and token spans in UTF-8 *bytes*, while PostgreSQL (and
 * so every SqlError) reports a 1-based position in *characters*. The pre-pass rewrites the text
 * without changing any byte offset, so a byte offset means the same place in both texts.
 */
export class SourceText {
  readonly bytes: Uint8Array;
  /** `charIndex[b]`: number of characters (code points) before byte b; length bytes + 1. */
  private readonly charIndex: Int32Array;
  private static readonly decoder = new TextDecoder();

  constructor(readonly text: string) {
    this.bytes = new TextEncoder().encode(text);
    this.charIndex = new Int32Array(this.bytes.length + 1);
    let chars = 0;
    for (let b = 0; b < this.bytes.length; b++) {
      this.charIndex[b] = chars;
      if ((this.bytes[b] & 0xc0) !== 0x80) chars++;
    }
    this.charIndex[this.bytes.length] = chars;
    // Continuation bytes must map to their character's index, not the next one.
    for (let b = 0; b < this.bytes.length; b++) if ((this.bytes[b] & 0xc0) === 0x80) this.charIndex[b] = this.charIndex[b - 1];
  }

  /** The 1-based character position (PostgreSQL's `position`) of a byte offset. */
  position(byteOffset: number): number {
    const b = Math.max(0, Math.min(byteOffset, this.bytes.length));
    return this.charIndex[b] + 1;
  }

  /** The byte offset of a 0-based character index (code points). */
  byteOfChar(charIndex: number): number {
    // Binary search: charIndex is non-decreasing.
    let lo = 0;
    let hi = this.bytes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.charIndex[mid] < charIndex) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The text of bytes `[start, end)`. */
  slice(start: number, end: number): string {
    return SourceText.decoder.decode(this.bytes.subarray(start, end));
  }

  get byteLength(): number {
    return this.bytes.length;
  }
}
