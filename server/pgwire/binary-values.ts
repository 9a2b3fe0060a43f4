import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { boolReader, dateDaysReader, int64Reader, nullTest, offsetsOf, timestampMicrosReader } from '../encode/data-access.js';
import { pgTypeInfo, pgTypeName, pgTypeNameOfOid } from '../encode/pg-types.js';
import { decimalWordsToString } from '../encode/scalars.js';
import { textWriter } from '../encode/text-values.js';

/**
 * PostgreSQL's binary send/receive formats for the types clients ask for in binary (bool,
 * int2/4/8, float4/8, numeric, text, bytea, date, timestamp, timestamptz, and 1-D arrays of
 * them). Dates count days and timestamps microseconds from 2000-01-01 (PostgreSQL's epoch).
 * Types without a binary form here (json, interval) send their text bytes.
 */
export type BinaryWriter = (i: number) => Uint8Array | null;

/** Days from 1970-01-01 to 2000-01-01, and the same in microseconds. */
const PG_EPOCH_DAYS = 10957;
const PG_EPOCH_MICROS = 946684800000000n;

export function binaryWriter(data: arrow.Data): BinaryWriter {
  const isNull = nullTest(data);
  const value = binaryValueWriter(data);
  if (isNull === undefined) return value;
  return (i) => (isNull(i) ? null : value(i));
}

function binaryValueWriter(data: arrow.Data): (i: number) => Uint8Array {
  const type = data.type as arrow.DataType;
  switch (type.typeId) {
    case arrow.Type.Bool: {
      const get = boolReader(data);
      return (i) => Uint8Array.of(get(i) ? 1 : 0);
    }
    case arrow.Type.Int: {
      const name = pgTypeName(type);
      if ((type as arrow.Int).bitWidth === 64) {
        const get = int64Reader(data.values as BigInt64Array);
        return (i) => int8Bytes(BigInt(get(i)));
      }
      const values = data.values as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array;
      if (name === 'int2') return (i) => { const b = Buffer.allocUnsafe(2); b.writeInt16BE(values[i]!); return b; };
      if (name === 'int4') return (i) => { const b = Buffer.allocUnsafe(4); b.writeInt32BE(values[i]!); return b; };
      return (i) => int8Bytes(BigInt(values[i]!));
    }
    case arrow.Type.Float: {
      const values = data.values as Float32Array | Float64Array;
      if ((type as arrow.Float).precision === arrow.Precision.SINGLE) return (i) => { const b = Buffer.allocUnsafe(4); b.writeFloatBE(values[i]!); return b; };
      return (i) => { const b = Buffer.allocUnsafe(8); b.writeDoubleBE(values[i]!); return b; };
    }
    case arrow.Type.Decimal: {
      const { scale, bitWidth } = type as arrow.Decimal;
      const words = data.values as Uint32Array;
      const stride = bitWidth / 32;
      return (i) => numericBytes(decimalWordsToString(words, i * stride, stride, scale));
    }
    case arrow.Type.Utf8:
    case arrow.Type.LargeUtf8:
    case arrow.Type.Binary:
    case arrow.Type.LargeBinary: {
      const bytes = data.values as Uint8Array;
      const offsets = offsetsOf(data);
      return (i) => bytes.subarray(offsets(i), offsets(i + 1));
    }
    case arrow.Type.Date: {
      const get = dateDaysReader(data as arrow.Data<arrow.Date_>);
      return (i) => { const b = Buffer.allocUnsafe(4); b.writeInt32BE(get(i) - PG_EPOCH_DAYS); return b; };
    }
    case arrow.Type.Timestamp: {
      const get = timestampMicrosReader(data as arrow.Data<arrow.Timestamp>);
      return (i) => int8Bytes(BigInt(get(i)) - PG_EPOCH_MICROS);
    }
    case arrow.Type.List: {
      const offsets = data.valueOffsets as Int32Array;
      const child = data.children[0]!;
      const element = binaryWriter(child);
      const elementOid = pgTypeInfo(pgTypeName(child.type as arrow.DataType)).oid;
      return (i) => arrayBytes(element, elementOid, offsets[i]!, offsets[i + 1]!);
    }
    case arrow.Type.Dictionary:
      break;
  }
  const text = textWriter(data);
  return (i) => Buffer.from(text(i) ?? '', 'utf8');
}

function int8Bytes(v: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(BigInt.asIntN(64, v));
  return b;
}

/** A 1-D array: ndim, has-nulls flag, element OID, then (length, lower bound 1), then elements. */
function arrayBytes(element: BinaryWriter, elementOid: number, start: number, end: number): Uint8Array {
  const parts: (Uint8Array | null)[] = [];
  for (let e = start; e < end; e++) parts.push(element(e));
  const empty = parts.length === 0;
  let size = empty ? 12 : 20;
  for (const p of parts) size += 4 + (p?.length ?? 0);
  const b = Buffer.allocUnsafe(size);
  b.writeInt32BE(empty ? 0 : 1, 0);
  b.writeInt32BE(parts.includes(null) ? 1 : 0, 4);
  b.writeInt32BE(elementOid, 8);
  let at = 12;
  if (!empty) {
    b.writeInt32BE(parts.length, 12);
    b.writeInt32BE(1, 16);
    at = 20;
  }
  for (const p of parts) {
    if (p === null) {
      b.writeInt32BE(-1, at);
      at += 4;
    } else {
      b.writeInt32BE(p.length, at);
      b.set(p, at + 4);
      at += 4 + p.length;
    }
  }
  return b;
}

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;

