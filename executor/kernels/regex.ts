import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { allValid, boolData, numbers, StrReader, Utf8Builder } from './rows.js';

/**
 * Regular expressions: PostgreSQL's `~ ~* !~ !~*`, `regexp_like`, Spark's `rlike`,
 * `regexp_replace`, `regexp_extract`, `split`. Patterns are compiled once per distinct text
 * (a constant pattern compiles once per batch) with JavaScript's engine in `u` mode, which
 * agrees with POSIX ARE / java.util.regex on the syntax people write (classes, quantifiers,
 * groups, anchors, `\d \w \s`). A pattern that does not compile is `2201B`.
 */

const cache = new Map<string, RegExp>();

/** Compiles `pattern` with `flags`, caching; `2201B` on a bad pattern. */
export function compileRegex(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`;
  let re = cache.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, `${flags}u`);
    } catch (err) {
      throw new SqlError('2201B', `invalid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
    if (cache.size > 256) cache.clear();
    cache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** PostgreSQL's flag letters → JS flags (`i` case-insensitive, `g` global; `c` is the default). */
function jsFlags(flags: string): { flags: string; global: boolean } {
  let out = '';
  let global = false;
  for (const f of flags) {
    if (f === 'i') out += 'i';
    else if (f === 'g') global = true;
    else if (f === 'n' || f === 'm') out += 'm';
    else if (f === 's') out += 's';
    else if (f !== 'c') throw SqlError.invalidParameter(`invalid regular expression option: "${f}"`);
  }
  return { flags: out, global };
}

/** `s ~ pattern` (and `~*` with `caseInsensitive`, `regexp_like`, `rlike`): partial match. */
export function regexMatch(args: readonly arrow.Data[], caseInsensitive: boolean): arrow.Data {
  const [s, p, f] = args;
  const length = s.length;
  const valid = allValid(args);
  const r = new StrReader(s);
  const pr = new StrReader(p);
  const fr = f === undefined ? undefined : new StrReader(f);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const flags = fr === undefined ? (caseInsensitive ? 'i' : '') : jsFlags(fr.str(i)).flags;
    out[i] = compileRegex(pr.str(i), flags).test(r.str(i)) ? 1 : 0;
  }
  return boolData(out, valid);
}

/**
 * `regexp_replace(s, pattern, replacement [, flags])`. The one place PostgreSQL and Spark
 * disagree: without flags Spark replaces every match and PostgreSQL only the first. We follow
 * Spark without flags (the jobs' dialect) and PostgreSQL when flags are given (`'g'` for all,
 * `'i'` to ignore case). Back-references may be written `\1` (PostgreSQL) or `$1` (Java).
 */
export function regexReplace(args: readonly arrow.Data[]): arrow.Data {
  const [s, p, rep, f] = args;
  const length = s.length;
  const valid = allValid(args);
  const r = new StrReader(s);
  const pr = new StrReader(p);
  const rr = new StrReader(rep);
  const fr = f === undefined ? undefined : new StrReader(f);
  const out = new Utf8Builder(length, r.bytes.length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    const { flags, global } = fr === undefined ? { flags: '', global: true } : jsFlags(fr.str(i));
    const re = compileRegex(pr.str(i), global ? flags + 'g' : flags);
    out.appendString(r.str(i).replace(re, replacement(rr.str(i))));
  }
  return out.finish(new arrow.Utf8());
}

/** A SQL replacement string in JS's `String#replace` syntax: `\N` / `\&` → `$N` / `$&`, `\\` → `\`. */
function replacement(text: string): string {
  let out = '';
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === '\\' && k + 1 < text.length) {
      const d = text[++k];
      out += /\d/.test(d) ? `$${d}` : d === '&' ? '$&' : d === '$' ? '$$' : d;
    } else out += c;
  }
  return out;
}

/** `regexp_extract(s, pattern [, group = 1])` (Spark): the group of the first match, '' when none matches. */
export function regexExtract(args: readonly arrow.Data[]): arrow.Data {
  const [s, p, g] = args;
  const length = s.length;
  const valid = allValid(args);
  const r = new StrReader(s);
  const pr = new StrReader(p);
  const groups = g === undefined ? undefined : numbers(g);
  const out = new Utf8Builder(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    const re = compileRegex(pr.str(i), '');
    const group = groups === undefined ? 1 : groups[i];
    const m = re.exec(r.str(i));
    if (m !== null && group >= m.length) {
      throw SqlError.invalidParameter(`regex group count is ${m.length - 1}, but the specified group index is ${group}`);
    }
    out.appendString(m === null ? '' : (m[group] ?? ''));
  }
  return out.finish(new arrow.Utf8());
}

/** `split(s, pattern [, limit])` (Spark): array<string> of the pieces between matches. */
export function regexSplit(args: readonly arrow.Data[], type: arrow.DataType): arrow.Data {
  const [s, p, l] = args;
  const length = s.length;
  const valid = allValid(args);
  const r = new StrReader(s);
  const pr = new StrReader(p);
  const limits = l === undefined ? undefined : numbers(l);
  const child = new Utf8Builder(length * 2);
  const offsets = new Int32Array(length + 1);
  let n = 0;
  for (let i = 0; i < length; i++) {
    if (valid === null || valid[i] === 1) {
      const text = r.str(i);
      const pattern = pr.str(i);
      let parts = pattern === '' ? Array.from(text) : text.split(compileRegex(pattern, 'g'));
      const limit = limits === undefined ? -1 : limits[i];
      if (limit > 0 && parts.length > limit) {
        // Spark: at most `limit` pieces, the last holding the rest of the string.
        const re = compileRegex(pattern, 'g');
        let cut = 0;
        for (let k = 1; k < limit; k++) {
          const m = re.exec(text);
          if (m === null) break;
          cut = m.index + m[0].length;
        }
        parts = [...parts.slice(0, limit - 1), text.slice(cut)];
      }
      for (const part of parts) child.appendString(part);
      n += parts.length;
    }
    offsets[i + 1] = n;
  }
  const values = child.finish(new arrow.Utf8());
  return listData(type, offsets, values, valid);
}

/** A List Data from offsets and a child. */
export function listData(type: arrow.DataType, valueOffsets: Int32Array, child: arrow.Data, valid: Uint8Array | null): arrow.Data {
  const length = valueOffsets.length - 1;
  let nullCount = 0;
  if (valid !== null) for (let i = 0; i < length; i++) if (valid[i] === 0) nullCount++;
  const props = nullCount === 0 ? { nullCount: 0 } : { nullCount, nullBitmap: packValid(valid as Uint8Array) };
  return arrow.makeData({ type, length, ...props, valueOffsets, child } as never);
}

function packValid(valid: Uint8Array): Uint8Array {
  const out = new Uint8Array(((valid.length + 63) >> 6) << 3);
  for (let i = 0; i < valid.length; i++) if (valid[i] !== 0) out[i >> 3] |= 1 << (i & 7);
  return out;
}
