import * as arrow from 'apache-arrow';
import { packBits } from '../bitmap.js';
import { CodedStringData, type StringDictionary } from '../string-dictionary.js';

const encoder = new TextEncoder();

/** A coded column of `rows` (null = NULL), numbered in order of first appearance as the flat decoder numbers them. */
export function coded(rows: readonly (string | null)[], type: arrow.Utf8 | arrow.Binary = new arrow.Utf8()): CodedStringData {
  const distinct: string[] = [];
  const firstRows: number[] = [];
  const codes = Int32Array.from(rows, (v, i) => {
    if (v === null) return -1;
    let c = distinct.indexOf(v);
    if (c < 0) {
      c = distinct.push(v) - 1;
      firstRows.push(i);
    }
    return c;
  });
  const encoded = distinct.map((v) => encoder.encode(v));
  const valueOffsets = new Int32Array(encoded.length + 1);
  encoded.forEach((b, k) => (valueOffsets[k + 1] = (valueOffsets[k] as number) + b.length));
  const valueBytes = new Uint8Array(valueOffsets[encoded.length] as number);
  encoded.forEach((b, k) => valueBytes.set(b, valueOffsets[k] as number));
  const dictionary: StringDictionary = { codes, valueOffsets, valueBytes, firstRows: Int32Array.from(firstRows) };
  const nulls = rows.filter((v) => v === null).length;
  const validity = nulls === 0 ? undefined : packBits(Uint8Array.from(rows, (v) => (v === null ? 0 : 1)));
  return new CodedStringData(type, rows.length, nulls, validity, dictionary);
}