/** numeric_send: base-10000 digit groups around the decimal point, weight, sign, display scale. */
export function numericBytes(text: string): Buffer {
  if (text === 'NaN') return Buffer.from([0, 0, 0, 0, NUMERIC_NAN >> 8, 0, 0, 0]);
  const negative = text.startsWith('-');
  const [intPart = '0', fracPart = ''] = (negative ? text.slice(1) : text).split('.');
  const dscale = fracPart.length;
  const intPadded = intPart.replace(/^0+/, '').padStart(Math.ceil(intPart.replace(/^0+/, '').length / 4) * 4, '0');
  const fracPadded = fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, '0');
  const groups: number[] = [];
  for (let k = 0; k < intPadded.length; k += 4) groups.push(Number(intPadded.slice(k, k + 4)));
  const intGroups = groups.length;
  for (let k = 0; k < fracPadded.length; k += 4) groups.push(Number(fracPadded.slice(k, k + 4)));
  let weight = intGroups - 1;
  // strip leading and trailing zero groups (PostgreSQL stores none)
  while (groups.length > 0 && groups[0] === 0) {
    groups.shift();
    weight--;
  }
  while (groups.length > 0 && groups[groups.length - 1] === 0) groups.pop();
  if (groups.length === 0) weight = 0;
  const b = Buffer.allocUnsafe(8 + groups.length * 2);
  b.writeInt16BE(groups.length, 0);
  b.writeInt16BE(weight, 2);
  b.writeUInt16BE(negative && groups.length > 0 ? NUMERIC_NEG : NUMERIC_POS, 4);
  b.writeInt16BE(dscale, 6);
  groups.forEach((g, k) => b.writeInt16BE(g, 8 + k * 2));
  return b;
}

/** numeric_recv → its text. */
function numericText(b: Buffer): string {
  const n = b.readInt16BE(0);
  const weight = b.readInt16BE(2);
  const sign = b.readUInt16BE(4);
  const dscale = b.readInt16BE(6);
  if (sign === NUMERIC_NAN) return 'NaN';
  let digits = '';
  for (let k = 0; k < n; k++) digits += String(b.readInt16BE(8 + k * 2)).padStart(4, '0');
  // digits represent groups at weights weight … weight-n+1
  const intGroups = weight + 1;
  let intPart: string;
  let fracPart: string;
  if (intGroups <= 0) {
    intPart = '0';
    fracPart = '0'.repeat(-intGroups * 4) + digits;
  } else if (intGroups >= n) {
    intPart = digits + '0'.repeat((intGroups - n) * 4);
    fracPart = '';
  } else {
    intPart = digits.slice(0, intGroups * 4);
    fracPart = digits.slice(intGroups * 4);
  }
  intPart = intPart.replace(/^0+(?=\d)/, '');
  fracPart = fracPart.padEnd(dscale, '0').slice(0, dscale);
  return (sign === NUMERIC_NEG ? '-' : '') + intPart + (dscale > 0 ? '.' + fracPart : '');
}

/**
 * A binary parameter value → its PostgreSQL text form, which the planner then reads as a literal
 * of the declared type (`int4` 42 → `'42'`). Unknown OIDs are read as UTF-8 text.
 */
export function binaryParamToText(oid: number, b: Buffer): string {
  const name = pgTypeNameOfOid(oid) ?? 'text';
  const need = (n: number): void => {
    if (b.length !== n) throw new SqlError('22P03', `incorrect binary data format in bind parameter (${name} needs ${n} bytes, got ${b.length})`);
  };
  switch (name) {
    case 'bool': need(1); return b[0] ? 'true' : 'false';
    case 'int2': need(2); return String(b.readInt16BE(0));
    case 'int4': need(4); return String(b.readInt32BE(0));
    case 'int8': need(8); return String(b.readBigInt64BE(0));
    case 'float4': need(4); return String(b.readFloatBE(0));
    case 'float8': need(8); return String(b.readDoubleBE(0));
    case 'numeric': if (b.length < 8) need(8); return numericText(b);
    case 'bytea': return '\\x' + b.toString('hex');
    case 'date': need(4); return new Date((b.readInt32BE(0) + PG_EPOCH_DAYS) * 86400000).toISOString().slice(0, 10);
    case 'timestamp':
    case 'timestamptz': {
      need(8);
      const micros = b.readBigInt64BE(0) + PG_EPOCH_MICROS;
      const ms = micros / 1000n;
      const frac = String(((micros % 1000000n) + 1000000n) % 1000000n).padStart(6, '0');
      const iso = new Date(Number(ms)).toISOString().slice(0, 19).replace('T', ' ');
      return `${iso}.${frac}${name === 'timestamptz' ? '+00' : ''}`;
    }
  }
  if (name.endsWith('[]')) return arrayText(b);
  return b.toString('utf8');
}

/** array_recv → the array's text literal (`{1,2,NULL}`, one dimension). */
function arrayText(b: Buffer): string {
  if (b.length < 12) throw new SqlError('22P03', 'incorrect binary data format in bind parameter (array header)');
  const ndim = b.readInt32BE(0);
  const elementOid = b.readInt32BE(8) >>> 0;
  if (ndim === 0) return '{}';
  if (ndim !== 1) throw SqlError.unsupportedFeature(`binary array parameters with ${ndim} dimensions`);
  const count = b.readInt32BE(12);
  let at = 20;
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 4 > b.length) throw new SqlError('22P03', 'incorrect binary data format in bind parameter (array element)');
    const len = b.readInt32BE(at);
    at += 4;
    if (len < 0) {
      parts.push('NULL');
      continue;
    }
    const text = binaryParamToText(elementOid, b.subarray(at, at + len));
    at += len;
    parts.push(text !== '' && !/[{}",\\\s]/.test(text) && text.toUpperCase() !== 'NULL' ? text : '"' + text.replace(/[\\"]/g, '\\$&') + '"');
  }
  return '{' + parts.join(',') + '}';
}
