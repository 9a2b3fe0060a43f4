/**
 * The deletion-vector descriptor of an `add` or `remove` action, and where its bitmap lives.
 *
 * reference/delta-protocol.md §5: "A descriptor is `{storageType, pathOrInlineDv, offset?,
 * sizeInBytes, cardinality}`.
 * - `u`: `pathOrInlineDv` = optional random prefix + 20-char Z85-encoded UUID. The file is
 *   `<table>/<prefix>/deletion_vector_<uuid>.bin`.
 * - `p`: an absolute path.
 * - `i`: the bitmap itself, Z85-encoded, inside the log.
 * - `uniqueId` = storageType + pathOrInlineDv (+ `@offset`)."
 */
import { fileURLToPath } from 'node:url';
import { assert, require, SqlError } from '../../common/sql-error.js';
import { joinPath } from '../object-store/object-store.js';
import { decodeUuidZ85 } from './z85.js';

/**
 * A deletion vector as the log describes it (`add.deletionVector`, `remove.deletionVector`).
 *
 * @example
 * { storageType: 'u', pathOrInlineDv: 'vBn[lx{q8@P<9BNH/isA', offset: 1, sizeInBytes: 36, cardinality: 2 }
 */
export interface DeletionVectorDescriptor {
  /** `u`: UUID-named file in the table; `i`: inline in the log; `p`: absolute path. */
  storageType: 'u' | 'i' | 'p';
  pathOrInlineDv: string;
  /** Where the DV starts in its file (the size field; 1 for the first DV). Absent for inline DVs. */
  offset?: number;
  /** Length of the serialized bitmap (magic + RoaringTreemap), without size field and checksum. */
  sizeInBytes: number;
  /** Number of deleted rows. */
  cardinality: number;
}

/** Length of the Z85 text of a UUID at the end of a `u` descriptor's `pathOrInlineDv`. */
const ENCODED_UUID_LENGTH = 20;

/**
 * The DV's part of a logical file's identity: "A logical file's key is **(path, dv.uniqueId)**"
 * (§4), with "`uniqueId` = storageType + pathOrInlineDv (+ `@offset`)" (§5).
 *
 * @example dvUniqueId({ storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 4, … }) // 'uab^-aqEH.-t@S}K{vb[*k^@4'
 */
export function dvUniqueId(d: DeletionVectorDescriptor): string {
  const base = d.storageType + d.pathOrInlineDv;
  return d.offset == null ? base : `${base}@${d.offset}`;
}

/**
 * The location of an on-disk DV's file. For `u`, "optional random prefix + 20-char Z85-encoded
 * UUID" becomes `<tableRoot>/<prefix>/deletion_vector_<uuid>.bin` (no prefix: directly in the
 * table root). For `p`, "an absolute path": a `file:` URI is turned into a filesystem path, other
 * URIs (`s3://…`) and absolute paths are returned as they are.
 *
 * Inline (`i`) DVs have no file; asking for one is a deltasql bug.
 */
export function dvAbsolutePath(tableRoot: string, d: DeletionVectorDescriptor): string {
  const where = `deletion vector ${JSON.stringify(dvUniqueId(d))} of table ${tableRoot}`;
  switch (d.storageType) {
    case 'u': {
      const text = d.pathOrInlineDv;
      require(text.length >= ENCODED_UUID_LENGTH, () =>
        SqlError.corruptData(where, `a "u" deletion vector path needs at least ${ENCODED_UUID_LENGTH} characters`),
      );
      const prefix = text.slice(0, text.length - ENCODED_UUID_LENGTH);
      const uuid = decodeUuidZ85(text.slice(text.length - ENCODED_UUID_LENGTH), where);
      const name = `deletion_vector_${uuid}.bin`;
      return prefix === '' ? joinPath(tableRoot, name) : joinPath(tableRoot, prefix, name);
    }
    case 'p': {
      const path = d.pathOrInlineDv;
      if (/^file:/i.test(path)) {
        try {
          return fileURLToPath(path);
        } catch (err) {
          throw SqlError.corruptData(where, `"${path}" is not a valid file URI`, err);
        }
      }
      require(path.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(path), () =>
        SqlError.corruptData(where, `a "p" deletion vector needs an absolute path, got "${path}"`),
      );
      return path;
    }
    case 'i':
      assert(false, 'dvAbsolutePath called for an inline deletion vector');
  }
  // Reached only when the log held a storage type the descriptor parser let through.
  throw SqlError.corruptData(where, `unknown deletion vector storage type ${JSON.stringify(d.storageType)}`);
}
