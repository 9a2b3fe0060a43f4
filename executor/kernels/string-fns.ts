import * as arrow from 'apache-arrow';
import { createHash } from 'node:crypto';
import { SqlError } from '../../common/sql-error.js';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { allValid, boolData, fixedData, isAscii, numbers, StrReader, Utf8Builder } from './rows.js';

/**
 * String functions (PostgreSQL's and Spark's spellings) over Utf8 Data. Positions and lengths
 * count characters (code points); kernels that only cut or search work on the UTF-8 bytes
 * (a character boundary is any byte that is not 10xxxxxx) and never decode. Every function is
 * strict (NULL in → NULL out) unless its comment says otherwise.
 */

const TEXT = new arrow.Utf8();

// ── helpers ──

/** Byte offset of the `k`-th character (0-based) of bytes[start, end), clamped to `end`. */
function charOffset(bytes: Uint8Array, start: number, end: number, k: number): number {
  let p = start;
  while (k > 0 && p < end) {
    p++;
    while (p < end && (bytes[p] & 0xc0) === 0x80) p++;
    k--;
  }
  return p;
}

function charCount(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let k = start; k < end; k++) if ((bytes[k] & 0xc0) !== 0x80) n++;
  return n;
}

/** First byte index ≥ from where needle[ns, ne) occurs in hay[hs, he), or -1. */
function indexOfBytes(hay: Uint8Array, from: number, he: number, needle: Uint8Array, ns: number, ne: number): number {
  const n = ne - ns;
  if (n === 0) return from;
  const first = needle[ns];
  for (let p = from; p + n <= he; p++) {
    if (hay[p] !== first) continue;
    let k = 1;
    while (k < n && hay[p + k] === needle[ns + k]) k++;
    if (k === n) return p;
  }
  return -1;
}

/** Applies `f` to each non-NULL row's string (arguments already decoded by the caller's closure). */
function mapToText(length: number, valid: Uint8Array | null, f: (i: number) => string | null): arrow.Data {
  const out = new Utf8Builder(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    const s = f(i);
    if (s === null) out.appendNull();
    else out.appendString(s);
  }
  return out.finish(TEXT);
}

// ── concatenation ──

/**
 * `a || b || …` (`nullIsNull`: PostgreSQL's operator and Spark's `concat`, any NULL gives NULL)
 * or PostgreSQL's/DuckDB's `concat(…)` (`nullIsNull` false: NULL arguments are skipped).
 */
export function concatText(args: readonly arrow.Data[], nullIsNull: boolean): arrow.Data {
  const length = args[0]?.length ?? 0;
  const readers = args.map((a) => new StrReader(a));
  const valids = args.map((a) => validityBytes(a));
  const strict = nullIsNull ? allValid(args) : null;
  const out = new Utf8Builder(length, readers.reduce((n, r) => n + r.bytes.length, 0));
  for (let i = 0; i < length; i++) {
    if (strict !== null && strict[i] === 0) { out.appendNull(); continue; }
    for (let k = 0; k < readers.length; k++) {
      const v = valids[k];
      if (v !== null && v[i] === 0) continue;
      const r = readers[k];
      out.push(r.bytes, r.offsets[i], r.offsets[i + 1]);
    }
    out.end();
  }
  return out.finish(TEXT);
}

/** `concat_ws(sep, a, b, …)`: NULL separator gives NULL; NULL arguments are skipped (PG and Spark). */
export function concatWs(args: readonly arrow.Data[]): arrow.Data {
  const [sepData, ...rest] = args;
  const length = sepData.length;
  const sep = new StrReader(sepData);
  const sepValid = validityBytes(sepData);
  const readers = rest.map((a) => new StrReader(a));
  const valids = rest.map((a) => validityBytes(a));
  const out = new Utf8Builder(length);
  for (let i = 0; i < length; i++) {
    if (sepValid !== null && sepValid[i] === 0) { out.appendNull(); continue; }
    let first = true;
    for (let k = 0; k < readers.length; k++) {
      const v = valids[k];
      if (v !== null && v[i] === 0) continue;
      if (!first) out.push(sep.bytes, sep.offsets[i], sep.offsets[i + 1]);
      first = false;
      const r = readers[k];
      out.push(r.bytes, r.offsets[i], r.offsets[i + 1]);
    }
    out.end();
  }
  return out.finish(TEXT);
}

