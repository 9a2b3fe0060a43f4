import type { ObjectMeta } from '../object-store/object-store.js';

/**
 * What each file name in `_delta_log/` means (reference/delta-protocol.md §1). Anything else —
 * `.crc` checksums, `_last_checkpoint`, Hadoop side files, `.tmp/` — is not a LogFile.
 */
export type LogFile =
  | { readonly kind: 'commit'; readonly version: number; readonly meta: ObjectMeta }
  | {
      readonly kind: 'checkpoint';
      readonly version: number;
      readonly meta: ObjectMeta;
      /** Multi-part (V1, deprecated): this file is part `index` of `count`. */
      readonly part?: { readonly index: number; readonly count: number };
      /** UUID-named V2 checkpoint, top-level file in JSON or Parquet. */
      readonly uuid?: string;
      readonly format: 'parquet' | 'json';
    };

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC_CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART_CHECKPOINT = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const UUID_CHECKPOINT = /^(\d{20})\.checkpoint\.([0-9a-fA-F-]{36})\.(json|parquet)$/;

export function classifyLogFile(meta: ObjectMeta): LogFile | undefined {
  const name = meta.path.slice(meta.path.lastIndexOf('/') + 1);
  let m = COMMIT.exec(name);
  if (m) return { kind: 'commit', version: Number(m[1]), meta };
  m = CLASSIC_CHECKPOINT.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), meta, format: 'parquet' };
  m = MULTIPART_CHECKPOINT.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), meta, part: { index: Number(m[2]), count: Number(m[3]) }, format: 'parquet' };
  m = UUID_CHECKPOINT.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), meta, uuid: m[2] ?? '', format: m[3] as 'json' | 'parquet' };
  return undefined;
}

/** The 20-digit zero-padded version that starts every log file name. */
export function versionPrefix(version: number): string {
  return String(version).padStart(20, '0');
}

export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
