/**
 * Per-group state lives in typed arrays indexed by group id; these helpers grow them (doubling,
 * so appending groups is amortised O(1)) without per-group JS objects.
 */
type Typed = Float64Array | Int32Array | Uint32Array | Uint8Array | Int8Array;

/** `array` if it already holds `length` elements, else a copy with room for at least that many (new slots = `fill`). */
export function ensure<T extends Typed>(array: T, length: number, fill = 0): T {
  if (array.length >= length) return array;
  const Ctor = array.constructor as new (n: number) => T;
  const grown = new Ctor(Math.max(length, array.length * 2, 16));
  grown.set(array as never);
  if (fill !== 0) grown.fill(fill as never, array.length);
  return grown;
}

/** `values[indices[k]]` for every k. */
export function gather(values: Int32Array, indices: Int32Array): Int32Array {
  const out = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]];
  return out;
}