// ── cutting ──

/**
 * `substring(s, start [, count])`, 1-based. `spark` = false is PostgreSQL: the window
 * [start, start + count) is intersected with the string (a start ≤ 0 eats into count), and a
 * negative count is `22011`. `spark` = true is Spark's `substr`: start 0 means 1, a negative
 * start counts from the end, a negative count gives ''.
 */
export function substring(args: readonly arrow.Data[], spark: boolean): arrow.Data {
  const [s, startData, countData] = args;
  const length = s.length;
  const valid = allValid(args);
  const r = new StrReader(s);
  const starts = numbers(startData);
  const counts = countData === undefined ? undefined : numbers(countData);
  const out = new Utf8Builder(length, r.bytes.length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    const bs = r.offsets[i];
    const be = r.offsets[i + 1];
    const count = counts === undefined ? Infinity : counts[i];
    // 0-based [lo, hi) in characters, before clamping to the string.
    let lo: number;
    if (spark) {
      // UTF8String.substringSQL: start 0 is 1, a negative start counts from the end.
      const pos = starts[i];
      lo = pos > 0 ? pos - 1 : pos < 0 ? charCount(r.bytes, bs, be) + pos : 0;
    } else {
      if (count < 0) throw new SqlError('22011', 'negative substring length not allowed');
      lo = starts[i] - 1;
    }
    const hi = lo + count;
    lo = Math.max(0, lo);
    if (hi <= lo) { out.end(); continue; }
    const a = charOffset(r.bytes, bs, be, lo);
    const b = hi === Infinity ? be : charOffset(r.bytes, a, be, hi - lo);
    out.push(r.bytes, a, b);
    out.end();
  }
  return out.finish(TEXT);
}

/** `left(s, n)` / `right(s, n)`: a negative n drops |n| characters from the other end (PostgreSQL). */
export function leftRight(args: readonly arrow.Data[], fromLeft: boolean): arrow.Data {
  const [s, nData] = args;
  const length = s.length;
  const valid = allValid(args);
  const r = new StrReader(s);
  const ns = numbers(nData);
  const out = new Utf8Builder(length, r.bytes.length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    const bs = r.offsets[i];
    const be = r.offsets[i + 1];
    const total = charCount(r.bytes, bs, be);
    const n = ns[i];
    const keep = Math.max(0, Math.min(total, n >= 0 ? n : total + n));
    if (fromLeft) out.push(r.bytes, bs, charOffset(r.bytes, bs, be, keep));
    else out.push(r.bytes, charOffset(r.bytes, bs, be, total - keep), be);
    out.end();
  }
  return out.finish(TEXT);
}

/**
 * `btrim/ltrim/rtrim(s [, chars])` and `trim(BOTH|LEADING|TRAILING chars FROM s)`: removes
 * the longest prefix/suffix made of characters in `chars` (default a space).
 */
export function trim(args: readonly arrow.Data[], leading: boolean, trailing: boolean): arrow.Data {
  const [s, charsData] = args;
  const length = s.length;
  const valid = allValid(args);
  const r = new StrReader(s);
  const chars = charsData === undefined ? undefined : new StrReader(charsData);
  const out = new Utf8Builder(length, r.bytes.length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    let a = r.offsets[i];
    let b = r.offsets[i + 1];
    if (chars === undefined || (chars.byteLength(i) === 1 && chars.bytes[chars.offsets[i]] < 0x80)) {
      const c = chars === undefined ? 0x20 : chars.bytes[chars.offsets[i]];
      if (leading) while (a < b && r.bytes[a] === c) a++;
      if (trailing) while (b > a && r.bytes[b - 1] === c) b--;
      out.push(r.bytes, a, b);
      out.end();
      continue;
    }
    const set = new Set(Array.from(chars.str(i)));
    const cs = Array.from(r.str(i));
    let x = 0;
    let y = cs.length;
    if (leading) while (x < y && set.has(cs[x])) x++;
    if (trailing) while (y > x && set.has(cs[y - 1])) y--;
    out.appendString(cs.slice(x, y).join(''));
  }
  return out.finish(TEXT);
}

