import { BUILTIN_TYPES } from './builtin-types.js';

const BY_OID = new Map<number, { name: string; formatted: string; category: string }>(BUILTIN_TYPES.map(([oid, name, formatted, category]) => [oid, { name, formatted, category }]));
const BY_NAME = new Map<string, number>();
for (const [oid, name, formatted] of BUILTIN_TYPES) {
  BY_NAME.set(name, oid);
  if (!BY_NAME.has(formatted)) BY_NAME.set(formatted, oid);
}
for (const [alias, name] of Object.entries({ int: 'int4', integer: 'int4', smallint: 'int2', bigint: 'int8', real: 'float4', float: 'float8', 'double precision': 'float8', boolean: 'bool', decimal: 'numeric', varchar: 'varchar', 'character varying': 'varchar', character: 'bpchar', char: 'bpchar', timestamptz: 'timestamptz', string: 'text' })) {
  const oid = BY_NAME.get(name);
  if (oid !== undefined) BY_NAME.set(alias, oid);
}

/**
 * PostgreSQL's `format_type(oid, typmod)` for the built-in types: the SQL name with the
 * modifier PostgreSQL prints (`numeric(10,2)`, `character varying(20)`, `timestamp(3) with time
 * zone`), arrays as their element's name with `[]`; `???` for an OID that is no type, as
 * PostgreSQL answers.
 */
export function formatType(oid: number, typmod: number | null): string {
  const t = BY_OID.get(oid);
  if (t === undefined) return '???';
  if (typmod === null || typmod < 0) return t.formatted;
  if (t.category === 'A' && t.formatted.endsWith('[]')) {
    const element = BY_NAME.get(t.name.slice(1));
    return element === undefined ? t.formatted : `${formatType(element, typmod)}[]`;
  }
  switch (oid) {
    case 1700: return typmod >= 4 ? `numeric(${((typmod - 4) >> 16) & 0xffff},${(typmod - 4) & 0xffff})` : t.formatted;
    case 1043: return `character varying(${typmod - 4})`;
    case 1042: return `character(${typmod - 4})`;
    case 1114: return `timestamp(${typmod}) without time zone`;
    case 1184: return `timestamp(${typmod}) with time zone`;
    case 1083: return `time(${typmod}) without time zone`;
    case 1266: return `time(${typmod}) with time zone`;
    case 1560: return `bit(${typmod})`;
    case 1562: return `bit varying(${typmod})`;
    default: return t.formatted;
  }
}

/** A built-in type's OID from its name as `::regtype` reads it (`int4`, `integer`, `text[]`), or undefined. */
export function typeOidByName(name: string): number | undefined {
  const n = name.trim().toLowerCase().replace(/^pg_catalog\./, '');
  const direct = BY_NAME.get(n);
  if (direct !== undefined) return direct;
  if (n.endsWith('[]')) {
    const element = BY_NAME.get(n.slice(0, -2));
    const array = element === undefined ? undefined : BUILTIN_TYPES.find(([, name]) => name === `_${BY_OID.get(element)?.name}`);
    return array?.[0];
  }
  return undefined;
}

/** `::regtype`'s output for an OID: format_type without modifier, or the number when it is no type. */
export function regtypeName(oid: number): string {
  return BY_OID.get(oid)?.formatted ?? String(oid);
}
