import * as arrow from 'apache-arrow';
import { staticRows } from './relations.js';

/**
 * The PostgreSQL type of an Arrow column, as pg_attribute and information_schema describe it
 * (DESIGN.md §3's mapping): the type's OID and the typmod (`numeric(p,s)` carries
 * `((p << 16) | s) + 4`, as PostgreSQL stores it; -1 when the type has none).
 */
export interface PgColumnType {
  readonly oid: number;
  readonly typmod: number;
}

export function pgColumnType(type: arrow.DataType): PgColumnType {
  switch (type.typeId) {
    case arrow.Type.Bool: return { oid: 16, typmod: -1 };
    case arrow.Type.Int: {
      const bits = (type as arrow.Int).bitWidth;
      return { oid: bits === 64 ? 20 : bits === 32 ? 23 : 21, typmod: -1 };
    }
    case arrow.Type.Float: return { oid: (type as arrow.Float).precision === arrow.Precision.SINGLE ? 700 : 701, typmod: -1 };
    case arrow.Type.Decimal: {
      const d = type as arrow.Decimal;
      return { oid: 1700, typmod: ((d.precision << 16) | d.scale) + 4 };
    }
    case arrow.Type.Binary: return { oid: 17, typmod: -1 };
    case arrow.Type.Date: return { oid: 1082, typmod: -1 };
    case arrow.Type.Timestamp: return { oid: (type as arrow.Timestamp).timezone ? 1184 : 1114, typmod: -1 };
    case arrow.Type.Interval: return { oid: 1186, typmod: -1 };
    case arrow.Type.Struct: case arrow.Type.Map: return { oid: 114, typmod: -1 };
    case arrow.Type.List: {
      const element = pgColumnType((type as arrow.List).children[0].type);
      return { oid: arrayTypeOf(element.oid) ?? 25, typmod: element.typmod };
    }
    default: return { oid: 25, typmod: -1 };
  }
}

/** The array type of an element type (`pg_type.typarray`): 23 → 1007. */
export function arrayTypeOf(elementOid: number): number | undefined {
  return typeInfo(elementOid)?.array;
}

interface TypeInfo {
  readonly name: string;
  readonly array: number;
  readonly category: string;
  readonly element: number;
  /** Physical properties pg_attribute repeats from the type (attlen, attbyval, attalign, attstorage). */
  readonly len: number;
  readonly byval: boolean;
  readonly align: string;
  readonly storage: string;
  /** The type's collation (100 default for text, 950 "C" for name, 0 for none). */
  readonly collation: number;
}

let types: Map<number, TypeInfo> | undefined;

/** The static pg_type row of a built-in type (name, array type, category, element). */
export function typeInfo(oid: number): TypeInfo | undefined {
  if (types === undefined) {
    types = new Map();
    for (const r of staticRows('pg_type')) {
      types.set(Number(r.oid), {
        name: String(r.typname), array: Number(r.typarray), category: String(r.typcategory), element: Number(r.typelem),
        len: Number(r.typlen), byval: r.typbyval === true, align: String(r.typalign), storage: String(r.typstorage), collation: Number(r.typcollation),
      });
    }
  }
  return types.get(oid);
}
