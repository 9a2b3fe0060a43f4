import { SqlError } from '../../common/sql-error.js';
import type { Accumulator } from './accumulator.js';
import type { AggregateCall } from './aggregate-call.js';
import { ApproxCountDistinctAccumulator } from './approx-count-distinct.js';
import { BitwiseAccumulator } from './bitwise.js';
import { CollectAccumulator } from './collect.js';
import { BoolAccumulator, CountAccumulator } from './count.js';
import { FirstLastAccumulator } from './first-last.js';
import { MinMaxAccumulator } from './min-max.js';
import { isRegressionName, RegressionAccumulator } from './regression.js';
import { SumAvgAccumulator } from './sum-avg.js';
import { VarianceAccumulator } from './variance.js';

/**
 * A fresh accumulator for one call (one per grouping set per run). Type errors the binder should
 * have caught (sum of text…) surface here as 42883.
 */
export function createAccumulator(call: AggregateCall): Accumulator {
  const argType = call.args[0]?.type;
  const needArg = () => {
    if (argType === undefined) throw SqlError.undefinedFunction(`${call.name}()`);
    return argType;
  };
  const name = call.name;
  if (isRegressionName(name)) {
    const xType = call.args[1]?.type;
    if (xType === undefined) throw SqlError.undefinedFunction(`${name}(${String(needArg())})`);
    return new RegressionAccumulator(name, needArg(), xType);
  }
  switch (name) {
    case 'count_star':
    case 'count':
    case 'count_if':
      if (name !== 'count_star') needArg();
      return new CountAccumulator(name);
    case 'sum':
    case 'avg':
      return new SumAvgAccumulator(name, needArg(), call.type);
    case 'min':
    case 'max':
      return new MinMaxAccumulator(name, needArg());
    case 'bool_and':
    case 'bool_or':
      needArg();
      return new BoolAccumulator(name);
    case 'stddev_samp':
    case 'stddev_pop':
    case 'var_samp':
    case 'var_pop':
      return new VarianceAccumulator(name, needArg());
    case 'first':
    case 'last':
    case 'any_value': {
      const ignoreNulls = name === 'any_value' || call.params?.[0] === true;
      return new FirstLastAccumulator(name === 'last', ignoreNulls, needArg());
    }
    case 'bit_and':
    case 'bit_or':
    case 'bit_xor':
      return new BitwiseAccumulator(name, needArg());
    case 'max_by':
    case 'min_by': {
      const keyType = call.args[1]?.type;
      if (keyType === undefined) throw SqlError.undefinedFunction(`${name}(${String(needArg())})`);
      return new FirstLastAccumulator(false, false, needArg(), { greatest: name === 'max_by', keyType });
    }
    case 'percentile_cont':
    case 'percentile_disc':
    case 'median':
    case 'mode':
    case 'collect_list':
    case 'collect_set':
    case 'array_agg':
    case 'string_agg':
      return new CollectAccumulator(name, call.type, needArg(), call.params ?? [], call.orderBy ?? []);
    case 'approx_count_distinct':
      return new ApproxCountDistinctAccumulator(needArg());
  }
}

/** Whether the operator de-duplicates (group, arguments) before this call sees them. */
export function isDistinct(call: AggregateCall): boolean {
  return call.distinct || call.name === 'collect_set';
}

/**
 * Whether DISTINCT changes the answer at all: min/max/bool_and/bool_or/any_value and
 * approx_count_distinct give the same result with or without it, so the operator skips the
 * de-duplication table for them.
 */
export function distinctMatters(call: AggregateCall): boolean {
  return !['min', 'max', 'bool_and', 'bool_or', 'bit_and', 'bit_or', 'any_value', 'approx_count_distinct'].includes(call.name);
}
