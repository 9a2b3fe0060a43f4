import * as arrow from 'apache-arrow';
import { SqlError, assert } from '../../common/sql-error.js';
import { boolBytes, packBits, validityBytes, validityProps } from '../../common/arrow/bitmap.js';

/**
 * Concatenates Data of one type into a single contiguous Data (every type of the Delta→Arrow
 * mapping, sliced inputs included). Sort uses it to sort across batches; the result's rows are
 * the inputs' rows in order.
 */
export function concat(parts: readonly arrow.Data[]): arrow.Data {
  assert(parts.length > 0, 'concat of zero parts');
  if (parts.length === 1) return parts[0];
  const type = parts[0].type;
  let length = 0;
  for (const p of parts) length += p.length;
  const validity = validityProps(concatValidity(parts, length));
  switch (parts[0].typeId) {
    case arrow.Type.Null:
      return arrow.makeData({ type, length, nullCount: length } as never);
    case arrow.Type.Bool: {
      const out = new Uint8Array(length);
      let pos = 0;
      for (const p of parts) {
        out.set(boolBytes(p), pos);
        pos += p.length;
      }
      return arrow.makeData({ type, length, ...validity, data: packBits(out) } as never);
    }
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Decimal:
    case arrow.Type.Date:
    case arrow.Type.Time:
    case arrow.Type.Timestamp:
    case arrow.Type.Interval:
    case arrow.Type.Duration:
    case arrow.Type.FixedSizeBinary:
    case arrow.Type.Dictionary: {
      const stride = parts[0].stride;
      const first = parts[0].values as Uint32Array;
      const out = new (first.constructor as new (n: number) => Uint32Array)(length * stride);
      let pos = 0;
      for (const p of parts) {
        assert(p.typeId !== arrow.Type.Dictionary || p.dictionary === parts[0].dictionary, 'concat of different dictionaries');
        out.set((p.values as Uint32Array).subarray(0, p.length * stride), pos);
        pos += p.length * stride;
      }
      const dictionary = parts[0].typeId === arrow.Type.Dictionary ? { dictionary: parts[0].dictionary } : {};
      return arrow.makeData({ type, length, ...validity, data: out, ...dictionary } as never);
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const valueOffsets = new Int32Array(length + 1);
      let bytesTotal = 0;
      for (const p of parts) {
        const o = p.valueOffsets as Int32Array;
        bytesTotal += o[p.length] - o[0];
      }
      const values = new Uint8Array(bytesTotal);
      let row = 0;
      let base = 0;
      for (const p of parts) {
        const o = p.valueOffsets as Int32Array;
        const start = o[0];
        for (let i = 1; i <= p.length; i++) valueOffsets[row + i] = base + o[i] - start;
        values.set((p.values as Uint8Array).subarray(start, o[p.length]), base);
        base += o[p.length] - start;
        row += p.length;
      }
      return arrow.makeData({ type, length, ...validity, valueOffsets, data: values } as never);
    }
    case arrow.Type.Struct: {
      const children = parts[0].children.map((_, c) =>
        concat(parts.map((p) => (p.children[c].length === p.length ? p.children[c] : p.children[c].slice(0, p.length)))),
      );
      return arrow.makeData({ type, length, ...validity, children } as never);
    }
    case arrow.Type.List:
    case arrow.Type.Map: {
      const valueOffsets = new Int32Array(length + 1);
      const childParts: arrow.Data[] = [];
      let row = 0;
      let base = 0;
      for (const p of parts) {
        const o = p.valueOffsets as Int32Array;
        const start = o[0];
        for (let i = 1; i <= p.length; i++) valueOffsets[row + i] = base + o[i] - start;
        childParts.push(p.children[0].slice(start, o[p.length] - start));
        base += o[p.length] - start;
        row += p.length;
      }
      const child = concat(childParts);
      return arrow.makeData({ type, length, ...validity, valueOffsets, child } as never);
    }
    default:
      throw SqlError.unsupportedFeature(`concat over type ${String(type)}`);
  }
}

function concatValidity(parts: readonly arrow.Data[], length: number): Uint8Array | null {
  if (parts.every((p) => p.nullCount === 0)) return null;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const p of parts) {
    const v = validityBytes(p);
    if (v === null) out.fill(1, pos, pos + p.length);
    else out.set(v, pos);
    pos += p.length;
  }
  return out;
}

/** Typed-array parts (per-batch group ids, row numbers) end to end; the one part itself when there is one. */
export function concatInt32(parts: readonly Int32Array[], length: number): Int32Array {
  if (parts.length === 1 && (parts[0] as Int32Array).length === length) return parts[0] as Int32Array;
  const out = new Int32Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
