import * as arrow from 'apache-arrow';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { GroupTable } from '../hash/group-table.js';
import { mix32, valueHasher, type ValueHasher } from '../hash/value-hash.js';
import type { Accumulator } from './accumulator.js';
import { ensure } from './growable.js';

/** HyperLogLog precision: 2^14 registers, standard error 1.04/√16384 ≈ 0.8%. */
const P = 14;
const M = 1 << P;
/** Distinct hashes a group keeps exactly before it switches to registers (≈ the registers' memory). */
const SPARSE_LIMIT = 256;
/** Register values go up to Q + 1 (Ertl's notation): ranks come from a 32-bit hash. */
const Q = 32;

/**
 * `approx_count_distinct(x)`: HyperLogLog per group, HLL++-style in two phases.
 *
 * - Sparse: while a group has at most 256 distinct 64-bit hashes, the (group, hash) pairs live in
 *   one GroupTable shared by all groups, so small groups cost ~45 bytes per distinct value instead
 *   of 16 KiB of registers and their counts are exact (up to 64-bit hash collisions).
 * - Dense: past that, the group gets 2^14 one-byte registers (its sparse hashes replayed), and
 *   the estimate is Ertl's improved raw estimator ("New cardinality estimation algorithms for
 *   HyperLogLog sketches", 2017), which is unbiased over the whole range without HLL++'s
 *   empirical bias tables.
 *
 * Values are hashed with the GroupTable's key hashing (two seeds → two 32-bit hashes: the first
 * picks the register, the second gives the rank), so every key type works and equal values
 * (-0/0, NaN) count once. No npm package fitted: the maintained ones (`hll`, `hyperloglog`) keep
 * one JS object per sketch and hash one string per call through murmurhash3, which a
 * per-group, per-batch typed-array update cannot use.
 */
export class ApproxCountDistinctAccumulator implements Accumulator {
  private readonly hasher: ValueHasher;
  private readonly pairs = new GroupTable([new arrow.Int32(), new arrow.Int32(), new arrow.Int32()]);
  /** Per sparse entry: its hashes and the group's previous entry (a linked list per group). */
  private entryH1 = new Uint32Array(0);
  private entryH2 = new Uint32Array(0);
  private entryNext = new Int32Array(0);
  /** Per group: exact distinct count while sparse, the head of its entry list, its register block (-1 = sparse). */
  private sparseCount = new Float64Array(0);
  private head = new Int32Array(0);
  private block = new Int32Array(0);
  private registers = new Uint8Array(0);
  private blocks = 0;

  constructor(type: arrow.DataType) {
    this.hasher = valueHasher(type);
  }

  update(groupIds: Int32Array, args: readonly arrow.Data[], groups: number): void {
    const data = args[0];
    const n = groupIds.length;
    const valid = validityBytes(data);
    const h1 = new Uint32Array(n).fill(0x2545f491);
    const h2 = new Uint32Array(n).fill(0x9e3779b1);
    this.hasher.hashInto(data, h1);
    this.hasher.hashInto(data, h2);
    // Cross-mix the two seeded hashes so the register index and the rank share no structure.
    for (let i = 0; i < n; i++) {
      const a = h1[i];
      const b = h2[i];
      h1[i] = mix32(a ^ ((b << 16) | (b >>> 16)));
      h2[i] = mix32((b + Math.imul(a, 0x9e3779b1)) | 0);
    }
    this.sparseCount = ensure(this.sparseCount, groups);
    this.head = ensure(this.head, groups, -1);
    this.block = ensure(this.block, groups, -1);
    const block = this.block;
    // ── dense groups: straight into their registers; the rest go through the sparse table ──
    const sparseRows = new Int32Array(n);
    let sparse = 0;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const b = block[groupIds[i]];
      if (b === -1) sparseRows[sparse++] = i;
      else this.observe(b, h1[i], h2[i]);
    }
    if (sparse === 0) return;
    const keyGroups = new Int32Array(sparse);
    const keyH1 = new Int32Array(sparse);
    const keyH2 = new Int32Array(sparse);
    for (let k = 0; k < sparse; k++) {
      const i = sparseRows[k];
      keyGroups[k] = groupIds[i];
      keyH1[k] = h1[i] | 0;
      keyH2[k] = h2[i] | 0;
    }
    const before = this.pairs.size;
    const int32 = (values: Int32Array) => arrow.makeData({ type: new arrow.Int32(), length: sparse, nullCount: 0, data: values });
    const entries = this.pairs.findOrInsert([int32(keyGroups), int32(keyH1), int32(keyH2)], sparse);
    const size = this.pairs.size;
    this.entryH1 = ensure(this.entryH1, size);
    this.entryH2 = ensure(this.entryH2, size);
    this.entryNext = ensure(this.entryNext, size);
    let expected = before;
    for (let k = 0; k < sparse; k++) {
      const e = entries[k];
      const g = keyGroups[k];
      if (e !== expected) {
        // Seen before — unless the group went dense during this batch, nothing to do.
        if (e < before || block[g] === -1) continue;
        this.observe(block[g], keyH1[k] >>> 0, keyH2[k] >>> 0);
        continue;
      }
      expected++;
      if (block[g] !== -1) {
        this.observe(block[g], keyH1[k] >>> 0, keyH2[k] >>> 0);
        continue;
      }
      this.entryH1[e] = keyH1[k];
      this.entryH2[e] = keyH2[k];
      this.entryNext[e] = this.head[g];
      this.head[g] = e;
      if (++this.sparseCount[g] > SPARSE_LIMIT) this.densify(g);
    }
  }

  /** Gives group g its registers and replays its sparse hashes into them. */
  private densify(g: number): void {
    const b = this.blocks++;
    this.registers = ensure(this.registers, this.blocks * M);
    this.block[g] = b;
    for (let e = this.head[g]; e !== -1; e = this.entryNext[e]) this.observe(b, this.entryH1[e], this.entryH2[e]);
    this.head[g] = -1;
  }

  private observe(block: number, h1: number, h2: number): void {
    const index = block * M + (h1 >>> (32 - P));
    const rank = Math.clz32(h2) + 1;
    if (rank > this.registers[index]) this.registers[index] = rank;
  }

  finish(groups: number): arrow.Data {
    this.sparseCount = ensure(this.sparseCount, groups);
    this.block = ensure(this.block, groups, -1);
    const out = new BigInt64Array(groups);
    for (let g = 0; g < groups; g++) {
      const b = this.block[g];
      out[g] = BigInt(b === -1 ? this.sparseCount[g] : Math.round(estimate(this.registers.subarray(b * M, (b + 1) * M))));
    }
    return arrow.makeData({ type: new arrow.Int64(), length: groups, nullCount: 0, data: out });
  }
}

/** Ertl's improved raw estimate from one sketch's registers (Algorithm 6 of the paper). */
export function estimate(registers: Uint8Array): number {
  const histogram = new Float64Array(Q + 2);
  for (let i = 0; i < registers.length; i++) histogram[registers[i]]++;
  const m = registers.length;
  let z = m * tau(1 - histogram[Q + 1] / m);
  for (let k = Q; k >= 1; k--) z = 0.5 * (z + histogram[k]);
  z += m * sigma(histogram[0] / m);
  return (m * m) / (2 * Math.LN2 * z);
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === previous) return z / 3;
  }
}
