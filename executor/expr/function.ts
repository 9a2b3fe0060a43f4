import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { absolute } from '../kernels/arith.js';
import { interleave } from '../kernels/select.js';
import { changeCase, charLength } from '../kernels/string.js';
import type { PhysicalExpr } from './physical-expr.js';

/** The scalar functions the executor implements, by name; arguments arrive already coerced. */
export const SCALAR_FUNCTIONS = {
  lower: (args: readonly arrow.Data[]) => changeCase(args[0], false),
  upper: (args: readonly arrow.Data[]) => changeCase(args[0], true),
  length: (args: readonly arrow.Data[]) => charLength(args[0]),
  abs: (args: readonly arrow.Data[]) => absolute(args[0]),
  coalesce: (args: readonly arrow.Data[]) => coalesce(args),
} satisfies Record<string, (args: readonly arrow.Data[]) => arrow.Data>;

export type ScalarFunctionName = keyof typeof SCALAR_FUNCTIONS;

/** A call of one of SCALAR_FUNCTIONS. */
export class FunctionExpr implements PhysicalExpr {
  constructor(readonly name: ScalarFunctionName, readonly args: readonly PhysicalExpr[], readonly type: arrow.DataType) {
    if (!(name in SCALAR_FUNCTIONS)) throw SqlError.internal(`no scalar function ${name}`);
  }

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    return SCALAR_FUNCTIONS[this.name](this.args.map((a) => a.evaluate(batch)));
  }

  toString(): string {
    return `${this.name}(${this.args.join(', ')})`;
  }
}

/** First non-NULL argument per row. */
function coalesce(args: readonly arrow.Data[]): arrow.Data {
  const length = args[0].length;
  const choice = new Int32Array(length).fill(-1);
  let open = length;
  for (let k = 0; k < args.length && open > 0; k++) {
    const valid = validityBytes(args[k]);
    for (let i = 0; i < length; i++) {
      if (choice[i] === -1 && (valid === null || valid[i] === 1)) {
        choice[i] = k;
        open--;
      }
    }
  }
  return interleave(args, choice);
}
