import { randomUUID } from 'node:crypto';
import * as arrow from 'apache-arrow';
import { SqlError } from '../../common/sql-error.js';
import { validityBytes } from '../../common/arrow/bitmap.js';
import { take } from '../../common/arrow/take.js';
import { concat } from '../arrow/concat.js';
import { broadcast, dataFromValues, scalarAt, type ScalarValue } from '../arrow/scalar.js';
import { absolute } from '../kernels/arith.js';
import { cast } from '../kernels/cast.js';
import { distinctFrom, ifThenElse, nullIf, truthTest } from '../kernels/conditional.js';
import * as dt from '../kernels/datetime.js';
import { intervalData } from '../kernels/interval.js';
import { atTimeZone } from '../kernels/time-zone.js';
import * as json from '../kernels/json.js';
import * as math from '../kernels/math.js';
import * as nested from '../kernels/nested.js';
import * as pgc from '../kernels/pg-catalog.js';
import * as regex from '../kernels/regex.js';
import * as series from '../kernels/series.js';
import { interleave } from '../kernels/select.js';
import { changeCase, charLength } from '../kernels/string.js';
import * as str from '../kernels/string-fns.js';
import { LiteralExpr } from './literal.js';
import { constantRows, perDistinctValue } from './per-distinct-value.js';
import type { PhysicalExpr } from './physical-expr.js';

/**
 * A scalar function's kernel: the evaluated arguments (already coerced to the types the binder
 * chose, planner/binder/functions.ts), the result type, and the batch's row count (for
 * functions without arguments). Constant parameters the binder validated (a field name, a
 * window duration) arrive as literal arguments and are read once with `constant`.
 */
type Kernel = (args: readonly arrow.Data[], type: arrow.DataType, length: number) => arrow.Data;

/** Row 0 of a broadcast constant argument (the binder guarantees it is a literal); null for an empty batch. */
function constant(data: arrow.Data): ScalarValue {
  return data.length === 0 ? null : scalarAt(data, 0);
}

