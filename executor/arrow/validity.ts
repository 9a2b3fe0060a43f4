import type { Data } from 'apache-arrow';

/** Whether row `i` of `data` is non-null (single-row check, for non-hot paths). */
export function bitIsValid(data: Data, i: number): boolean {
  if (data.typeId === 1 /* Null */) return false;
  if (data.nullCount === 0 || data.nullBitmap === undefined || data.nullBitmap.length === 0) return true;
  const j = data.offset + i;
  return (data.nullBitmap[j >> 3] & (1 << (j & 7))) !== 0;
}