/** `lpad/rpad(s, n [, fill])`: pads to n characters with `fill` repeated, or truncates to n. */
export function pad(args: readonly arrow.Data[], left: boolean): arrow.Data {
  const [s, nData, fillData] = args;
  const r = new StrReader(s);
  const ns = numbers(nData);
  const fill = fillData === undefined ? undefined : new StrReader(fillData);
  return mapToText(s.length, allValid(args), (i) => {
    const cs = Array.from(r.str(i));
    const n = Math.max(0, ns[i]);
    if (cs.length >= n) return cs.slice(0, n).join('');
    const f = Array.from(fill === undefined ? ' ' : fill.str(i));
    if (f.length === 0) return cs.join('');
    const padding: string[] = [];
    for (let k = 0; k < n - cs.length; k++) padding.push(f[k % f.length]);
    return left ? padding.join('') + cs.join('') : cs.join('') + padding.join('');
  });
}

/** `replace(s, from, to)`: every occurrence; an empty `from` leaves s as it is (PostgreSQL). */
export function replace(args: readonly arrow.Data[]): arrow.Data {
  const [s, fromData, toData] = args;
  const length = s.length;
  const valid = allValid(args);
  const r = new StrReader(s);
  const f = new StrReader(fromData);
  const t = new StrReader(toData);
  const out = new Utf8Builder(length, r.bytes.length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    const be = r.offsets[i + 1];
    const fs = f.offsets[i];
    const fe = f.offsets[i + 1];
    let p = r.offsets[i];
    if (fe > fs) {
      for (;;) {
        const hit = indexOfBytes(r.bytes, p, be, f.bytes, fs, fe);
        if (hit < 0) break;
        out.push(r.bytes, p, hit);
        out.push(t.bytes, t.offsets[i], t.offsets[i + 1]);
        p = hit + (fe - fs);
      }
    }
    out.push(r.bytes, p, be);
    out.end();
  }
  return out.finish(TEXT);
}

/** `split_part(s, delimiter, n)`: n-th field (1-based; negative counts from the end, PostgreSQL 14+). */
export function splitPart(args: readonly arrow.Data[]): arrow.Data {
  const [s, dData, nData] = args;
  const r = new StrReader(s);
  const d = new StrReader(dData);
  const ns = numbers(nData);
  return mapToText(s.length, allValid(args), (i) => {
    const n = ns[i];
    if (n === 0) throw SqlError.invalidParameter('field position must not be zero');
    const text = r.str(i);
    const delimiter = d.str(i);
    const parts = delimiter === '' ? [text] : text.split(delimiter);
    const k = n > 0 ? n - 1 : parts.length + n;
    return k >= 0 && k < parts.length ? parts[k] : '';
  });
}

// ── searching ──

/**
 * 1-based character position of `sub` in `s` (0 when absent): PostgreSQL's `strpos(s, sub)` /
 * `position(sub IN s)`, Spark's `instr(s, sub)` and `locate(sub, s [, from])` (the caller
 * orders the arguments as (s, sub [, from])). `locate` with from < 1 gives 0 (Spark).
 */
export function strpos(args: readonly arrow.Data[]): arrow.Data {
  const [s, subData, fromData] = args;
  const length = s.length;
  const valid = allValid(args);
  const r = new StrReader(s);
  const sub = new StrReader(subData);
  const froms = fromData === undefined ? undefined : numbers(fromData);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const bs = r.offsets[i];
    const be = r.offsets[i + 1];
    let start = bs;
    if (froms !== undefined) {
      if (froms[i] < 1) continue;
      start = charOffset(r.bytes, bs, be, froms[i] - 1);
    }
    const hit = indexOfBytes(r.bytes, start, be, sub.bytes, sub.offsets[i], sub.offsets[i + 1]);
    out[i] = hit < 0 ? 0 : charCount(r.bytes, bs, hit) + 1;
  }
  return fixedData(new arrow.Int32(), out, valid, length);
}

