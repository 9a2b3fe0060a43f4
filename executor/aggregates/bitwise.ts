import * as arrow from 'apache-arrow';
import { validityBytes, validityProps } from '../../common/arrow/bitmap.js';
import { SqlError } from '../../common/sql-error.js';
import type { Accumulator } from './accumulator.js';
import { ensure } from './growable.js';

export type BitwiseName = 'bit_and' | 'bit_or' | 'bit_xor';

/**
 * `bit_and`, `bit_or`, `bit_xor` over an integer column (PostgreSQL and Spark), of the argument's
 * type. The state is one or two 32-bit words per group (64-bit integers word by word: the three
 * operations never carry between bits); NULLs are skipped, and a group with no input gives NULL.
 */
export class BitwiseAccumulator implements Accumulator {
  private readonly words: 1 | 2;
  private state = new Int32Array(0);
  private seen = new Uint8Array(0);

  constructor(
    private readonly name: BitwiseName,
    private readonly type: arrow.DataType,
  ) {
    if (!arrow.DataType.isInt(type)) throw SqlError.undefinedFunction(`${name}(${String(type)})`);
    this.words = (type as arrow.Int).bitWidth === 64 ? 2 : 1;
  }

  update(groupIds: Int32Array, args: readonly arrow.Data[], groups: number): void {
    const data = args[0] as arrow.Data;
    const words = this.words;
    const state = (this.state = ensure(this.state, groups * words));
    const seen = (this.seen = ensure(this.seen, groups));
    const raw = data.values as Int8Array | Int16Array | Int32Array | BigInt64Array;
    const values = words === 2 ? new Int32Array(raw.buffer, raw.byteOffset, data.length * 2) : raw;
    const valid = validityBytes(data);
    const op = this.name;
    for (let i = 0; i < groupIds.length; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i] as number;
      for (let w = 0; w < words; w++) {
        const v = (values[i * words + w] as number) | 0;
        const at = g * words + w;
        if (seen[g] === 0) state[at] = v;
        else state[at] = op === 'bit_and' ? (state[at] as number) & v : op === 'bit_or' ? (state[at] as number) | v : (state[at] as number) ^ v;
      }
      seen[g] = 1;
    }
  }

  finish(groups: number): arrow.Data {
    const words = this.words;
    const state = ensure(this.state, groups * words);
    const seen = ensure(this.seen, groups);
    const valid = seen.slice(0, groups);
    const Ctor = (this.type as arrow.Int).ArrayType as unknown as new (n: number) => Int8Array | Int16Array | Int32Array | BigInt64Array;
    const out = new Ctor(groups);
    if (words === 2) new Int32Array(out.buffer).set(state.subarray(0, groups * 2));
    else for (let g = 0; g < groups; g++) (out as Int32Array)[g] = state[g] as number;
    return arrow.makeData({ type: this.type as arrow.Int32, length: groups, ...validityProps(valid), data: out as Int32Array });
  }
}
