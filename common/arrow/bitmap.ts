import type { Data } from 'apache-arrow';

/**
 * Validity and boolean bitmaps. Arrow packs both LSB-first, one bit per row, starting at the
 * Data's `offset` (arrow JS slices typed value arrays but never bitmaps). Kernels unpack a
 * bitmap once into one byte per row (`Uint8Array`, 1 = set) and loop over that; results are
 * packed back with `packBits`.
 */

/** Bytes needed for `length` bits, rounded up to a multiple of 8 (Arrow's alignment advice). */
export function bitmapBytes(length: number): number {
  return ((length + 63) >> 6) << 3;
}

/** Whether bit `i` is set. */
export function getBit(bits: Uint8Array, i: number): boolean {
  return (bits[i >> 3] & (1 << (i & 7))) !== 0;
}

export function setBit(bits: Uint8Array, i: number): void {
  bits[i >> 3] |= 1 << (i & 7);
}

/** Unpacks `length` bits starting at bit `offset` into one byte per row. */
export function unpackBits(bits: Uint8Array, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if ((offset & 7) === 0) {
    const base = offset >> 3;
    const whole = length >> 3;
    for (let b = 0; b < whole; b++) {
      const byte = bits[base + b];
      const o = b << 3;
      out[o] = byte & 1;
      out[o + 1] = (byte >> 1) & 1;
      out[o + 2] = (byte >> 2) & 1;
      out[o + 3] = (byte >> 3) & 1;
      out[o + 4] = (byte >> 4) & 1;
      out[o + 5] = (byte >> 5) & 1;
      out[o + 6] = (byte >> 6) & 1;
      out[o + 7] = (byte >> 7) & 1;
    }
    for (let i = whole << 3; i < length; i++) out[i] = (bits[base + (i >> 3)] >> (i & 7)) & 1;
    return out;
  }
  for (let i = 0; i < length; i++) {
    const j = offset + i;
    out[i] = (bits[j >> 3] >> (j & 7)) & 1;
  }
  return out;
}

/** Packs one byte per row (non-zero = set) into an Arrow bitmap. */
export function packBits(bytes: Uint8Array, length = bytes.length): Uint8Array {
  const out = new Uint8Array(bitmapBytes(length));
  const whole = length >> 3;
  for (let b = 0; b < whole; b++) {
    const o = b << 3;
    out[b] =
      (bytes[o] !== 0 ? 1 : 0) | (bytes[o + 1] !== 0 ? 2 : 0) | (bytes[o + 2] !== 0 ? 4 : 0) | (bytes[o + 3] !== 0 ? 8 : 0) |
      (bytes[o + 4] !== 0 ? 16 : 0) | (bytes[o + 5] !== 0 ? 32 : 0) | (bytes[o + 6] !== 0 ? 64 : 0) | (bytes[o + 7] !== 0 ? 128 : 0);
  }
  for (let i = whole << 3; i < length; i++) if (bytes[i] !== 0) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/** Number of zero bytes in an unpacked validity array (the null count). */
export function countZeros(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) n++;
  return n;
}

/** One byte per row of `data`'s validity (1 = valid), or null when the data has no nulls. */
export function validityBytes(data: Data): Uint8Array | null {
  if (data.nullCount === 0 || data.nullBitmap === undefined || data.nullBitmap.length === 0) {
    return data.typeId === 1 /* Null */ ? new Uint8Array(data.length) : null;
  }
  return unpackBits(data.nullBitmap, data.offset, data.length);
}

/** Row-wise AND of two optional validities (null = all valid). */
export function andValidity(a: Uint8Array | null, b: Uint8Array | null): Uint8Array | null {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] & b[i];
  return out;
}

/** The `nullBitmap`/`nullCount` pair for makeData from unpacked validity. */
export function validityProps(valid: Uint8Array | null): { nullBitmap?: Uint8Array; nullCount: number } {
  if (valid === null) return { nullCount: 0 };
  const nullCount = countZeros(valid);
  return nullCount === 0 ? { nullCount: 0 } : { nullBitmap: packBits(valid), nullCount };
}

/** The values of a Bool Data, one byte per row (nulls read as whatever bit is stored). */
export function boolBytes(data: Data): Uint8Array {
  return unpackBits(data.values as Uint8Array, data.offset, data.length);
}
