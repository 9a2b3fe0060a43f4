import { describe, expect, it } from 'vitest';
import { Declined } from './decline.js';
import { decodeDefinitionLevels, decodeHybrid, decodeHybridAt, markDictionaryCodes, selectDictionaryRuns } from './rle.js';

/** Encodes runs the way Parquet writers do: (value, repeat) RLE runs and bit-packed groups. */
function encode(width: number, runs: ({ rle: number; count: number } | { packed: number[] })[]): Uint8Array {
  const out: number[] = [];
  const varint = (v: number) => {
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  };
  for (const run of runs) {
    if ('rle' in run) {
      varint(run.count * 2);
      for (let b = 0; b < Math.ceil(width / 8); b++) out.push(Math.floor(run.rle / 2 ** (8 * b)) & 0xff);
    } else {
      const groups = Math.ceil(run.packed.length / 8);
      varint(groups * 2 + 1);
      const bits: number[] = [];
      for (let i = 0; i < groups * 8; i++) for (let b = 0; b < width; b++) bits.push(Math.floor((run.packed[i] ?? 0) / 2 ** b) & 1);
      for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((byte, bit, k) => byte | (bit << k), 0));
    }
  }
  return Uint8Array.from(out);
}

describe('the RLE / bit-packed hybrid decoder', () => {
  it.each(Array.from({ length: 32 }, (_, i) => i + 1))('decodes mixed runs of width %i', (width) => {
    const max = 2 ** width;
    const packed = Array.from({ length: 203 }, (_, i) => (i * 2654435761) % max);
    const runs = [{ packed: packed.slice(0, 16) }, { rle: max - 1, count: 37 }, { packed: packed.slice(16) }, { rle: 0, count: 5 }];
    const expected = [...packed.slice(0, 16), ...Array<number>(37).fill(max - 1), ...packed.slice(16), 0, 0, 0, 0, 0].map((v) => v | 0);
    const bytes = encode(width, runs);
    // Decoded into the middle of a buffer, and stopping short of the last run's end.
    const out = new Int32Array(expected.length + 4);
    decodeHybrid(bytes, 0, bytes.length, width, out, 2, expected.length - 3);
    expect([...out.subarray(2, expected.length - 1)]).toEqual(expected.slice(0, -3));
    expect(out[0]).toBe(0);
  });

  it.each([1, 2, 5, 9, 12, 20])('selects the rows whose code is a member, run by run, width %i', (width) => {
    const size = 2 ** Math.min(width, 12);
    const packed = Array.from({ length: 2_203 }, (_, i) => (i * 2654435761) % size); // past one 1,024-value slice
    const runs = [{ rle: 1 % size, count: 500 }, { packed: packed.slice(0, 16) }, { rle: 0, count: 37 }, { packed: packed.slice(16) }, { rle: (size - 1) % size, count: 300 }];
    const bytes = encode(width, runs);
    const count = 500 + 16 + 37 + 2_192 + 300; // the packed runs end with padding past the values
    const all = new Int32Array(count);
    decodeHybrid(bytes, 0, bytes.length, width, all, 0, count);
    const member = Uint8Array.from({ length: size }, (_, code) => (code % 3 === 1 || code === 0 ? 1 : 0));
    // Appended after 2 rows kept before, the page's rows starting at row 1,000.
    const rows = new Int32Array(count + 2).fill(-1);
    const codes = new Int32Array(count + 2).fill(-1);
    const kept = selectDictionaryRuns(bytes, 0, bytes.length, width, count, member, 1_000, rows, codes, 2);
    const want = [...all.keys()].filter((i) => member[all[i] as number] === 1);
    expect(kept - 2).toBe(want.length);
    expect(want.length).toBeGreaterThan(500);
    expect([...rows.subarray(2, kept)]).toEqual(want.map((i) => 1_000 + i));
    expect([...codes.subarray(2, kept)]).toEqual(want.map((i) => all[i]));
    expect([rows[0], codes[1]]).toEqual([-1, -1]);
    // A code past the dictionary is corrupt.
    expect(() => selectDictionaryRuns(bytes, 0, bytes.length, width, count, member.subarray(0, 1), 0, rows, codes, 0)).toThrow(Declined);
  });

  it('selects every row or none at width 0 (a one-entry dictionary: every code 0)', () => {
    const rows = new Int32Array(5);
    const codes = new Int32Array(5).fill(-1);
    expect(selectDictionaryRuns(new Uint8Array(0), 0, 0, 0, 5, Uint8Array.of(1), 10, rows, codes, 0)).toBe(5);
    expect([...rows, ...codes]).toEqual([10, 11, 12, 13, 14, 0, 0, 0, 0, 0]);
    expect(selectDictionaryRuns(new Uint8Array(0), 0, 0, 0, 5, Uint8Array.of(0), 10, rows, codes, 0)).toBe(0);
  });

  it.each([1, 3, 8, 9, 17, 24, 25, 31, 32])('decodes only the values at given positions, width %i', (width) => {
    const max = 2 ** width;
    const packed = Array.from({ length: 203 }, (_, i) => (i * 2654435761) % max);
    const runs = [{ packed: packed.slice(0, 16) }, { rle: max - 1, count: 37 }, { packed: packed.slice(16) }, { rle: 5 % max, count: 50 }];
    const bytes = encode(width, runs);
    const all = new Int32Array(16 + 37 + 187 + 50);
    decodeHybrid(bytes, 0, bytes.length, width, all, 0, all.length);
    // Positions in every run, none in some groups, the first and the last value.
    const positions = Int32Array.from([0, 7, 15, 16, 30, 52, 53, 54, 99, 100, 200, 239, 240, 250, all.length - 1]);
    const out = new Int32Array(positions.length + 2).fill(-7);
    decodeHybridAt(bytes, 0, bytes.length, width, positions, positions.length, out, 1);
    expect([...out.subarray(1, positions.length + 1)]).toEqual([...positions].map((p) => all[p]));
    expect([out[0], out[positions.length + 1]]).toEqual([-7, -7]);
    // Runs after the last position are not read: a buffer cut after the first run (its header
    // byte and 2 groups of 8 values) still decodes a value of that run.
    decodeHybridAt(bytes, 0, 1 + 2 * width, width, Int32Array.from([3]), 1, out, 0);
    expect(out[0]).toBe(all[3]);
    expect(() => decodeHybridAt(bytes, 0, 2, width, Int32Array.from([100]), 1, out, 0)).toThrow(Declined);
  });

  it('counts defined levels without storing them', () => {
    const levels = [1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1];
    const bytes = encode(1, [{ rle: 1, count: 20 }, { packed: levels }, { rle: 0, count: 3 }]);
    expect(decodeDefinitionLevels(bytes, 0, bytes.length, null, 0, 34)).toBe(27);
    expect(decodeDefinitionLevels(bytes, 0, bytes.length, null, 0, 20)).toBe(20);
    expect(() => decodeDefinitionLevels(encode(2, [{ rle: 2, count: 4 }]), 0, 2, null, 0, 4)).toThrow(/definition level above 1/);
    expect(() => decodeDefinitionLevels(bytes, 0, 2, null, 0, 34)).toThrow(Declined);
  });

  it('width 0 is all zeros; a run past the end is declined', () => {
    const out = new Int32Array(4).fill(7);
    decodeHybrid(new Uint8Array(0), 0, 0, 0, out, 0, 4);
    expect([...out]).toEqual([0, 0, 0, 0]);
    const bytes = encode(5, [{ packed: [1, 2, 3, 4, 5, 6, 7, 8] }]);
    expect(() => decodeHybrid(bytes, 0, bytes.length - 1, 5, new Int32Array(8), 0, 8)).toThrow(Declined);
    expect(() => decodeHybrid(bytes, 0, bytes.length, 5, new Int32Array(16), 0, 16)).toThrow(Declined);
  });

  it('decodes definition levels into validity bytes and counts the values', () => {
    const levels = [1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1];
    const bytes = encode(1, [{ rle: 1, count: 20 }, { packed: levels }, { rle: 0, count: 3 }]);
    const valid = new Uint8Array(40);
    expect(decodeDefinitionLevels(bytes, 0, bytes.length, valid, 1, 34)).toBe(20 + 7);
    expect([...valid.subarray(1, 35)]).toEqual([...Array<number>(20).fill(1), ...levels, 0, 0, 0]);
    expect(() => decodeDefinitionLevels(encode(2, [{ rle: 2, count: 4 }]), 0, 2, valid, 0, 4)).toThrow(/definition level above 1/);
  });

  describe('marking the dictionary entries codes use (distinct-values reads)', () => {
    it.each([1, 3, 9, 17, 32])('marks every code of mixed runs of width %i, counting each entry once', (width) => {
      const size = Math.min(2 ** width, 3000);
      // More codes than one unpacking slice (whole groups: only a last run is padded), some entries twice, the last never.
      const packed = Array.from({ length: 2496 }, (_, i) => (i * 7) % (size - 1));
      const bytes = encode(width, [{ rle: 0, count: 10 }, { packed }, { rle: size - 2, count: 4 }]);
      const used = new Uint8Array(size);
      const marked = markDictionaryCodes(bytes, 0, bytes.length, width, 10 + packed.length + 4, used, 0);
      const expected = new Set([0, ...packed, size - 2]);
      expect(marked).toBe(expected.size);
      expect([...used].flatMap((u, code) => (u === 1 ? [code] : []))).toEqual([...expected].sort((a, b) => a - b));
    });

    it('stops once every entry is marked, before codes it need not read', () => {
      // Entries 0..3 all appear in the first group; a corrupt code (9 of 4) comes after.
      const bytes = encode(4, [{ packed: [3, 2, 1, 0, 0, 1, 2, 3] }, { rle: 9, count: 100 }]);
      const used = new Uint8Array(4);
      expect(markDictionaryCodes(bytes, 0, bytes.length, 4, 108, used, 0)).toBe(4);
      // With one entry unseen, the decoder reads on and meets the corrupt code.
      expect(() => markDictionaryCodes(bytes, 0, bytes.length, 4, 108, new Uint8Array(5), 0)).toThrow(/dictionary index out of range/);
    });

    it('goes on from entries marked by earlier pages; width 0 is entry 0', () => {
      const used = Uint8Array.from([0, 1, 0]);
      const bytes = encode(2, [{ packed: [1, 1, 2, 1, 1, 1, 1, 1] }]);
      expect(markDictionaryCodes(bytes, 0, bytes.length, 2, 8, used, 1)).toBe(2);
      expect([...used]).toEqual([0, 1, 1]);
      expect(markDictionaryCodes(new Uint8Array(0), 0, 0, 0, 5, used, 2)).toBe(3);
      expect(markDictionaryCodes(new Uint8Array(0), 0, 0, 0, 0, new Uint8Array(2), 0)).toBe(0);
    });

    it('declines runs past the end of the page', () => {
      const bytes = encode(5, [{ packed: [1, 2, 3, 4, 5, 6, 7, 8] }]);
      expect(() => markDictionaryCodes(bytes, 0, bytes.length - 1, 5, 8, new Uint8Array(32), 0)).toThrow(Declined);
      expect(() => markDictionaryCodes(bytes, 0, bytes.length, 5, 16, new Uint8Array(32), 0)).toThrow(Declined);
    });
  });
});