/** The scalar functions the executor implements, by name; arguments arrive already coerced. */
export const SCALAR_FUNCTIONS = {
  // ── strings ──
  lower: (args) => changeCase(args[0], false),
  upper: (args) => changeCase(args[0], true),
  length: (args) => charLength(args[0]),
  concat_op: (args) => str.concatText(args, true),
  concat: (args) => str.concatText(args, false),
  concat_ws: (args) => str.concatWs(args),
  substring: (args) => str.substring(args, false),
  substr_spark: (args) => str.substring(args, true),
  left: (args) => str.leftRight(args, true),
  right: (args) => str.leftRight(args, false),
  btrim: (args) => str.trim(args, true, true),
  ltrim: (args) => str.trim(args, true, false),
  rtrim: (args) => str.trim(args, false, true),
  lpad: (args) => str.pad(args, true),
  rpad: (args) => str.pad(args, false),
  replace: (args) => str.replace(args),
  split_part: (args) => str.splitPart(args),
  strpos: (args) => str.strpos(args),
  starts_with: (args) => str.affix(args, 'starts'),
  ends_with: (args) => str.affix(args, 'ends'),
  contains: (args) => str.affix(args, 'contains'),
  reverse: (args) => str.reverse(args),
  repeat: (args) => str.repeat(args),
  initcap: (args) => str.initcap(args),
  translate: (args) => str.translate(args),
  ascii: (args) => str.ascii(args),
  chr: (args) => str.chr(args),
  octet_length: (args) => str.octetLength(args, false),
  bit_length: (args) => str.octetLength(args, true),
  md5: (args) => str.digest(args, 'md5'),
  sha1: (args) => str.digest(args, 'sha1'),
  sha2: (args) => str.digest(args, 'sha2'),
  format_string: (args) => str.formatString(args),
  regexp_like: (args) => regex.regexMatch(args, false),
  regexp_ilike: (args) => regex.regexMatch(args, true),
  regexp_replace: (args) => regex.regexReplace(args),
  regexp_extract: (args) => regex.regexExtract(args),
  split: (args, type) => regex.regexSplit(args, type),
  // ── math ──
  abs: (args) => absolute(args[0]),
  round: (args, type) => math.roundKernel(args, 'half_up', type),
  bround: (args, type) => math.roundKernel(args, 'half_even', type),
  trunc: (args, type) => math.roundKernel(args, 'trunc', type),
  floor: (args, type) => math.roundKernel(args, 'floor', type),
  ceil: (args, type) => math.roundKernel(args, 'ceil', type),
  sqrt: (args) => math.floatUnary(args, 'sqrt'),
  cbrt: (args) => math.floatUnary(args, 'cbrt'),
  exp: (args) => math.floatUnary(args, 'exp'),
  ln: (args) => math.floatUnary(args, 'ln'),
  log10: (args) => math.floatUnary(args, 'log10'),
  log2: (args) => math.floatUnary(args, 'log2'),
  log: (args) => math.logBase(args),
  sin: (args) => math.floatUnary(args, 'sin'),
  cos: (args) => math.floatUnary(args, 'cos'),
  tan: (args) => math.floatUnary(args, 'tan'),
  asin: (args) => math.floatUnary(args, 'asin'),
  acos: (args) => math.floatUnary(args, 'acos'),
  atan: (args) => math.floatUnary(args, 'atan'),
  atan2: (args) => math.atan2(args),
  sinh: (args) => math.floatUnary(args, 'sinh'),
  cosh: (args) => math.floatUnary(args, 'cosh'),
  tanh: (args) => math.floatUnary(args, 'tanh'),
  degrees: (args) => math.floatUnary(args, 'degrees'),
  radians: (args) => math.floatUnary(args, 'radians'),
  sign_float: (args) => math.floatUnary(args, 'sign'),
  sign: (args) => math.signExact(args),
  power: (args) => math.power(args),
  div: (args) => math.intDiv(args),
  greatest: (args) => math.extreme(args, true),
  least: (args) => math.extreme(args, false),
  pi: (_args, _type, length) => math.constantFloat(length, 'pi'),
  random: (_args, _type, length) => math.constantFloat(length, 'random'),
  uuid: (_args, _type, length) => dataFromValues(new arrow.Utf8(), Array.from({ length }, () => randomUUID())),
  width_bucket: (args) => math.widthBucket(args),
  // ── date/time ──
  extract: (args, type) => dt.extractField(args[1], String(constant(args[0])), type),
  date_trunc: (args, type) => dt.dateTrunc(args[1], String(constant(args[0])), type),
  window: (args, type) => dt.tumblingWindow(args[0], BigInt((constant(args[1]) ?? 1n) as bigint), BigInt((constant(args[2]) ?? 0n) as bigint), type as arrow.Struct),
  add_interval: (args, type) => dt.addInterval(args[0], args[1], 1, type),
  timestampadd: (args, type) => dt.timestampAdd(String(constant(args[0])), args[1], args[2], type),
  timestampdiff: (args) => dt.timestampDiff(String(constant(args[0])), args[1], args[2]),
  sub_interval: (args, type) => dt.addInterval(args[0], args[1], -1, type),
  at_time_zone: (args, type) => atTimeZone(args[0], args[1], type),
  date_add: (args) => dt.addDays(args, 1),
  date_sub: (args) => dt.addDays(args, -1),
  date_diff: (args) => dt.diffDays(args),
  timestamp_diff: (args) => dt.diffTimestamps(args),
  add_months: (args) => dt.addMonths(args),
  last_day: (args) => dt.lastDay(args),
  months_between: (args) => dt.monthsBetween(args),
  make_date: (args) => dt.makeDate(args),
  unix_seconds: (args) => dt.unixSeconds(args[0], 1_000_000n),
  unix_millis: (args) => dt.unixSeconds(args[0], 1000n),
  unix_micros: (args) => dt.unixSeconds(args[0], 1n),
  timestamp_seconds: (args, type) => dt.fromEpoch(args[0], 1e6, type),
  timestamp_millis: (args, type) => dt.fromEpoch(args[0], 1e3, type),
  timestamp_micros: (args, type) => dt.fromEpoch(args[0], 1, type),
  parse_datetime: (args, type) => dt.parseWithPattern(args, type, false),
  try_parse_datetime: (args, type) => dt.parseWithPattern(args, type, true),
  date_format: (args) => dt.formatWithPattern(args[0], args[1], 'yyyy-MM-dd HH:mm:ss'),
  from_unixtime: (args) => dt.formatWithPattern(args[0], args[1], 'yyyy-MM-dd HH:mm:ss', true),
  interval_literal: (args) => intervalData(
    new Int32Array(args[0].length).fill(Number(constant(args[0]))),
    new Int32Array(args[0].length).fill(Number(constant(args[1]))),
    new BigInt64Array(args[0].length).fill(BigInt((constant(args[2]) ?? 0n) as bigint)),
    null,
  ),
  // ── conditional ──
  coalesce: (args) => coalesce(args),
  nullif: (args) => nullIf(args),
  if: (args) => ifThenElse(args),
  is_distinct_from: (args) => distinctFrom(args, false),
  is_not_distinct_from: (args) => distinctFrom(args, true),
  is_true: (args) => truthTest(args[0], 'true'),
  is_not_true: (args) => truthTest(args[0], 'not true'),
  is_false: (args) => truthTest(args[0], 'false'),
  is_not_false: (args) => truthTest(args[0], 'not false'),
  try_cast: (args, type) => tryCast(args[0], type),
  // ── nested ──
  make_array: (args, type, length) => nested.makeArray(args, type, length),
  make_struct: (args, type, length) => nested.makeStruct(args, type, length),
  make_map: (args, type, length) => nested.makeMap(args, type, length),
  map_from_arrays: (args, type) => nested.mapFromArrays(args, type),
  array_element: (args) => nested.arrayElement(args, 1, false),
  element_at: (args) => nested.arrayElement(args, 1, true),
  array_element_0: (args) => nested.arrayElement(args, 0, false),
  map_element: (args) => nested.mapElement(args),
  cardinality: (args) => nested.cardinality(args[0], false),
  size: (args) => nested.cardinality(args[0], true),
  array_contains: (args) => nested.arrayContains(args),
  // ── PostgreSQL catalog helpers ──
  format_type: (args) => pgc.formatTypeKernel(args),
  array_to_string: (args) => pgc.arrayToString(args),
  pg_size_pretty: (args) => pgc.sizePretty(args),
  quote_ident: (args) => pgc.quoteIdent(args),
  assert_single_row: (args) => pgc.assertSingleRow(args),
  array_cat: (args, type) => pgc.arrayCat(args, type),
  // ── set-returning functions in a select list, as lists to explode (kernels/series.ts) ──
  series_list: (args, type) => series.seriesList(args, type),
  time_series_list: (args, type) => series.timeSeriesList(args, type),
  zip_lists: (args, type) => series.zipLists(args, type),
  expand_array: (args, type) => pgc.expandArray(args, type),
  bit_and: (args) => pgc.bitwise(args, '&'),
  bit_or: (args) => pgc.bitwise(args, '|'),
  map_keys: (args, type) => nested.mapPart(args[0], 0, type),
  map_entries: (args, type) => nested.mapEntries(args[0], type),
  map_values: (args, type) => nested.mapPart(args[0], 1, type),
  sort_array: (args) => nested.sortArray(args),
  array_sort: (args) => nested.sortArray(args, true),
  flatten: (args, type) => nested.flatten(args[0], type),
  sequence: (args, type) => nested.sequence(args, type),
  array_distinct: (args) => nested.arrayDistinct(args[0]),
  array_position: (args) => nested.arrayPosition(args),
  // ── JSON over text ──
  json_get: (args) => json.jsonGet(args, false),
  json_get_text: (args) => json.jsonGet(args, true),
  get_json_object: (args) => json.getJsonObject(args),
  json_extract_path_text: (args) => json.jsonExtractPath(args, true),
  json_extract_path: (args) => json.jsonExtractPath(args, false),
  from_json: (args, type) => json.fromJson(args[0], type),
  to_json: (args) => json.toJson(args[0]),
} satisfies Record<string, Kernel>;

