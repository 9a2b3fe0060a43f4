import { SqlError } from '../../common/sql-error.js';
import { civilFromDays, daysFromCivil } from '../../common/time/datetime.js';

/**
 * A small compiler for datetime patterns, in both dialects users write:
 *
 * - Spark / Java (`DateTimeFormatter`): `yyyy-MM-dd HH:mm:ss.SSS`, `yy`, `M`, `MMM`, `MMMM`,
 *   `d`, `D`, `H`, `h`, `a`, `m`, `s`, `S…`, `E`/`EEEE`, `XXX`/`Z`/`x`, `'literal'`;
 * - PostgreSQL (`to_char`/`to_date` templates): `YYYY-MM-DD HH24:MI:SS.MS`, `US`, `HH12`, `AM`,
 *   `Mon`, `Month`, `Dy`, `Day`, `DDD`, `FM` prefix, `"literal"`.
 *
 * The dialect is chosen per pattern: a pattern using PostgreSQL's upper-case tokens (`YYYY`,
 * `DD`, `HH24`, `MI`, `US`, `MS`, `FM`) is a template; anything else is Java's (where `YYYY` and
 * `DD` mean week-year and day-of-year, spellings Spark 3 rejects or nobody means). A pattern
 * compiles once (cached) into a token list used to both format and parse.
 */

type Field = 'year' | 'year2' | 'month' | 'monthShort' | 'monthLong' | 'day' | 'doy' | 'hour24' | 'hour12' | 'minute' | 'second' | 'fraction' | 'ampm' | 'dowShort' | 'dowLong' | 'zone' | 'dowNumber';

interface FieldToken {
  readonly kind: 'field';
  readonly field: Field;
  /** Minimum digits when formatting (0 = no padding). */
  readonly width: number;
  /** Fraction digits / `zone` style / upper-casing for names. */
  readonly detail?: number | string;
}

type Token = FieldToken | { readonly kind: 'literal'; readonly text: string };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const compiled = new Map<string, Token[]>();

export function compilePattern(pattern: string): Token[] {
  let tokens = compiled.get(pattern);
  if (tokens === undefined) {
    tokens = /YYYY|DD|HH24|HH12|MI|US|MS|FM/.test(pattern) ? compilePostgres(pattern) : compileJava(pattern);
    if (compiled.size > 256) compiled.clear();
    compiled.set(pattern, tokens);
  }
  return tokens;
}

function badPattern(pattern: string, why: string): SqlError {
  return new SqlError('22007', `invalid datetime format pattern "${pattern}": ${why}`);
}

function compileJava(pattern: string): Token[] {
  const out: Token[] = [];
  let k = 0;
  while (k < pattern.length) {
    const c = pattern[k];
    if (c === "'") {
      const close = pattern.indexOf("'", k + 1);
      if (close < 0) throw badPattern(pattern, 'unterminated quote');
      out.push({ kind: 'literal', text: close === k + 1 ? "'" : pattern.slice(k + 1, close) });
      k = close + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out.push({ kind: 'literal', text: c });
      k++;
      continue;
    }
    let n = 1;
    while (pattern[k + n] === c) n++;
    k += n;
    switch (c) {
      case 'y': case 'u': out.push(n === 2 ? { kind: 'field', field: 'year2', width: 2 } : { kind: 'field', field: 'year', width: n }); break;
      case 'M': case 'L': out.push(n >= 4 ? { kind: 'field', field: 'monthLong', width: 0 } : n === 3 ? { kind: 'field', field: 'monthShort', width: 0 } : { kind: 'field', field: 'month', width: n }); break;
      case 'd': out.push({ kind: 'field', field: 'day', width: n }); break;
      case 'D': out.push({ kind: 'field', field: 'doy', width: n }); break;
      case 'H': out.push({ kind: 'field', field: 'hour24', width: n }); break;
      case 'h': out.push({ kind: 'field', field: 'hour12', width: n }); break;
      case 'm': out.push({ kind: 'field', field: 'minute', width: n }); break;
      case 's': out.push({ kind: 'field', field: 'second', width: n }); break;
      case 'S': out.push({ kind: 'field', field: 'fraction', width: n, detail: n }); break;
      case 'a': out.push({ kind: 'field', field: 'ampm', width: 0 }); break;
      case 'E': out.push(n >= 4 ? { kind: 'field', field: 'dowLong', width: 0 } : { kind: 'field', field: 'dowShort', width: 0 }); break;
      case 'X': case 'x': case 'Z': case 'O': out.push({ kind: 'field', field: 'zone', width: 0, detail: `${c}${n}` }); break;
      default: throw badPattern(pattern, `unsupported letter '${c}'`);
    }
  }
  return out;
}

