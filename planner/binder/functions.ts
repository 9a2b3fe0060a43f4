import * as arrow from 'apache-arrow';
import { SqlError, didYouMean } from '../../common/sql-error.js';
import type { ScalarFunctionName } from '../../executor/expr/function.js';
import { pgTypeName } from '../../executor/values/type-names.js';
import type { Expr } from '../expr/expr.js';
import { coerce, commonType, isNumeric, isUnknownLiteral } from '../types/coerce.js';

/**
 * Scalar functions the binder knows: name → how to type-check its arguments. The executor's
 * SCALAR_FUNCTIONS implements each (executor/expr/function.ts).
 */
type Signature = (args: readonly Expr[]) => { readonly args: readonly Expr[]; readonly type: arrow.DataType } | undefined;

const text = new arrow.Utf8();

const textToText: Signature = (args) => {
  if (args.length !== 1 || !(args[0].type.typeId === arrow.Type.Utf8 || args[0].type.typeId === arrow.Type.Null)) return undefined;
  return { args: [coerce(args[0], text)], type: text };
};

const SIGNATURES: Record<string, { readonly impl: ScalarFunctionName; readonly check: Signature }> = {
  lower: { impl: 'lower', check: textToText },
  upper: { impl: 'upper', check: textToText },
  length: {
    impl: 'length',
    check: (args) => (textToText(args) === undefined ? undefined : { args: [coerce(args[0], text)], type: new arrow.Int32() }),
  },
  abs: {
    impl: 'abs',
    check: (args) => {
      if (args.length !== 1) return undefined;
      const a = args[0];
      if (isUnknownLiteral(a)) return { args: [coerce(a, new arrow.Float64())], type: new arrow.Float64() };
      if (!isNumeric(a.type)) return undefined;
      const type = a.type.typeId === arrow.Type.Int && (a.type as arrow.Int).bitWidth === 8 ? new arrow.Int16() : a.type;
      return { args: [coerce(a, type)], type };
    },
  },
  coalesce: {
    impl: 'coalesce',
    check: (args) => {
      if (args.length === 0) return undefined;
      let type: arrow.DataType | undefined = args[0].type;
      let witness: Expr = args[0];
      for (const a of args.slice(1)) {
        type = commonType(witness, a);
        if (type === undefined) return undefined;
        witness = { kind: 'Literal', type, value: null };
      }
      const unified = args.every(isUnknownLiteral) ? text : (type as arrow.DataType);
      return { args: args.map((a) => coerce(a, unified)), type: unified };
    },
  },
};
SIGNATURES.char_length = SIGNATURES.length;
SIGNATURES.character_length = SIGNATURES.length;

/** Aggregates and window functions arrive with issue #4; name them so the error says so. */
const LATER = new Set(['count', 'sum', 'avg', 'min', 'max', 'stddev', 'first', 'last', 'row_number', 'rank', 'dense_rank', 'lag', 'lead']);

/** Binds `name(args)`: `42883` for an unknown name or argument types no signature accepts. */
export function bindFunction(name: string, args: readonly Expr[], position: number | undefined): Expr {
  const sig = SIGNATURES[name];
  const signature = `${name}(${args.map((a) => (isUnknownLiteral(a) ? 'unknown' : pgTypeName(a.type))).join(', ')})`;
  if (sig === undefined) {
    if (LATER.has(name)) throw SqlError.unsupportedFeature(`aggregate and window functions (${name}) — TODO(#4)`);
    throw new SqlError('42883', `function ${signature} does not exist`, {
      position,
      hint: didYouMean(name, Object.keys(SIGNATURES)) ?? 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  const bound = sig.check(args);
  if (bound === undefined) {
    throw new SqlError('42883', `function ${signature} does not exist`, {
      position,
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  return { kind: 'Call', name: sig.impl, args: bound.args, type: bound.type };
}
