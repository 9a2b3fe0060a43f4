import type { AddFile, DomainMetadata, LogAction, Metadata, Protocol } from '../log/actions.js';
import { dvUniqueId } from '../dv/descriptor.js';

/**
 * Log replay (reference/delta-protocol.md §4 step 5): the newest protocol and metaData win, the
 * newest txn per appId, the newest domainMetadata per domain (`removed` deletes it), and a
 * logical file — keyed by (path, deletion-vector id) — is live when its newest action is an add.
 *
 * Mutable while a snapshot is being built; `clone()` gives the next snapshot its own copy so
 * snapshots stay immutable and a refresh applies only the new commits.
 */
export class ReplayState {
  protocol: Protocol | undefined;
  metadata: Metadata | undefined;
  readonly files: Map<string, AddFile>;
  readonly txns: Map<string, number>;
  readonly domains: Map<string, DomainMetadata>;

  constructor(from?: ReplayState) {
    this.protocol = from?.protocol;
    this.metadata = from?.metadata;
    this.files = new Map(from?.files);
    this.txns = new Map(from?.txns);
    this.domains = new Map(from?.domains);
  }

  clone(): ReplayState {
    return new ReplayState(this);
  }

  /** Applies one commit's (or a checkpoint's) actions, in log order. */
  apply(actions: readonly LogAction[]): void {
    for (const action of actions) {
      switch (action.kind) {
        case 'add':
          this.files.set(fileKey(action.add.path, action.add.deletionVector), action.add);
          break;
        case 'remove':
          this.files.delete(fileKey(action.remove.path, action.remove.deletionVector));
          break;
        case 'metaData':
          this.metadata = action.metaData;
          break;
        case 'protocol':
          this.protocol = action.protocol;
          break;
        case 'txn':
          this.txns.set(action.txn.appId, action.txn.version);
          break;
        case 'domainMetadata':
          if (action.domainMetadata.removed) this.domains.delete(action.domainMetadata.domain);
          else this.domains.set(action.domainMetadata.domain, action.domainMetadata);
          break;
        case 'commitInfo':
        case 'checkpointMetadata':
        case 'sidecar':
        case 'cdc':
          break;
      }
    }
  }
}

/**
 * A file's identity. Paths are compared decoded, so an add written `a%20b.parquet` and a remove
 * written `a b.parquet` by another engine still meet.
 */
function fileKey(path: string, dv: Parameters<typeof dvUniqueId>[0] | undefined): string {
  const decoded = safeDecode(path);
  return dv ? `${decoded}\u0000${dvUniqueId(dv)}` : decoded;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
