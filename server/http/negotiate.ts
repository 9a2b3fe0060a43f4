/**
 * The result formats of `/v1/query` and the media types that choose them (`Accept:`).
 * `json` is PRODUCT.md's one-document answer (still streamed, a line per row); the others are
 * record streams. The known type with the highest q-value wins, ties by order; anything else
 * (or no header, or any-type) gets JSON.
 */
export type HttpFormat = 'json' | 'ndjson' | 'csv' | 'arrow';

export const MEDIA_TYPES: Readonly<Record<HttpFormat, string>> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  arrow: 'application/vnd.apache.arrow.stream',
};

const BY_TYPE: Readonly<Record<string, HttpFormat>> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'text/csv': 'csv',
  'application/vnd.apache.arrow.stream': 'arrow',
};

export function formatFromAccept(accept: string | undefined): HttpFormat {
  if (!accept) return 'json';
  const ranked = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, index, q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
    })
    .filter((r) => r.q > 0 && BY_TYPE[r.type] !== undefined)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.length === 0 ? 'json' : (BY_TYPE[ranked[0]!.type] as HttpFormat);
}