function compilePostgres(pattern: string): Token[] {
  const out: Token[] = [];
  let k = 0;
  const rules: [RegExp, (m: string, fm: boolean) => Token][] = [
    [/^YYYY/i, (_, fm) => ({ kind: 'field', field: 'year', width: fm ? 0 : 4 })],
    [/^YY/i, () => ({ kind: 'field', field: 'year2', width: 2 })],
    [/^MONTH/i, (m, fm) => ({ kind: 'field', field: 'monthLong', width: fm ? 0 : 9, detail: m })],
    [/^MON/i, (m) => ({ kind: 'field', field: 'monthShort', width: 0, detail: m })],
    [/^MM/i, (_, fm) => ({ kind: 'field', field: 'month', width: fm ? 0 : 2 })],
    [/^DAY/i, (m, fm) => ({ kind: 'field', field: 'dowLong', width: fm ? 0 : 9, detail: m })],
    [/^DY/i, (m) => ({ kind: 'field', field: 'dowShort', width: 0, detail: m })],
    [/^DDD/i, (_, fm) => ({ kind: 'field', field: 'doy', width: fm ? 0 : 3 })],
    [/^DD/i, (_, fm) => ({ kind: 'field', field: 'day', width: fm ? 0 : 2 })],
    [/^D/, () => ({ kind: 'field', field: 'dowNumber', width: 0 })],
    [/^HH24/i, (_, fm) => ({ kind: 'field', field: 'hour24', width: fm ? 0 : 2 })],
    [/^HH(12)?/i, (_, fm) => ({ kind: 'field', field: 'hour12', width: fm ? 0 : 2 })],
    [/^MI/i, (_, fm) => ({ kind: 'field', field: 'minute', width: fm ? 0 : 2 })],
    [/^SS/i, (_, fm) => ({ kind: 'field', field: 'second', width: fm ? 0 : 2 })],
    [/^MS/i, () => ({ kind: 'field', field: 'fraction', width: 3, detail: 3 })],
    [/^US/i, () => ({ kind: 'field', field: 'fraction', width: 6, detail: 6 })],
    [/^(AM|PM|A\.M\.|P\.M\.)/i, (m) => ({ kind: 'field', field: 'ampm', width: 0, detail: m })],
    [/^(TZH:TZM|TZ|OF)/i, () => ({ kind: 'field', field: 'zone', width: 0, detail: 'PG' })],
  ];
  while (k < pattern.length) {
    if (pattern[k] === '"') {
      const close = pattern.indexOf('"', k + 1);
      if (close < 0) throw badPattern(pattern, 'unterminated quote');
      out.push({ kind: 'literal', text: pattern.slice(k + 1, close) });
      k = close + 1;
      continue;
    }
    let fm = false;
    if (/^FM/i.test(pattern.slice(k))) {
      fm = true;
      k += 2;
    }
    const rest = pattern.slice(k);
    const rule = rules.find(([re]) => re.test(rest));
    if (rule === undefined) {
      out.push({ kind: 'literal', text: pattern[k] });
      k++;
      continue;
    }
    const m = (rule[0].exec(rest) as RegExpExecArray)[0];
    out.push(rule[1](m, fm));
    k += m.length;
  }
  return out;
}

// ── formatting ──

/** A month/day name in the pattern's letter case; PostgreSQL pads full names to 9 (`width`) unless FM. */
function casedName(name: string, detail: unknown, short: boolean, width = 0): string {
  const text = (short ? name.slice(0, 3) : name).padEnd(width);
  if (typeof detail !== 'string') return text;
  if (detail === detail.toUpperCase()) return text.toUpperCase();
  if (detail === detail.toLowerCase()) return text.toLowerCase();
  return text;
}