export type ScalarFunctionName = keyof typeof SCALAR_FUNCTIONS;

/**
 * Functions whose value changes between calls with the same arguments: constant folding must
 * not evaluate them at plan time (`random()`).
 */
export const VOLATILE_FUNCTIONS: ReadonlySet<ScalarFunctionName> = new Set(['random', 'uuid']);

/** A call of one of SCALAR_FUNCTIONS. */
export class FunctionExpr implements PhysicalExpr {
  constructor(readonly name: ScalarFunctionName, readonly args: readonly PhysicalExpr[], readonly type: arrow.DataType) {
    if (!(name in SCALAR_FUNCTIONS)) throw SqlError.internal(`no scalar function ${name}`);
  }

  evaluate(batch: arrow.RecordBatch): arrow.Data {
    const kernel: Kernel = SCALAR_FUNCTIONS[this.name];
    const args = this.args.map((a) => a.evaluate(batch));
    // One column argument, the rest constants: once per distinct value when the column is dictionary-coded.
    const columns = this.args.filter((a) => !(a instanceof LiteralExpr));
    if (columns.length === 1 && !VOLATILE_FUNCTIONS.has(this.name)) {
      const k = this.args.indexOf(columns[0] as PhysicalExpr);
      const once = perDistinctValue(args[k] as arrow.Data, (values, m) => kernel(args.map((a, i) => (i === k ? values : constantRows(a, m))), this.type, m));
      if (once !== undefined) return once;
    }
    return kernel(args, this.type, batch.numRows);
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

/**
 * `try_cast(x AS t)` (Spark, DuckDB): the cast, with NULL for rows that fail. The whole batch is
 * cast first; only when that fails are rows cast one by one (failures are the exception).
 */
function tryCast(data: arrow.Data, type: arrow.DataType): arrow.Data {
  try {
    return cast(data, type);
  } catch (err) {
    if (!(err instanceof SqlError) || !err.sqlstate.startsWith('22')) throw err;
  }
  const parts: arrow.Data[] = [];
  const indices = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    try {
      parts.push(cast(data.slice(i, 1), type));
      indices[i] = parts.length - 1;
    } catch (err) {
      if (!(err instanceof SqlError) || !err.sqlstate.startsWith('22')) throw err;
      indices[i] = -1;
    }
  }
  if (parts.length === 0) return broadcast(type, null, data.length);
  return take(concat(parts), indices);
}
