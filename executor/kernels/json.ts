import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { boolBytes, validityBytes } from '../../common/arrow/bitmap.js';
import { dataFromValues, type ScalarValue } from '../arrow/scalar.js';
import { formatDate, formatTimestamp, parseDate, parseTimestamp } from '../../common/time/datetime.js';
import { decimalAt, formatDecimal, parseDecimal } from '../values/decimal.js';
import { allValid, numbers, StrReader, Utf8Builder } from './rows.js';

/**
 * JSON stored as text: PostgreSQL's `->` / `->>` / `json_extract_path[_text]`, Spark's
 * `get_json_object(json, '$.a.b[0]')`, `from_json(text, schema)` and `to_json(value)`. Text that
 * is not valid JSON gives NULL (Spark's behaviour; PostgreSQL's json type would have refused it
 * on input, which a text column never did). Each row is parsed once per call with JSON.parse;
 * consecutive identical documents (a constant) are parsed once.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class JsonReader {
  private readonly r: StrReader;
  private lastText: string | undefined;
  private lastValue: Json | undefined;

  constructor(data: arrow.Data) {
    this.r = new StrReader(data);
  }

  /** Row i parsed, or undefined when it is not JSON. */
  parse(i: number): Json | undefined {
    const text = this.r.str(i);
    if (text === this.lastText) return this.lastValue;
    this.lastText = text;
    try {
      this.lastValue = JSON.parse(text) as Json;
    } catch {
      this.lastValue = undefined;
    }
    return this.lastValue;
  }
}

/** A JSON value as `->>` / get_json_object print it: strings bare, NULL for JSON null, the rest as JSON. */
function asText(v: Json | undefined): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function step(v: Json | undefined, key: string | number): Json | undefined {
  if (v === null || v === undefined || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    if (typeof key === 'string') {
      if (!/^-?\d+$/.test(key)) return undefined;
      key = Number(key);
    }
    const k = key < 0 ? v.length + key : key;
    return v[k];
  }
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

/** `json -> key|index` (`text` = false: JSON text, strings keep quotes) and `json ->> key|index` (text). */
export function jsonGet(args: readonly arrow.Data[], text: boolean): arrow.Data {
  const [doc, key] = args;
  const length = doc.length;
  const valid = allValid(args);
  const reader = new JsonReader(doc);
  const byIndex = key.typeId === arrow.Type.Int;
  const keys = byIndex ? numbers(key) : undefined;
  const keyText = byIndex ? undefined : new StrReader(key);
  const out = new Utf8Builder(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    const v = step(reader.parse(i), keys !== undefined ? keys[i] : (keyText as StrReader).str(i));
    const s = text ? asText(v) : v === undefined ? null : JSON.stringify(v);
    if (s === null) out.appendNull();
    else out.appendString(s);
  }
  return out.finish(new arrow.Utf8());
}

/** `json_extract_path[_text](json, k1, k2, …)` (PostgreSQL). */
export function jsonExtractPath(args: readonly arrow.Data[], text: boolean): arrow.Data {
  const [doc, ...path] = args;
  const length = doc.length;
  const valid = allValid(args);
  const reader = new JsonReader(doc);
  const keys = path.map((p) => new StrReader(p));
  const out = new Utf8Builder(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    let v = reader.parse(i);
    for (const k of keys) v = step(v, k.str(i));
    const s = text ? asText(v) : v === undefined ? null : JSON.stringify(v);
    if (s === null) out.appendNull();
    else out.appendString(s);
  }
  return out.finish(new arrow.Utf8());
}

const pathCache = new Map<string, (string | number)[] | null>();

/** Spark's JSONPath subset: `$`, `.name`, `['name']`, `[n]`, `[*]` is not supported (NULL). */
function compilePath(path: string): (string | number)[] | null {
  let steps = pathCache.get(path);
  if (steps !== undefined) return steps;
  steps = [];
  let k = 0;
  if (path[k] !== '$') steps = null;
  else {
    k++;
    while (k < path.length && steps !== null) {
      if (path[k] === '.') {
        const m = /^\.([^.[]+)/.exec(path.slice(k));
        if (m === null) { steps = null; break; }
        steps.push(m[1]);
        k += m[0].length;
      } else if (path[k] === '[') {
        const m = /^\[(?:(\d+)|'([^']*)'|"([^"]*)")\]/.exec(path.slice(k));
        if (m === null) { steps = null; break; }
        steps.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3]));
        k += m[0].length;
      } else steps = null;
    }
  }
  if (pathCache.size > 256) pathCache.clear();
  pathCache.set(path, steps);
  return steps;
}

