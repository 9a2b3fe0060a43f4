import * as arrow from 'apache-arrow';
import { validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { bool } from './boolean.js';

/**
 * String kernels over Utf8 Data. They work on the UTF-8 bytes (offsets + values) and only
 * decode a row to a JS string when it holds non-ASCII text that case mapping needs.
 */

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** lower() / upper(): ASCII rows are mapped byte by byte; other rows through String#toLowerCase. */
export function changeCase(input: arrow.Data, upper: boolean): arrow.Data {
  const length = input.length;
  const offsets = input.valueOffsets as Int32Array;
  const bytes = input.values as Uint8Array;
  const start = offsets[0];
  const end = offsets[length];
  let ascii = true;
  for (let k = start; k < end; k++) if (bytes[k] >= 0x80) { ascii = false; break; }
  const valid = validityBytes(input);
  if (ascii) {
    const out = new Uint8Array(end - start);
    const lo = upper ? 0x61 : 0x41;
    const hi = upper ? 0x7a : 0x5a;
    for (let k = start; k < end; k++) {
      const b = bytes[k];
      out[k - start] = b >= lo && b <= hi ? b ^ 0x20 : b;
    }
    const valueOffsets = new Int32Array(length + 1);
    for (let i = 0; i <= length; i++) valueOffsets[i] = offsets[i] - start;
    return arrow.makeData({ type: input.type, length, ...validityProps(valid), valueOffsets, data: out } as never);
  }
  const parts: Uint8Array[] = [];
  const valueOffsets = new Int32Array(length + 1);
  let total = 0;
  for (let i = 0; i < length; i++) {
    const s = decoder.decode(bytes.subarray(offsets[i], offsets[i + 1]));
    const e = encoder.encode(upper ? s.toUpperCase() : s.toLowerCase());
    parts.push(e);
    total += e.length;
    valueOffsets[i + 1] = total;
  }
  const out = new Uint8Array(total);
  for (let i = 0; i < length; i++) out.set(parts[i], valueOffsets[i]);
  return arrow.makeData({ type: input.type, length, ...validityProps(valid), valueOffsets, data: out } as never);
}

/** length(): characters (code points), counted as UTF-8 lead bytes without decoding. */
export function charLength(input: arrow.Data): arrow.Data {
  const length = input.length;
  const offsets = input.valueOffsets as Int32Array;
  const bytes = input.values as Uint8Array;
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    let n = 0;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) if ((bytes[k] & 0xc0) !== 0x80) n++;
    out[i] = n;
  }
  return arrow.makeData({ type: new arrow.Int32(), length, ...validityProps(validityBytes(input)), data: out });
}

/**
 * `input LIKE pattern` for a constant pattern (`%` any run, `_` one character, `\` escapes),
 * matched on bytes; `caseInsensitive` (ILIKE) lower-cases both sides first.
 */
export function like(input: arrow.Data, pattern: string, caseInsensitive: boolean): arrow.Data<arrow.Bool> {
  const source = caseInsensitive ? changeCase(input, false) : input;
  const compiled = compileLike(caseInsensitive ? pattern.toLowerCase() : pattern);
  const length = source.length;
  const offsets = source.valueOffsets as Int32Array;
  const bytes = source.values as Uint8Array;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = matchLike(compiled, bytes, offsets[i], offsets[i + 1]) ? 1 : 0;
  return bool(out, validityBytes(input));
}

// Pattern elements: a literal byte (0..255), ANY_ONE (one UTF-8 character), ANY_RUN.
const ANY_ONE = -1;
const ANY_RUN = -2;

function compileLike(pattern: string): Int16Array {
  const bytes = encoder.encode(pattern);
  const out: number[] = [];
  for (let k = 0; k < bytes.length; k++) {
    const b = bytes[k];
    if (b === 0x5c /* \ */ && k + 1 < bytes.length) out.push(bytes[++k]);
    else if (b === 0x25 /* % */) { if (out[out.length - 1] !== ANY_RUN) out.push(ANY_RUN); }
    else if (b === 0x5f /* _ */) out.push(ANY_ONE);
    else out.push(b);
  }
  return Int16Array.from(out);
}

/** Iterative wildcard match with single-star backtracking (linear for each `%` segment). */
function matchLike(p: Int16Array, s: Uint8Array, start: number, end: number): boolean {
  let pi = 0;
  let si = start;
  let starP = -1;
  let starS = -1;
  while (si < end) {
    const e = pi < p.length ? p[pi] : -3;
    if (e === ANY_RUN) {
      starP = ++pi;
      starS = si;
      continue;
    }
    if (e === ANY_ONE) {
      si = nextChar(s, si, end);
      pi++;
      continue;
    }
    if (e >= 0 && s[si] === e) {
      si++;
      pi++;
      continue;
    }
    if (starP < 0) return false;
    // Backtrack: let the last `%` swallow one more character.
    starS = nextChar(s, starS, end);
    si = starS;
    pi = starP;
  }
  while (pi < p.length && p[pi] === ANY_RUN) pi++;
  return pi === p.length;
}

function nextChar(s: Uint8Array, i: number, end: number): number {
  i++;
  while (i < end && (s[i] & 0xc0) === 0x80) i++;
  return i;
}