/** `starts_with` / `ends_with` / `contains` (Spark 3.3+ and PostgreSQL's starts_with), on bytes. */
export function affix(args: readonly arrow.Data[], mode: 'starts' | 'ends' | 'contains'): arrow.Data {
  const [s, pData] = args;
  const length = s.length;
  const r = new StrReader(s);
  const p = new StrReader(pData);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const bs = r.offsets[i];
    const be = r.offsets[i + 1];
    const ps = p.offsets[i];
    const pe = p.offsets[i + 1];
    const n = pe - ps;
    if (n > be - bs) continue;
    if (mode === 'contains') {
      out[i] = indexOfBytes(r.bytes, bs, be, p.bytes, ps, pe) >= 0 ? 1 : 0;
      continue;
    }
    const at = mode === 'starts' ? bs : be - n;
    let k = 0;
    while (k < n && r.bytes[at + k] === p.bytes[ps + k]) k++;
    out[i] = k === n ? 1 : 0;
  }
  return boolData(out, allValid(args));
}

// ── transforming ──

export function reverse(args: readonly arrow.Data[]): arrow.Data {
  const r = new StrReader(args[0]);
  return mapToText(args[0].length, allValid(args), (i) => Array.from(r.str(i)).reverse().join(''));
}

/** `repeat(s, n)`: n ≤ 0 gives ''. */
export function repeat(args: readonly arrow.Data[]): arrow.Data {
  const [s, nData] = args;
  const r = new StrReader(s);
  const ns = numbers(nData);
  return mapToText(s.length, allValid(args), (i) => {
    const n = Math.max(0, ns[i]);
    if (n * r.byteLength(i) > 1 << 28) throw new SqlError('54000', 'requested length too large');
    return r.str(i).repeat(n);
  });
}

/** `initcap(s)`: first letter of each alphanumeric run upper-case, the rest lower (PostgreSQL). */
export function initcap(args: readonly arrow.Data[]): arrow.Data {
  const r = new StrReader(args[0]);
  return mapToText(args[0].length, allValid(args), (i) => {
    let out = '';
    let inWord = false;
    for (const c of r.str(i)) {
      const alnum = /[\p{L}\p{N}]/u.test(c);
      out += alnum ? (inWord ? c.toLowerCase() : c.toUpperCase()) : c;
      inWord = alnum;
    }
    return out;
  });
}

/** `translate(s, from, to)`: each character of `from` → the same position of `to`, or removed. */
export function translate(args: readonly arrow.Data[]): arrow.Data {
  const [s, fData, tData] = args;
  const r = new StrReader(s);
  const f = new StrReader(fData);
  const t = new StrReader(tData);
  return mapToText(s.length, allValid(args), (i) => {
    const from = Array.from(f.str(i));
    const to = Array.from(t.str(i));
    let out = '';
    for (const c of r.str(i)) {
      const k = from.indexOf(c);
      if (k < 0) out += c;
      else if (k < to.length) out += to[k];
    }
    return out;
  });
}

/** `ascii(s)`: code point of the first character (0 for ''). */
export function ascii(args: readonly arrow.Data[]): arrow.Data {
  const r = new StrReader(args[0]);
  const length = args[0].length;
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = r.byteLength(i) === 0 ? 0 : (r.str(i).codePointAt(0) ?? 0);
  return fixedData(new arrow.Int32(), out, allValid(args), length);
}

/** `chr(n)`: the character with code point n (`54000` out of range, as PostgreSQL). */
export function chr(args: readonly arrow.Data[]): arrow.Data {
  const ns = numbers(args[0]);
  return mapToText(args[0].length, allValid(args), (i) => {
    const n = ns[i];
    if (n === 0) throw new SqlError('54000', 'null character not permitted');
    if (n < 0 || n > 0x10ffff) throw new SqlError('54000', `requested character too large for encoding: ${n}`);
    return String.fromCodePoint(n);
  });
}

/** `octet_length(s)` / `bit_length(s)`. */
export function octetLength(args: readonly arrow.Data[], bits: boolean): arrow.Data {
  const r = new StrReader(args[0]);
  const length = args[0].length;
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = r.byteLength(i) * (bits ? 8 : 1);
  return fixedData(new arrow.Int32(), out, allValid(args), length);
}

// ── hashes ──