/** `get_json_object(json, path)` (Spark): NULL for invalid JSON, a bad path, or a missing value. */
export function getJsonObject(args: readonly arrow.Data[]): arrow.Data {
  const [doc, pathData] = args;
  const length = doc.length;
  const valid = allValid(args);
  const reader = new JsonReader(doc);
  const paths = new StrReader(pathData);
  const out = new Utf8Builder(length);
  for (let i = 0; i < length; i++) {
    if (valid !== null && valid[i] === 0) { out.appendNull(); continue; }
    const steps = compilePath(paths.str(i));
    let v = steps === null ? undefined : reader.parse(i);
    for (const s of steps ?? []) v = step(v, s);
    const s = asText(v);
    if (s === null) out.appendNull();
    else out.appendString(s);
  }
  return out.finish(new arrow.Utf8());
}

// ── from_json ──

/** Converts a parsed JSON value to the ScalarValue form of `type` (undefined → NULL). */
function toScalar(v: Json | undefined, type: arrow.DataType): ScalarValue {
  if (v === undefined || v === null) return null;
  switch (type.typeId) {
    case arrow.Type.Bool: return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null;
    case arrow.Type.Int: {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n)) return null;
      const bits = (type as arrow.Int).bitWidth;
      if (Math.abs(n) >= 2 ** (bits - 1) && !(n === -(2 ** (bits - 1)))) return null;
      return bits === 64 ? BigInt(n) : n;
    }
    case arrow.Type.Float: return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : null;
    case arrow.Type.Decimal: return typeof v === 'number' || typeof v === 'string' ? (parseDecimal(String(v), (type as arrow.Decimal).scale) ?? null) : null;
    case arrow.Type.Utf8: return typeof v === 'string' ? v : JSON.stringify(v);
    case arrow.Type.Date: return typeof v === 'string' ? (parseDate(v) ?? null) : null;
    case arrow.Type.Timestamp: return typeof v === 'string' ? (parseTimestamp(v, !(type as arrow.Timestamp).timezone) ?? null) : null;
    case arrow.Type.Struct: {
      if (typeof v !== 'object' || Array.isArray(v)) return null;
      const out: Record<string, ScalarValue> = {};
      const lower = new Map(Object.keys(v).map((k) => [k.toLowerCase(), k]));
      for (const f of (type as arrow.Struct).children) {
        const key = Object.prototype.hasOwnProperty.call(v, f.name) ? f.name : lower.get(f.name.toLowerCase());
        out[f.name] = key === undefined ? null : toScalar(v[key], f.type);
      }
      return out;
    }
    case arrow.Type.List: {
      if (!Array.isArray(v)) return null;
      const element = (type as arrow.List).children[0].type;
      return v.map((x) => toScalar(x, element));
    }
    case arrow.Type.Map: {
      if (typeof v !== 'object' || Array.isArray(v)) return null;
      const entry = (type as arrow.Map_).children[0].type as arrow.Struct;
      return Object.entries(v).map(([k, x]) => [toScalar(k, entry.children[0].type), toScalar(x, entry.children[1].type)]);
    }
    default:
      throw SqlError.unsupportedFeature(`from_json into ${String(type)}`);
  }
}

/** `from_json(text, schema)` (Spark): a struct (or array/map) per row; NULL for text that is not JSON. */
export function fromJson(doc: arrow.Data, type: arrow.DataType): arrow.Data {
  const reader = new JsonReader(doc);
  const valid = validityBytes(doc);
  const values: ScalarValue[] = new Array(doc.length);
  for (let i = 0; i < doc.length; i++) values[i] = valid !== null && valid[i] === 0 ? null : toScalar(reader.parse(i), type);
  return dataFromValues(type, values);
}

