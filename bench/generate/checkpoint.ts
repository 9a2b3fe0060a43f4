import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './duckdb.js';
import { PROTOCOL, type MetaData } from './delta-log.js';

/**
 * Spark's classic checkpoint schema (reference/delta-protocol.md §2, "Checkpoint schema"): one
 * nullable struct column per action, exactly one of them non-null in each row. Written by DuckDB
 * from struct and map literals; MAP columns become Parquet MAP (`key_value`) groups as in Spark.
 */
const STRING_MAP = 'MAP(VARCHAR, VARCHAR)';
const TXN = 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)';
const ADD = `STRUCT(path VARCHAR, partitionValues ${STRING_MAP}, size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, tags ${STRING_MAP}, stats VARCHAR)`;
const REMOVE = `STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues ${STRING_MAP}, size BIGINT, tags ${STRING_MAP})`;
const METADATA =
  `STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, options ${STRING_MAP}), ` +
  `schemaString VARCHAR, partitionColumns VARCHAR[], configuration ${STRING_MAP}, createdTime BIGINT)`;
const PROTOCOL_TYPE = 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)';

/**
 * Loads the add actions of a log (as NDJSON of `{version, path, size, modificationTime, stats}`)
 * into the DuckDB table `log_adds`, from which `writeCheckpoint` selects.
 */
export async function loadAdds(db: DuckDBConnection, ndjsonPath: string): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TABLE log_adds AS SELECT * FROM read_json(${sqlString(ndjsonPath)}, format = 'newline_delimited', ` +
      `columns = {version: 'BIGINT', path: 'VARCHAR', size: 'BIGINT', modificationTime: 'BIGINT', stats: 'VARCHAR'})`,
  );
}

/**
 * Writes the checkpoint of `version` for an append-only table: the protocol, the metaData and
 * every add of versions 0…version (Spark writes `dataChange = false` in checkpoints). Returns the
 * number of actions, `_last_checkpoint`'s `size`.
 */
export async function writeCheckpoint(db: DuckDBConnection, path: string, version: number, meta: MetaData): Promise<number> {
  const metaLiteral =
    `{'id': ${sqlString(meta.id)}, 'name': NULL, 'description': NULL, ` +
    `'format': {'provider': ${sqlString(meta.format.provider)}, 'options': MAP {}}, ` +
    `'schemaString': ${sqlString(meta.schemaString)}, 'partitionColumns': []::VARCHAR[], ` +
    `'configuration': MAP {}, 'createdTime': ${meta.createdTime}}::${METADATA}`;
  const sql = `
    COPY (
      SELECT txn, "add", "remove", metaData, protocol FROM (
        SELECT 0 AS ord, NULL::${TXN} AS txn, NULL::${ADD} AS "add", NULL::${REMOVE} AS "remove", NULL::${METADATA} AS metaData,
               {'minReaderVersion': ${PROTOCOL.minReaderVersion}, 'minWriterVersion': ${PROTOCOL.minWriterVersion}}::${PROTOCOL_TYPE} AS protocol
        UNION ALL
        SELECT 1, NULL, NULL, NULL, ${metaLiteral}, NULL
        UNION ALL
        SELECT 2 + version, NULL,
               {'path': path, 'partitionValues': MAP {}, 'size': size, 'modificationTime': modificationTime,
                'dataChange': false, 'tags': NULL, 'stats': stats}::${ADD},
               NULL, NULL, NULL
        FROM log_adds WHERE version <= ${version}
      ) ORDER BY ord
    ) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION snappy)`;
  await db.run(sql);
  const count = await db.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM log_adds WHERE version <= ${version}`);
  return (count.getRowObjectsJson()[0]?.n as number) + 2;
}