/** Formats microseconds since the epoch (a UTC or wall-clock instant) with a compiled pattern. */
export function formatMicros(micros: bigint, tokens: readonly Token[]): string {
  const MICROS_PER_DAY = 86_400_000_000n;
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  const d = Number(days);
  const { year, month, day } = civilFromDays(d);
  const usOfDay = Number(rest);
  const secondOfDay = Math.floor(usOfDay / 1e6);
  const hour = Math.floor(secondOfDay / 3600);
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'literal') {
      out += t.text;
      continue;
    }
    const num = (v: number) => String(v).padStart(t.width, '0');
    switch (t.field) {
      case 'year': out += year < 0 ? '-' + num(-year) : num(year); break;
      case 'year2': out += String(((year % 100) + 100) % 100).padStart(2, '0'); break;
      case 'month': out += num(month); break;
      case 'monthShort': out += casedName(MONTHS[month - 1], t.detail, true); break;
      case 'monthLong': out += casedName(MONTHS[month - 1], t.detail, false, t.width); break;
      case 'day': out += num(day); break;
      case 'doy': out += num(d - daysFromCivil(year, 1, 1) + 1); break;
      case 'hour24': out += num(hour); break;
      case 'hour12': out += num(hour % 12 === 0 ? 12 : hour % 12); break;
      case 'minute': out += num(Math.floor(secondOfDay / 60) % 60); break;
      case 'second': out += num(secondOfDay % 60); break;
      case 'fraction': out += String(usOfDay % 1e6).padStart(6, '0').padEnd(9, '0').slice(0, Number(t.detail)); break;
      case 'ampm': {
        const pm = hour >= 12;
        const style = typeof t.detail === 'string' ? t.detail : 'AM';
        const text = style.includes('.') ? (pm ? 'P.M.' : 'A.M.') : pm ? 'PM' : 'AM';
        out += style === style.toLowerCase() ? text.toLowerCase() : text;
        break;
      }
      case 'dowShort': out += casedName(DAYS[(((d + 4) % 7) + 7) % 7], t.detail, true); break;
      case 'dowLong': out += casedName(DAYS[(((d + 4) % 7) + 7) % 7], t.detail, false, t.width); break;
      case 'dowNumber': out += String(((((d + 4) % 7) + 7) % 7) + 1); break;
      // Session time zone is UTC: Java's X prints Z, x and Z print a zero offset, PostgreSQL's TZ/OF +00.
      case 'zone': {
        const style = String(t.detail);
        out += style === 'PG' ? '+00' : style[0] === 'X' ? 'Z' : style[0] === 'O' ? 'GMT' : style[0] === 'Z' ? '+0000' : style.length >= 4 ? '+00:00' : style.length === 3 ? '+00:00' : '+00';
        break;
      }
    }
  }
  return out;
}

// ── parsing ──

/**
 * Parses `text` with a compiled pattern into microseconds since the epoch, applying a zone
 * offset found in the text (unless `ignoreZone`). Undefined when the text does not match or
 * names an impossible date (`2021-02-30`).
 */
