import type * as arrow from 'apache-arrow';
import type { Node, SelectStmt } from 'libpg-query';
import type { Prepassed } from '../parser/prepass.js';
import type { SourceText } from '../parser/source-text.js';
import type { TableReference } from '../catalog.js';

/**
 * The write statements as their parsers (parse-ddl.ts, parse-dml.ts, parse-merge.ts,
 * parse-delta-commands.ts) hand them to binding. Expressions and queries inside them are
 * libpg-query nodes whose locations are byte offsets into `source`.
 */
export type ParsedWrite =
  | ParsedCreateTable | ParsedDropTable | ParsedAlterTable
  | ParsedInsert | ParsedUpdate | ParsedDelete | ParsedMerge
  | ParsedDescribeDetail | ParsedDescribeHistory | ParsedRestore | ParsedOptimize | ParsedVacuum | ParsedTableInfo | ParsedShowCatalog | ParsedUse;

interface Base {
  readonly source: SourceText;
  readonly prepass: Prepassed;
}

export interface NamedTable {
  readonly ref: TableReference;
  /** Byte offset where the name starts (errors point there). */
  readonly start: number;
}

export interface ColumnDefinition {
  readonly name: string;
  readonly type: arrow.DataType;
  readonly nullable: boolean;
  readonly comment?: string;
  /** Byte offset of the column name. */
  readonly start: number;
}

/**
 * `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] t [(cols)] [USING DELTA] [PARTITIONED BY (…)]
 * [LOCATION '…'] [TBLPROPERTIES (…)] [COMMENT '…'] [AS query]`.
 */
export interface ParsedCreateTable extends Base {
  readonly kind: 'createTable';
  readonly table: NamedTable;
  readonly replace: boolean;
  readonly ifNotExists: boolean;
  readonly columns?: readonly ColumnDefinition[];
  readonly partitionedBy: readonly { readonly name: string; readonly start: number }[];
  readonly location?: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly comment?: string;
  readonly query?: SelectStmt;
}

/** `DROP TABLE [IF EXISTS] t [, …]`. */
export interface ParsedDropTable extends Base {
  readonly kind: 'dropTable';
  readonly tables: readonly NamedTable[];
  readonly ifExists: boolean;
}

export type AlterAction =
  | { readonly kind: 'addColumns'; readonly columns: readonly ColumnDefinition[] }
  | { readonly kind: 'renameColumn'; readonly from: string; readonly to: string; readonly start: number }
  | { readonly kind: 'setProperties'; readonly properties: Readonly<Record<string, string>> }
  | { readonly kind: 'unsetProperties'; readonly keys: readonly string[]; readonly ifExists: boolean };

/** `ALTER TABLE t ADD COLUMN[S] … | RENAME COLUMN a TO b | SET / UNSET TBLPROPERTIES (…)`. */
export interface ParsedAlterTable extends Base {
  readonly kind: 'alterTable';
  readonly table: NamedTable;
  readonly action: AlterAction;
}

/**
 * `INSERT [WITH SCHEMA EVOLUTION] {INTO | OVERWRITE} [TABLE] t [PARTITION (p = v, …)] [(cols)] query`.
 * `partition`: static partition values (`p = 'x'`), their expressions as nodes.
 */
export interface ParsedInsert extends Base {
  readonly kind: 'insert';
  readonly table: NamedTable;
  readonly overwrite: boolean;
  readonly schemaEvolution: boolean;
  readonly partition: readonly { readonly name: string; readonly start: number; readonly value: Node | undefined }[];
  readonly columns?: readonly { readonly name: string; readonly start: number }[];
  readonly query: SelectStmt;
}

/** One `col = expr` of UPDATE SET / MERGE UPDATE SET. */
export interface Assignment {
  readonly column: string;
  readonly start: number;
  readonly value: Node;
}

/** `UPDATE t [[AS] a] SET … [FROM …] [WHERE …]`. */
export interface ParsedUpdate extends Base {
  readonly kind: 'update';
  readonly table: NamedTable;
  readonly alias?: string;
  readonly set: readonly Assignment[];
  readonly from: readonly Node[];
  readonly where?: Node;
}

