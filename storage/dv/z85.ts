/**
 * Z85, the ZeroMQ base-85 text encoding (RFC 32/Z85), as Delta uses it for deletion vectors.
 *
 * reference/delta-protocol.md §5: "`u`: `pathOrInlineDv` = optional random prefix + 20-char
 * Z85-encoded UUID" and "`i`: the bitmap itself, Z85-encoded, inside the log". Also: "kernel-rs
 * has written inline DVs with the Rust z85 crate's padded variant, where a trailing chunk
 * starting with `#` holds fewer bytes. The corpus has one (`cdf-table-with-dv`)."
 *
 * Standard Z85 turns every 4 bytes (a big-endian u32) into 5 characters, most significant digit
 * first, so both lengths are multiples of 4 and 5. The padded variant of the Rust `z85` crate
 * (`z85::padded`, decafbad/z85 `encode_tail`) encodes a final group of k < 4 bytes as the 5-char
 * chunk of the u32 whose low k bytes they are, then overwrites its first 4 − k characters
 * (always `0`, since the value is < 256^k) with `#`. `#` is digit 84 and 84·85⁴ > 2³² − 1, so no
 * standard chunk can start with `#`: the variant is unambiguous and we accept both forms. The
 * encoded length stays a multiple of 5 in both.
 *
 * Spark's own inline DVs instead pad the bytes with zeros to a multiple of 4; the descriptor's
 * `sizeInBytes` says how many decoded bytes are real, so the caller trims.
 */
import { assert, require, SqlError } from '../../common/sql-error.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const U32_MAX = 0xffff_ffff;
/** `#`, digit 84: only the padded tail chunk may start with it. */
const HASH_CODE = 0x23;

/** char code → digit, or -1 when the character is not in the alphabet. */
const DIGITS: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/**
 * Decodes Z85 text, standard or with the Rust crate's `#`-padded tail.
 *
 * `where` names the data in errors (`SqlError.corruptData`, `XX001`): a length that is not a
 * multiple of 5, a character outside the alphabet, a chunk above 2³² − 1, or a bad tail.
 *
 * @example decodeZ85('HelloWorld') // Uint8Array [0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]
 */
export function decodeZ85(text: string, where = 'Z85-encoded data'): Uint8Array {
  require(text.length % 5 === 0, () =>
    SqlError.corruptData(where, `Z85 text has ${text.length} characters, which is not a multiple of 5`),
  );
  const chunks = text.length / 5;
  const hasTail = chunks > 0 && text.charCodeAt(text.length - 5) === HASH_CODE;
  const fullChunks = hasTail ? chunks - 1 : chunks;
  // A tail chunk "##093" carries 4 − 2 = 2 bytes.
  const tailPadding = hasTail ? countLeadingHashes(text, text.length - 5) : 0;
  require(tailPadding <= 3, () => SqlError.corruptData(where, 'Z85 tail chunk has no data characters'));
  const out = new Uint8Array(fullChunks * 4 + (hasTail ? 4 - tailPadding : 0));

  for (let c = 0; c < fullChunks; c++) {
    const value = chunkValue(text, c * 5, 5, where);
    require(value <= U32_MAX, () => SqlError.corruptData(where, `Z85 chunk at character ${c * 5} exceeds 2^32 - 1`));
    writeBigEndian(out, c * 4, value, 4);
  }
  if (hasTail) {
    const start = text.length - 5 + tailPadding;
    const bytes = 4 - tailPadding;
    const value = chunkValue(text, start, 5 - tailPadding, where);
    require(value < 256 ** bytes, () =>
      SqlError.corruptData(where, `Z85 padded tail "${text.slice(-5)}" does not fit in ${bytes} byte(s)`),
    );
    writeBigEndian(out, fullChunks * 4, value, bytes);
  }
  return out;
}

/**
 * Encodes bytes as standard Z85; the length must be a multiple of 4 (callers pad with zeros and
 * record the real length, as Delta's `sizeInBytes` does).
 */
export function encodeZ85(bytes: Uint8Array): string {
  assert(bytes.length % 4 === 0, `encodeZ85 needs a multiple of 4 bytes, got ${bytes.length}`);
  const parts: string[] = [];
  const digits = new Array<string>(5);
  for (let i = 0; i < bytes.length; i += 4) {
    // `>>> 0` keeps the value unsigned when the top bit is set.
    let value = ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    for (let d = 4; d >= 0; d--) {
      digits[d] = ALPHABET[value % 85];
      value = Math.floor(value / 85);
    }
    parts.push(digits.join(''));
  }
  return parts.join('');
}

/**
 * Decodes the 20-character Z85 form of a UUID (16 bytes, most significant first, as Delta's
 * `Base85Codec.decodeUUID` reads them) into `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, the form in
 * DV file names: "The file is `<table>/<prefix>/deletion_vector_<uuid>.bin`" (§5).
 */
export function decodeUuidZ85(text: string, where = 'deletion vector UUID'): string {
  require(text.length === 20, () =>
    SqlError.corruptData(where, `a Z85-encoded UUID has 20 characters, got ${text.length} ("${text}")`),
  );
  const bytes = decodeZ85(text, where);
  require(bytes.length === 16, () => SqlError.corruptData(where, `Z85-encoded UUID "${text}" does not hold 16 bytes`));
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function countLeadingHashes(text: string, start: number): number {
  let n = 0;
  while (n < 5 && text.charCodeAt(start + n) === HASH_CODE) n++;
  return n;
}

/** The base-85 number of `length` digits at `start`; up to 85⁵ − 1, exact in a double. */
function chunkValue(text: string, start: number, length: number, where: string): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? DIGITS[code] : -1;
    require(digit >= 0, () =>
      SqlError.corruptData(where, `character ${JSON.stringify(text[i])} at ${i} is not in the Z85 alphabet`),
    );
    value = value * 85 + digit;
  }
  return value;
}

function writeBigEndian(out: Uint8Array, at: number, value: number, bytes: number): void {
  for (let i = bytes - 1; i >= 0; i--) {
    out[at + i] = value & 0xff;
    value = Math.floor(value / 256);
  }
}