// ── to_json ──

/**
 * Each row of `data` as JSON text, computed column by column: a struct's text is assembled from
 * its children's texts, a list's from its child's, so no row is materialised as a JS object.
 */
function jsonTexts(data: arrow.Data): (string | null)[] {
  const length = data.length;
  const valid = validityBytes(data);
  const out: (string | null)[] = new Array(length);
  const isNull = (i: number) => valid !== null && valid[i] === 0;
  switch (data.typeId) {
    case arrow.Type.Null: return out.fill(null);
    case arrow.Type.Bool: {
      const b = boolBytes(data);
      for (let i = 0; i < length; i++) out[i] = isNull(i) ? null : b[i] === 1 ? 'true' : 'false';
      return out;
    }
    case arrow.Type.Int: case arrow.Type.Float: {
      const v = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < length; i++) out[i] = isNull(i) ? null : typeof v[i] === 'number' && !Number.isFinite(v[i] as number) ? JSON.stringify(String(v[i])) : String(v[i]);
      return out;
    }
    case arrow.Type.Decimal: {
      const scale = (data.type as arrow.Decimal).scale;
      for (let i = 0; i < length; i++) out[i] = isNull(i) ? null : formatDecimal(decimalAt(data.values as Uint32Array, i), scale);
      return out;
    }
    case arrow.Type.Utf8: {
      const r = new StrReader(data);
      for (let i = 0; i < length; i++) out[i] = isNull(i) ? null : JSON.stringify(r.str(i));
      return out;
    }
    case arrow.Type.Date: {
      const v = data.values as Int32Array;
      for (let i = 0; i < length; i++) out[i] = isNull(i) ? null : `"${formatDate(v[i])}"`;
      return out;
    }
    case arrow.Type.Timestamp: {
      const v = data.values as BigInt64Array;
      const utc = Boolean((data.type as arrow.Timestamp).timezone);
      for (let i = 0; i < length; i++) out[i] = isNull(i) ? null : `"${formatTimestamp(v[i], false).replace(' ', 'T')}${utc ? 'Z' : ''}"`;
      return out;
    }
    case arrow.Type.Struct: {
      const fields = (data.type as arrow.Struct).children;
      const children = data.children.map((c) => jsonTexts(c.offset === data.offset ? c : c));
      for (let i = 0; i < length; i++) {
        if (isNull(i)) { out[i] = null; continue; }
        // Spark drops null fields from to_json output.
        const parts: string[] = [];
        for (let k = 0; k < fields.length; k++) if (children[k][i] !== null) parts.push(`${JSON.stringify(fields[k].name)}:${children[k][i]}`);
        out[i] = `{${parts.join(',')}}`;
      }
      return out;
    }
    case arrow.Type.List: case arrow.Type.Map: {
      const o = data.valueOffsets as Int32Array;
      const child = jsonTexts(data.children[0]);
      const isMap = data.typeId === arrow.Type.Map;
      const entries = isMap ? data.children[0] : undefined;
      const keys = entries === undefined ? undefined : jsonTexts(entries.children[0]);
      const values = entries === undefined ? undefined : jsonTexts(entries.children[1]);
      for (let i = 0; i < length; i++) {
        if (isNull(i)) { out[i] = null; continue; }
        const parts: string[] = [];
        for (let k = o[i]; k < o[i + 1]; k++) {
          if (isMap) {
            const key = (keys as (string | null)[])[k] ?? 'null';
            parts.push(`${key.startsWith('"') ? key : JSON.stringify(key)}:${(values as (string | null)[])[k] ?? 'null'}`);
          } else parts.push(child[k] ?? 'null');
        }
        out[i] = isMap ? `{${parts.join(',')}}` : `[${parts.join(',')}]`;
      }
      return out;
    }
    default:
      throw SqlError.unsupportedFeature(`to_json of ${String(data.type)}`);
  }
}

/** `to_json(struct|array|map)` (Spark): JSON text; timestamps as ISO 8601. */
export function toJson(data: arrow.Data): arrow.Data {
  return dataFromValues(new arrow.Utf8(), jsonTexts(data));
}