/** `DELETE FROM t [[AS] a] [WHERE …]`. */
export interface ParsedDelete extends Base {
  readonly kind: 'delete';
  readonly table: NamedTable;
  readonly alias?: string;
  readonly where?: Node;
}

export type MergeAction =
  | { readonly kind: 'update'; readonly set: readonly Assignment[] }
  | { readonly kind: 'updateStar' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'insert'; readonly columns?: readonly { readonly name: string; readonly start: number }[]; readonly values: readonly Node[] }
  | { readonly kind: 'insertStar' }
  /** PostgreSQL's `DO NOTHING`: the row is claimed by this clause and left as it is. */
  | { readonly kind: 'doNothing' };

export interface MergeClause {
  readonly match: 'matched' | 'notMatched' | 'notMatchedBySource';
  readonly condition?: Node;
  readonly action: MergeAction;
  /** Byte offset of its WHEN. */
  readonly start: number;
}

/** `MERGE [WITH SCHEMA EVOLUTION] INTO t [[AS] a] USING source ON cond WHEN … THEN …`. */
export interface ParsedMerge extends Base {
  readonly kind: 'merge';
  readonly table: NamedTable;
  readonly alias?: string;
  readonly schemaEvolution: boolean;
  /** The USING item as a FROM item (a table, view or subquery, with its alias). */
  readonly using: Node;
  readonly on: Node;
  readonly clauses: readonly MergeClause[];
}

/** `DESCRIBE HISTORY t [LIMIT n]`: the table's commits, newest first. */
export interface ParsedDescribeHistory extends Base {
  readonly kind: 'describeHistory';
  readonly table: NamedTable;
  readonly limit?: number;
}

export interface ParsedDescribeDetail extends Base {
  readonly kind: 'describeDetail';
  readonly table: NamedTable;
}

/** Spark's `USE [DATABASE | SCHEMA | NAMESPACE] name`: the warehouse has one schema, `default` (PostgreSQL's `public`). */
export interface ParsedUse extends Base {
  readonly kind: 'use';
  readonly schema: string;
  readonly start: number;
}

/**
 * Spark's `SHOW TABLES [IN schema] [LIKE 'pattern']` and `SHOW SCHEMAS | DATABASES [LIKE 'pattern']`
 * (`*` any characters, `|` alternatives, case-insensitive).
 */
export interface ParsedShowCatalog extends Base {
  readonly kind: 'showCatalog';
  readonly what: 'tables' | 'schemas';
  readonly schema?: string;
  readonly like?: string;
}

/**
 * Spark's table information commands: `DESCRIBE [TABLE] [EXTENDED] t` (columns, types, comments,
 * partitioning), `SHOW COLUMNS IN t`, `SHOW TBLPROPERTIES t`, `SHOW PARTITIONS t`.
 */
export interface ParsedTableInfo extends Base {
  readonly kind: 'tableInfo';
  readonly what: 'describe' | 'describeExtended' | 'columns' | 'properties' | 'partitions';
  readonly table: NamedTable;
}

/** `RESTORE [TABLE] t [TO] VERSION AS OF n | TIMESTAMP AS OF '…'`. */
export interface ParsedRestore extends Base {
  readonly kind: 'restore';
  readonly table: NamedTable;
  readonly target: { readonly kind: 'version'; readonly version: number } | { readonly kind: 'timestamp'; readonly text: string; readonly start: number };
}

/** `OPTIMIZE t [WHERE predicate] [ZORDER BY (cols)]`. */
export interface ParsedOptimize extends Base {
  readonly kind: 'optimize';
  readonly table: NamedTable;
  readonly where?: Node;
  readonly zOrderBy: readonly { readonly name: string; readonly start: number }[];
}

/** `VACUUM t [RETAIN n HOURS] [DRY RUN]`. */
export interface ParsedVacuum extends Base {
  readonly kind: 'vacuum';
  readonly table: NamedTable;
  readonly retainHours?: number;
  readonly dryRun: boolean;
}
