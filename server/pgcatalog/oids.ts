/**
 * OIDs of the objects deltasql invents (warehouse schemas, tables, views): at least 16384, as
 * PostgreSQL numbers user objects (FirstNormalObjectId), and stable for the life of the process
 * so that `pg_class.oid`, `pg_attribute.attrelid` and `'t'::regclass` agree across statements and
 * sessions (clients such as JDBC cache them). A name seen once keeps its OID even if its table
 * vanishes and reappears.
 */
export class OidRegistry {
  private readonly oids = new Map<string, number>();
  private next = 16384;

  /** The OID of the object named `key` (e.g. `rel:public.prices`), allocated on first sight. */
  oidOf(key: string): number {
    let oid = this.oids.get(key);
    if (oid === undefined) {
      oid = this.next++;
      this.oids.set(key, oid);
    }
    return oid;
  }
}

/** The process's registry: every session sees the same OIDs. */
export const PROCESS_OIDS = new OidRegistry();

/** PostgreSQL 15's fixed OIDs for the objects every database has. */
export const FIXED_OIDS = {
  pgCatalog: 11,
  pgToast: 99,
  public: 2200,
  informationSchema: 13207,
  /** The bootstrap superuser; every deltasql object is owned by the session's user under this OID. */
  owner: 10,
  /** PostgreSQL 15's pg_database_owner role, the owner of schema public. */
  databaseOwnerRole: 6171,
  database: 5,
  /** pg_class's and pg_namespace's own OIDs, the `classoid` of pg_description rows. */
  pgClassRelation: 1259,
  pgNamespaceRelation: 2615,
  heapAm: 2,
  defaultTablespace: 1663,
} as const;
