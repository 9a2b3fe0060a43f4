import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { isRegressionName } from './regression.js';

/**
 * The aggregate functions deltasql knows, by the name SQL calls them (Spark and PostgreSQL
 * spellings both map here; the binder normalises aliases such as `stddev` → `stddev_samp`,
 * `mean` → `avg`, `count_if`, `any_value`/`first`).
 */
export const AGGREGATE_NAMES = [
  'count', 'count_star', 'sum', 'avg', 'min', 'max', 'first', 'last', 'any_value',
  'stddev_samp', 'stddev_pop', 'var_samp', 'var_pop',
  'percentile_cont', 'percentile_disc', 'median', 'approx_count_distinct',
  'collect_list', 'collect_set', 'array_agg', 'string_agg', 'bool_and', 'bool_or', 'count_if',
  'mode', 'bit_and', 'bit_or', 'bit_xor', 'max_by', 'min_by',
  'corr', 'covar_pop', 'covar_samp',
  'regr_count', 'regr_sxx', 'regr_syy', 'regr_sxy', 'regr_avgx', 'regr_avgy', 'regr_slope', 'regr_intercept', 'regr_r2',
] as const;
export type AggregateName = (typeof AGGREGATE_NAMES)[number];

export function isAggregateName(name: string): name is AggregateName {
  return (AGGREGATE_NAMES as readonly string[]).includes(name);
}

/**
 * An aggregate's result type, one rule for the hash aggregate and window aggregates alike.
 * Where PostgreSQL and Spark disagree, the choice (documented in README "SQL types"):
 * - `count` → int8 (both);
 * - `sum` of int2/int4 → int8 (both); of int8 → decimal(38,0): exact, never overflows silently
 *   (PostgreSQL answers numeric, Spark bigint with overflow); of decimal(p,s) → decimal(38,s)
 *   (Spark: decimal(p+10,s), capped at 38); of float → float8;
 * - `avg` of integers and floats → float8 (Spark, DuckDB; PostgreSQL gives numeric); of
 *   decimal(p,s) → decimal(min(38,p+4), min(38,s+4)) (Spark);
 * - `stddev*`/`var*` → float8; `percentile_cont`/`median` → float8; `percentile_disc` → the argument's type;
 * - `min`/`max`/`first`/`last`/`any_value` → the argument's type;
 * - `approx_count_distinct`, `count_if`, `regr_count` → int8; `bool_and`/`bool_or` → bool;
 * - `corr`, `covar_*`, the other `regr_*` → float8; `mode`, `bit_and`/`bit_or`/`bit_xor`, `max_by`/`min_by` → the (first) argument's type;
 * - `collect_list`/`collect_set`/`array_agg` → list of the argument's type; `string_agg` → text.
 */
export function aggregateResultType(name: AggregateName, argTypes: readonly arrow.DataType[]): arrow.DataType {
  const arg = argTypes[0];
  if (isRegressionName(name)) return name === 'regr_count' ? new arrow.Int64() : new arrow.Float64();
  switch (name) {
    case 'count':
    case 'count_star':
    case 'approx_count_distinct':
    case 'count_if':
      return new arrow.Int64();
    case 'bool_and':
    case 'bool_or':
      return new arrow.Bool();
    case 'string_agg':
      return new arrow.Utf8();
    case 'stddev_samp':
    case 'stddev_pop':
    case 'var_samp':
    case 'var_pop':
    case 'percentile_cont':
    case 'median':
      return new arrow.Float64();
    case 'collect_list':
    case 'collect_set':
    case 'array_agg':
      return new arrow.List(new arrow.Field('element', required(name, arg), true));
    case 'min':
    case 'max':
    case 'first':
    case 'last':
    case 'any_value':
    case 'percentile_disc':
    case 'mode':
    case 'max_by':
    case 'min_by':
    case 'bit_and':
    case 'bit_or':
    case 'bit_xor':
      return required(name, arg);
    case 'sum': {
      const t = required(name, arg);
      if (arrow.DataType.isInt(t)) return (t as arrow.Int).bitWidth === 64 ? new arrow.Decimal(0, 38, 128) : new arrow.Int64();
      if (arrow.DataType.isDecimal(t)) return new arrow.Decimal((t as arrow.Decimal).scale, 38, 128);
      if (arrow.DataType.isFloat(t)) return new arrow.Float64();
      throw SqlError.undefinedFunction(`sum(${t})`);
    }
    case 'avg': {
      const t = required(name, arg);
      if (arrow.DataType.isInt(t) || arrow.DataType.isFloat(t)) return new arrow.Float64();
      if (arrow.DataType.isDecimal(t)) {
        const d = t as arrow.Decimal;
        return new arrow.Decimal(Math.min(38, d.scale + 4), Math.min(38, d.precision + 4), 128);
      }
      throw SqlError.undefinedFunction(`avg(${t})`);
    }
  }
}

function required(name: string, arg: arrow.DataType | undefined): arrow.DataType {
  if (arg === undefined) throw SqlError.undefinedFunction(`${name}()`);
  return arg;
}
