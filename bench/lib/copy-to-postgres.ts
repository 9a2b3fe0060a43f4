import pg from 'pg';

/** Every value as the text the server sent (no parsing): what an INSERT of `$n` text parameters wants. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * Copies tables from one PostgreSQL-speaking server to another through node-postgres: the
 * columns and their type OIDs as `from` describes them (spelled by `to`'s own `format_type`),
 * the rows as text, inserted as text parameters that `to` parses into the column types. Used to
 * give PostgreSQL 15 exactly the rows deltasql serves, for a like-for-like load comparison.
 */
export async function copyTables(from: pg.ClientConfig, to: pg.ClientConfig, tables: readonly string[]): Promise<void> {
  const source = new pg.Client({ ...from, types: RAW_TEXT });
  const target = new pg.Client(to);
  await source.connect();
  await target.connect();
  try {
    for (const table of tables) {
      const name = `"${table.replace(/"/g, '""')}"`;
      const { fields, rows } = await source.query({ text: `SELECT * FROM ${name}`, rowMode: 'array' });
      const types = await target.query<{ t: string }>('SELECT format_type(oid, NULL) AS t FROM unnest($1::oid[]) WITH ORDINALITY AS u(oid, n) ORDER BY n', [fields.map((f) => f.dataTypeID)]);
      const columns = fields.map((f, i) => `"${f.name.replace(/"/g, '""')}" ${types.rows[i]!.t}`);
      await target.query(`CREATE TABLE ${name} (${columns.join(', ')})`);
      const perInsert = Math.max(1, Math.floor(60_000 / Math.max(1, fields.length)));
      for (let at = 0; at < rows.length; at += perInsert) {
        const chunk = (rows as unknown[][]).slice(at, at + perInsert);
        const tuples = chunk.map((_, r) => `(${fields.map((__, c) => `$${r * fields.length + c + 1}`).join(', ')})`);
        await target.query(`INSERT INTO ${name} VALUES ${tuples.join(', ')}`, chunk.flat());
      }
    }
    await target.query('ANALYZE');
  } finally {
    await source.end();
    await target.end();
  }
}