/** `md5(s)` / `sha1(s)` / `sha2(s, bits)` (Spark: bits 0 means 256; other widths give NULL) → lowercase hex. */
export function digest(args: readonly arrow.Data[], algorithm: 'md5' | 'sha1' | 'sha2'): arrow.Data {
  const [s, bitsData] = args;
  const r = new StrReader(s);
  const bits = bitsData === undefined ? undefined : numbers(bitsData);
  const valid = allValid(args);
  const out = new Utf8Builder(s.length, s.length * 64);
  for (let i = 0; i < s.length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    let name: string = algorithm;
    if (bits !== undefined) {
      const b = bits[i] === 0 ? 256 : bits[i];
      if (b !== 224 && b !== 256 && b !== 384 && b !== 512) { out.appendNull(); continue; }
      name = `sha${b}`;
    }
    out.appendString(createHash(name).update(r.bytes.subarray(r.offsets[i], r.offsets[i + 1])).digest('hex'));
  }
  return out.finish(TEXT);
}

// ── formatting ──

/**
 * `format_string(fmt, args…)` / `printf` (Spark, Java's Formatter): `%s`, `%d`, `%f` with
 * flags/width/precision (`%-10s`, `%05d`, `%.2f`), `%x`, `%e`, `%%`, `%n`. Arguments arrive as
 * text (the binder casts them), numbers are parsed back for numeric conversions.
 */
export function formatString(args: readonly arrow.Data[]): arrow.Data {
  const [fmtData, ...rest] = args;
  const fmt = new StrReader(fmtData);
  const fmtValid = validityBytes(fmtData);
  const readers = rest.map((a) => new StrReader(a));
  const valids = rest.map((a) => validityBytes(a));
  return mapToText(fmtData.length, fmtValid, (i) => {
    let next = 0;
    return fmt.str(i).replace(/%(\d+\$)?([-#+ 0,(]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (m, index: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      if (conv === 'n') return '\n';
      const k = index === undefined ? next++ : Number(index.slice(0, -1)) - 1;
      if (k >= readers.length) throw new SqlError('22023', `format specifier '${m}' has no argument`);
      const isNull = valids[k] !== null && (valids[k] as Uint8Array)[i] === 0;
      const raw = isNull ? 'null' : readers[k].str(i);
      let body: string;
      switch (conv.toLowerCase()) {
        case 's': body = precision === undefined ? raw : raw.slice(0, Number(precision)); break;
        case 'd': body = isNull ? 'null' : withSign(BigInt(raw.split('.')[0]).toString(), flags); if (flags.includes(',')) body = groupThousands(body); break;
        case 'f': body = isNull ? 'null' : withSign(Number(raw).toFixed(precision === undefined ? 6 : Number(precision)), flags); if (flags.includes(',')) body = groupThousands(body); break;
        case 'e': body = isNull ? 'null' : withSign(Number(raw).toExponential(precision === undefined ? 6 : Number(precision)).replace(/e([+-])(\d)$/, 'e$10$2'), flags); break;
        case 'x': body = isNull ? 'null' : BigInt(raw).toString(16); break;
        case 'o': body = isNull ? 'null' : BigInt(raw).toString(8); break;
        case 'b': body = isNull ? 'false' : String(raw === 'true'); break;
        default: throw new SqlError('22023', `unrecognized format specifier '${m}'`);
      }
      if (conv === conv.toUpperCase() && conv !== conv.toLowerCase()) body = body.toUpperCase();
      const w = width === undefined ? 0 : Number(width);
      if (body.length >= w) return body;
      if (flags.includes('-')) return body.padEnd(w);
      if (flags.includes('0') && conv !== 's' && !isNull) {
        const sign = /^[+-]/.test(body) ? body[0] : '';
        return sign + body.slice(sign.length).padStart(w - sign.length, '0');
      }
      return body.padStart(w);
    });
  });
}

function withSign(body: string, flags: string): string {
  if (body.startsWith('-')) return body;
  return flags.includes('+') ? '+' + body : flags.includes(' ') ? ' ' + body : body;
}

function groupThousands(body: string): string {
  const [whole, frac] = body.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** Whether every row of a Utf8 Data is ASCII (lets callers pick a byte path). */
export function allAscii(data: arrow.Data): boolean {
  const o = data.valueOffsets as Int32Array;
  return isAscii(data.values as Uint8Array, o[0], o[data.length]);
}
