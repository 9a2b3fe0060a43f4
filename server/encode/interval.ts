import type * as arrow from 'apache-arrow';
import { formatInterval, intervalAt, intervalParts } from '../../executor/kernels/interval.js';

/** An interval as PostgreSQL prints it (`2 days 00:30:00`, `1 mon -3 days`): the executor's one formatter. */
export function intervalTextWriter(data: arrow.Data): (i: number) => string {
  const parts = intervalParts(data);
  return (i) => formatInterval(intervalAt(parts, i));
}