export function parseMicros(text: string, tokens: readonly Token[], ignoreZone = false): bigint | undefined {
  let p = 0;
  let year = 1970;
  let month = 1;
  let day = 1;
  let doy = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let micros = 0;
  let pm: boolean | undefined;
  let hour12 = false;
  let offsetMinutes = 0;
  const digits = (max: number, min = 1): number | undefined => {
    let q = p;
    const negative = text[q] === '-' && max > 4;
    if (negative) q++;
    const start = q;
    while (q < text.length && q - start < max && text.charCodeAt(q) >= 48 && text.charCodeAt(q) <= 57) q++;
    if (q - start < min) return undefined;
    const v = Number(text.slice(start, q));
    p = q;
    return negative ? -v : v;
  };
  const name = (names: readonly string[], short: boolean): number | undefined => {
    const rest = text.slice(p).toLowerCase();
    for (let k = 0; k < names.length; k++) {
      const candidate = (short ? names[k].slice(0, 3) : names[k]).toLowerCase();
      if (rest.startsWith(candidate)) {
        p += candidate.length;
        return k;
      }
    }
    return undefined;
  };
  for (let ti = 0; ti < tokens.length; ti++) {
    const t = tokens[ti];
    if (t.kind === 'literal') {
      if (t.text === ' ' ) {
        while (text[p] === ' ') p++;
        continue;
      }
      if (text.slice(p, p + t.text.length) !== t.text) {
        // Spark accepts 'T' or ' ' between date and time interchangeably in ISO-like input.
        if ((t.text === 'T' && text[p] === ' ') || (t.text === ' ' && text[p] === 'T')) { p++; continue; }
        return undefined;
      }
      p += t.text.length;
      continue;
    }
    // A numeric field directly followed by another numeric field takes exactly its width.
    const next = tokens[ti + 1];
    const adjacent = next !== undefined && next.kind === 'field' && !['monthShort', 'monthLong', 'ampm', 'dowShort', 'dowLong', 'zone'].includes(next.field);
    const maxFor = (natural: number) => (adjacent && t.width > 0 ? t.width : natural);
    let v: number | undefined;
    switch (t.field) {
      case 'year': v = digits(maxFor(t.width > 4 ? t.width : 6), adjacent ? t.width : 1); if (v !== undefined) year = v; break;
      case 'year2': v = digits(2, 2); if (v !== undefined) year = 2000 + v; break;
      case 'month': v = digits(maxFor(2)); if (v !== undefined) month = v; break;
      case 'monthShort': v = name(MONTHS, true); if (v !== undefined) month = v + 1; break;
      case 'monthLong': v = name(MONTHS, false); if (v !== undefined) month = v + 1; break;
      case 'day': v = digits(maxFor(2)); if (v !== undefined) day = v; break;
      case 'doy': v = digits(maxFor(3)); if (v !== undefined) doy = v; break;
      case 'hour24': v = digits(maxFor(2)); if (v !== undefined) hour = v; break;
      case 'hour12': v = digits(maxFor(2)); if (v !== undefined) { hour = v; hour12 = true; } break;
      case 'minute': v = digits(maxFor(2)); if (v !== undefined) minute = v; break;
      case 'second': v = digits(maxFor(2)); if (v !== undefined) second = v; break;
      case 'fraction': {
        const start = p;
        v = digits(adjacent ? Number(t.detail) : 9);
        if (v !== undefined) micros = Number(text.slice(start, p).padEnd(6, '0').slice(0, 6));
        break;
      }
      case 'ampm': {
        const m = /^(a\.?m\.?|p\.?m\.?)/i.exec(text.slice(p));
        if (m !== null) {
          pm = m[0][0].toLowerCase() === 'p';
          p += m[0].length;
          v = 0;
        }
        break;
      }
      case 'dowShort': v = name(DAYS, true); break;
      case 'dowLong': v = name(DAYS, false); break;
      case 'dowNumber': v = digits(1); break;
      case 'zone': {
        const m = /^(Z|UTC|GMT|([+-])(\d{2}):?(\d{2})?)/i.exec(text.slice(p));
        if (m !== null) {
          if (m[2] !== undefined) offsetMinutes = (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4] ?? 0));
          p += m[0].length;
          v = 0;
        }
        break;
      }
    }
    if (v === undefined) return undefined;
  }
  if (p !== text.length && text.slice(p).trim() !== '') return undefined;
  if (hour12) {
    if (hour < 1 || hour > 12) return undefined;
    if (pm === true && hour < 12) hour += 12;
    if (pm !== true && hour === 12) hour = 0;
  } else if (pm === true && hour < 12) hour += 12;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const days = doy > 0 ? daysFromCivil(year, 1, 1) + doy - 1 : daysFromCivil(year, month, day);
  let result = BigInt(days) * 86_400_000_000n + BigInt(((hour * 60 + minute) * 60 + second) * 1e6 + micros);
  if (!ignoreZone) result -= BigInt(offsetMinutes) * 60_000_000n;
  return result;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
