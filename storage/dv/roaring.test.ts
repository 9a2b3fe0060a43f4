import { describe, expect, it } from 'vitest';
import { SqlError } from '../../common/sql-error.js';
import { DV_BITMAP_MAGIC, parseDeletionVectorBitmap } from './roaring.js';

// ── a hand serializer for the RoaringFormatSpec portable layout, written from the spec ──

type Container =
  | { key: number; kind: 'array'; values: number[] }
  | { key: number; kind: 'bitmap'; values: number[] }
  | { key: number; kind: 'run'; runs: Array<[start: number, lengthMinusOne: number]> };

class Bytes {
  private readonly parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  u64(v: number): this {
    return this.u32(v % 2 ** 32).u32(Math.floor(v / 2 ** 32));
  }
  raw(b: Uint8Array): this {
    for (const x of b) this.parts.push(x);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function cardinality(c: Container): number {
  return c.kind === 'run' ? c.runs.reduce((s, [, l]) => s + l + 1, 0) : c.values.length;
}

function containerData(c: Container): Uint8Array {
  const out = new Bytes();
  if (c.kind === 'array') for (const v of c.values) out.u16(v);
  else if (c.kind === 'run') {
    out.u16(c.runs.length);
    for (const [start, len] of c.runs) out.u16(start).u16(len);
  } else {
    const words = new Uint32Array(2048);
    for (const v of c.values) words[v >>> 5] |= 1 << (v & 31);
    for (const w of words) out.u32(w);
  }
  return out.build();
}

/** One 32-bit portable bitmap; cookie 12347 whenever a container is a run (as CRoaring writes). */
function bitmap32(containers: Container[]): Uint8Array {
  const hasRuns = containers.some((c) => c.kind === 'run');
  const out = new Bytes();
  const n = containers.length;
  if (hasRuns) {
    out.u32(12347 | ((n - 1) << 16));
    const flags = new Uint8Array(Math.ceil(n / 8));
    containers.forEach((c, i) => {
      if (c.kind === 'run') flags[i >>> 3] |= 1 << (i & 7);
    });
    out.raw(flags);
  } else {
    out.u32(12346).u32(n);
  }
  for (const c of containers) out.u16(c.key).u16(cardinality(c) - 1);
  const data = containers.map(containerData);
  if (!hasRuns || n >= 4) {
    let offset = out.length + 4 * n;
    for (const d of data) {
      out.u32(offset);
      offset += d.length;
    }
  }
  for (const d of data) out.raw(d);
  return out.build();
}

function treemap(buckets: Array<{ high: number; bitmap: Uint8Array }>, magic = DV_BITMAP_MAGIC): Uint8Array {
  const out = new Bytes().u32(magic).u64(buckets.length);
  for (const b of buckets) out.u32(b.high).raw(b.bitmap);
  return out.build();
}

const parse = (bytes: Uint8Array) => [...parseDeletionVectorBitmap(bytes, 'test bitmap')];

function expectCorrupt(bytes: Uint8Array, message?: RegExp): void {
  let caught: unknown;
  try {
    parseDeletionVectorBitmap(bytes, 'test bitmap');
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SqlError);
  expect((caught as SqlError).sqlstate).toBe('XX001');
  expect((caught as SqlError).message).toContain('test bitmap');
  if (message) expect((caught as SqlError).message).toMatch(message);
}

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => from + i * step);

// ── tests ──

describe('parseDeletionVectorBitmap', () => {
  it('reads the bitmap bytes of table-with-dv-small (rows 0 and 9)', () => {
    // deletion_vector_61d16c75-….bin bytes 5..40: magic, 1 bucket, high 0, cookie 12346, 1 array container.
    const hex = 'd1d33964' + '0100000000000000' + '00000000' + '3a300000' + '01000000' + '00000100' + '10000000' + '0000' + '0900';
    const bytes = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
    expect(bytes.length).toBe(36);
    expect(parse(bytes)).toEqual([0, 9]);
  });

  it('reads an empty treemap as no rows', () => {
    expect(parse(treemap([]))).toEqual([]);
  });

  it('reads an array container', () => {
    const bytes = treemap([{ high: 0, bitmap: bitmap32([{ key: 0, kind: 'array', values: [0, 7, 4096, 65535] }]) }]);
    expect(parse(bytes)).toEqual([0, 7, 4096, 65535]);
  });

  it('puts a container key in bits 16..31 of the row index', () => {
    const bytes = treemap([
      { high: 0, bitmap: bitmap32([{ key: 0, kind: 'array', values: [1] }, { key: 3, kind: 'array', values: [2, 5] }]) },
    ]);
    expect(parse(bytes)).toEqual([1, 3 * 65536 + 2, 3 * 65536 + 5]);
  });

  it('reads a bitmap container (more than 4096 values)', () => {
    const values = range(1, 60000, 11); // 5455 values
    expect(values.length).toBeGreaterThan(4096);
    const bytes = treemap([{ high: 0, bitmap: bitmap32([{ key: 2, kind: 'bitmap', values }]) }]);
    expect(parse(bytes)).toEqual(values.map((v) => 2 * 65536 + v));
  });

  it('reads bit 31 of a bitmap word and the last value of the container', () => {
    const values = [...range(0, 4097), 31, 63, 65535].filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b);
    const bytes = treemap([{ high: 0, bitmap: bitmap32([{ key: 0, kind: 'bitmap', values }]) }]);
    const rows = parse(bytes);
    expect(rows).toEqual(values);
    expect(rows.at(-1)).toBe(65535);
  });

  it('reads a run container (cookie 12347, run flags, no offset header under 4 containers)', () => {
    const bitmap = bitmap32([
      { key: 0, kind: 'run', runs: [[2, 3], [10, 0], [65530, 5]] },
      { key: 1, kind: 'array', values: [4] },
    ]);
    expect(new DataView(bitmap.buffer).getUint16(0, true)).toBe(12347);
    expect(parse(treemap([{ high: 0, bitmap }]))).toEqual([2, 3, 4, 5, 10, 65530, 65531, 65532, 65533, 65534, 65535, 65536 + 4]);
  });

  it('reads cookie 12347 with 4+ containers, skipping the offset header', () => {
    const containers: Container[] = [
      { key: 0, kind: 'array', values: [1, 2] },
      { key: 1, kind: 'run', runs: [[0, 2]] },
      { key: 2, kind: 'bitmap', values: range(0, 5000) },
      { key: 9, kind: 'run', runs: [[100, 1]] },
      { key: 10, kind: 'array', values: [7] },
    ];
    const expected = [1, 2, 65536, 65537, 65538, ...range(0, 5000).map((v) => 2 * 65536 + v), 9 * 65536 + 100, 9 * 65536 + 101, 10 * 65536 + 7];
    expect(parse(treemap([{ high: 0, bitmap: bitmap32(containers) }]))).toEqual(expected);
  });

  it('reads a bucket with a non-zero high key as high · 2^32 + low, exactly', () => {
    const bytes = treemap([
      { high: 0, bitmap: bitmap32([{ key: 0, kind: 'array', values: [5] }]) },
      { high: 1, bitmap: bitmap32([{ key: 0, kind: 'array', values: [0, 1] }]) },
      { high: 2 ** 21 - 1, bitmap: bitmap32([{ key: 65535, kind: 'array', values: [65535] }]) },
    ]);
    expect(parse(bytes)).toEqual([5, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1]);
  });

  it('reads an empty 32-bit bitmap inside a bucket', () => {
    expect(parse(treemap([{ high: 4, bitmap: bitmap32([]) }]))).toEqual([]);
  });
});

