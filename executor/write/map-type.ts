import * as arrow from 'apache-arrow';

/** Delta's map type as Arrow spells it (storage/schema/arrow.ts): entries struct<key not null, value>. */
export function mapOf(key: arrow.DataType, value: arrow.DataType): arrow.DataType {
  const entries = new arrow.Struct([new arrow.Field('key', key, false), new arrow.Field('value', value, true)]);
  return new arrow.Map_(new arrow.Field('entries', entries, false), false);
}
