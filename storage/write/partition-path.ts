import * as arrow from 'apache-arrow';
import { formatDate, MICROS_PER_DAY } from '../../common/time/datetime.js';
import { validityBytes } from '../../common/arrow/bitmap.js';
import type { DeltaType } from '../schema/types.js';

/**
 * Partition values as a writer writes them (reference/delta-protocol.md §3): "numbers as
 * printed; dates `YYYY-MM-DD`; booleans `true`/`false`; the empty string or JSON null means
 * null … always write the `Z` form" for timestamps. And the Hive-style folder names
 * (`col=value/`) with Spark's escaping and `__HIVE_DEFAULT_PARTITION__` for null.
 */

const UTF8 = new TextDecoder();
const LATIN1 = new TextDecoder('latin1');

/** The `partitionValues` strings of every row of a partition column; null for NULL (and for ''). */
export function partitionValues(data: arrow.Data, type: DeltaType): (string | null)[] {
  const valid = validityBytes(data);
  const out = new Array<string | null>(data.length);
  for (let i = 0; i < data.length; i++) out[i] = valid && valid[i] === 0 ? null : partitionValueAt(data, type, i);
  return out;
}

function partitionValueAt(data: arrow.Data, type: DeltaType, i: number): string | null {
  // arrow-js pre-slices values and offsets; only bit-packed booleans still need `offset`.
  const j = i;
  const bit = data.offset + i;
  const values = data.values as ArrayLike<number | bigint>;
  if (type.kind === 'decimal') {
    const words = data.values as Uint32Array;
    let v = 0n;
    for (let w = 3; w >= 0; w--) v = (v << 32n) | BigInt(words[j * 4 + w] ?? 0);
    return formatDecimal(BigInt.asIntN(128, v), type.scale);
  }
  if (type.kind !== 'primitive') return null;
  switch (type.name) {
    case 'boolean':
      return ((data.values as Uint8Array)[bit >> 3] ?? 0) & (1 << (bit & 7)) ? 'true' : 'false';
    case 'string': {
      const offsets = data.valueOffsets as Int32Array;
      const text = UTF8.decode((data.values as Uint8Array).subarray(offsets[j], offsets[j + 1]));
      return text === '' ? null : text;
    }
    case 'binary': {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = (data.values as Uint8Array).subarray(offsets[j], offsets[j + 1]);
      return bytes.length === 0 ? null : LATIN1.decode(bytes);
    }
    case 'date':
      return formatDate(Number(values[j]));
    case 'timestamp':
      return isoTimestamp(BigInt(values[j] ?? 0), true);
    case 'timestamp_ntz':
      return isoTimestamp(BigInt(values[j] ?? 0), false).replace('T', ' ');
    case 'float':
    case 'double':
      return formatFloat(Number(values[j]));
    default:
      return String(values[j]);
  }
}

/** A decimal's unscaled value as its exact text (`12345n`, scale 2 → `123.45`). */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-scale);
  const padded = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
}

/** Java's Double.toString shape for the common cases Spark prints (`1.0`, `NaN`, `Infinity`). */
function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(v) && Math.abs(v) < 1e7 ? v.toFixed(1) : String(v);
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC) or without the `Z` for timestamp_ntz. */
export function isoTimestamp(micros: bigint, utc: boolean, fractionDigits = 6): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  const seconds = Number(rest / 1_000_000n);
  const fraction = Number(rest % 1_000_000n);
  const two = (n: number) => String(n).padStart(2, '0');
  const frac = String(fraction).padStart(6, '0').slice(0, fractionDigits);
  return `${formatDate(Number(days))}T${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}${fractionDigits > 0 ? '.' + frac : ''}${utc ? 'Z' : ''}`;
}

/** Null partitions live in this folder (Hive's convention, which Spark and delta-rs follow). */
export const HIVE_NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/**
 * The relative folder of a partition, `a=1/b=x%3Ay/`, escaping as Hive's
 * `ExternalCatalogUtils.escapePathName` does: control characters and the characters of `ESCAPED` (quote, hash, percent, star, slash, colon, equals, question mark, backslash, braces, brackets, caret) become `%XX`.
 */
export function partitionFolder(columns: readonly string[], values: Readonly<Record<string, string | null>>): string {
  let out = '';
  for (const column of columns) {
    const value = values[column];
    out += `${escapePathName(column)}=${value === null || value === undefined ? HIVE_NULL_PARTITION : escapePathName(value)}/`;
  }
  return out;
}

const ESCAPED = new Set('"#%\'*/:=?\\\u007f{[]^'.split(''));

export function escapePathName(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || ESCAPED.has(ch)) out += '%' + code.toString(16).toUpperCase().padStart(2, '0');
    else out += ch;
  }
  return out;
}

/**
 * `add.path` is "an RFC 2396 URI relative to the table root" (§1): the on-disk relative path
 * percent-encoded once (so the folder `x=a%3Ab` is written `x=a%253Ab`).
 */
export function encodeLogPath(relative: string): string {
  return relative.split('/').map((segment) => encodeURIComponent(segment).replace(/%3D/g, '=')).join('/');
}