describe('malformed deletion vector bitmaps', () => {
  const valid = treemap([
    {
      high: 0,
      bitmap: bitmap32([
        { key: 0, kind: 'array', values: [1, 2] },
        { key: 1, kind: 'run', runs: [[0, 2]] },
        { key: 2, kind: 'bitmap', values: range(0, 5000) },
        { key: 3, kind: 'array', values: [9] },
      ]),
    },
    { high: 1, bitmap: bitmap32([{ key: 0, kind: 'array', values: [3] }]) },
  ]);

  it('rejects a wrong magic number', () => {
    const bytes = valid.slice();
    bytes[0] ^= 1;
    expectCorrupt(bytes, /magic is 1681511376, expected 1681511377/);
  });

  it('rejects every truncation of a valid bitmap', () => {
    expect(parse(valid).length).toBe(2 + 3 + 5000 + 1 + 1);
    for (let length = 0; length < valid.length; length++) expectCorrupt(valid.subarray(0, length));
  });

  it('rejects bytes after the bitmap', () => {
    const bytes = new Uint8Array(valid.length + 1);
    bytes.set(valid);
    expectCorrupt(bytes, /1 unexpected bytes/);
  });

  it('rejects an unknown cookie', () => {
    const bitmap = bitmap32([{ key: 0, kind: 'array', values: [1] }]);
    new DataView(bitmap.buffer).setUint32(0, 12345, true);
    expectCorrupt(treemap([{ high: 0, bitmap }]), /cookie 12345, expected 12346 or 12347/);
  });

  it('rejects a huge bucket count', () => {
    const bytes = valid.slice();
    new DataView(bytes.buffer).setUint32(8, 1, true); // high word of the u64 count
    expectCorrupt(bytes, /buckets/);
  });

  it('rejects bucket keys out of order', () => {
    const b = bitmap32([{ key: 0, kind: 'array', values: [1] }]);
    expectCorrupt(treemap([{ high: 2, bitmap: b }, { high: 1, bitmap: b }]), /bucket keys are not ascending/);
    expectCorrupt(treemap([{ high: 1, bitmap: b }, { high: 1, bitmap: b }]), /bucket keys are not ascending/);
  });

  it('rejects a high key whose row indexes pass 2^53', () => {
    expectCorrupt(treemap([{ high: 2 ** 21, bitmap: bitmap32([{ key: 0, kind: 'array', values: [1] }]) }]), /2\^53/);
  });

  it('rejects container keys out of order', () => {
    const bitmap = bitmap32([
      { key: 4, kind: 'array', values: [1] },
      { key: 4, kind: 'array', values: [2] },
    ]);
    expectCorrupt(treemap([{ high: 0, bitmap }]), /container keys are not ascending/);
  });

  it('rejects array values out of order', () => {
    expectCorrupt(treemap([{ high: 0, bitmap: bitmap32([{ key: 0, kind: 'array', values: [5, 5] }]) }]), /not ascending/);
  });

  it('rejects a bitmap container whose bit count differs from its header', () => {
    const bitmap = bitmap32([{ key: 0, kind: 'bitmap', values: range(0, 5000) }]);
    bitmap[bitmap.length - 1] = 0x80; // set value 65535 too
    expectCorrupt(treemap([{ high: 0, bitmap }]), /5001 bits set, header says 5000/);
  });

  it('rejects overlapping runs and runs past 65535', () => {
    expectCorrupt(treemap([{ high: 0, bitmap: bitmap32([{ key: 0, kind: 'run', runs: [[0, 5], [5, 1]] }]) }]), /overlaps/);
    const bitmap = bitmap32([{ key: 0, kind: 'run', runs: [[65535, 0]] }]);
    new DataView(bitmap.buffer).setUint16(bitmap.length - 2, 1, true); // 65535..65536
    new DataView(bitmap.buffer).setUint16(7, 1, true); // header (after cookie and 1 flag byte): cardinality − 1 to match
    expectCorrupt(treemap([{ high: 0, bitmap }]), /overflows/);
  });

  it('rejects runs whose total differs from the header cardinality', () => {
    const bitmap = bitmap32([{ key: 0, kind: 'run', runs: [[0, 5]] }]);
    new DataView(bitmap.buffer).setUint16(7, 9, true); // header (after cookie and 1 flag byte): 10 values, runs: 6
    expectCorrupt(treemap([{ high: 0, bitmap }]), /runs hold 6 values, header says 10/);
  });
});
