#!/usr/bin/env bash
# Re-exports the static catalog data in this folder from a real PostgreSQL 15 (a fresh initdb,
# nothing created in it). Run against a throwaway server, e.g.:
#   su postgres -c "initdb -D /tmp/pg15 -A trust && pg_ctl -D /tmp/pg15 -o '-p 55432 -k /tmp' start"
#   PGHOST=/tmp PGPORT=55432 PGUSER=postgres server/pgcatalog/data/export-pg15.sh
# Writes:
#   relations.json  every pg_catalog / information_schema table and view: its oid, kind and
#                   columns (name, type as format_type prints it), in attnum order;
#   <relation>.json the rows of the static relations (column name → value, as row_to_json writes
#                   them; regproc columns as names, vectors as PostgreSQL's text form).
set -euo pipefail
cd "$(dirname "$0")"
q() { psql -X -At -v ON_ERROR_STOP=1 -d postgres -c "$1"; }

q "SELECT json_agg(json_build_object('schema', n.nspname, 'name', c.relname, 'oid', c.oid::int8, 'kind', c.relkind,
      'columns', (SELECT json_agg(json_build_array(a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
                  FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)) ORDER BY n.nspname, c.relname)
   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v', 'm')" > relations.json

rows() { q "SELECT coalesce(json_agg(row_to_json(t)), '[]') FROM ($2) t" > "$1.json"; }
# Base and array types, domains, pseudo-types and ranges; not the row types of system tables.
rows pg_type "SELECT * FROM pg_type WHERE typrelid = 0 ORDER BY oid"
# The functions those types point to (I/O, modifiers, analyze), so `typinput = 'array_in'::regproc` and joins on pg_proc work.
rows pg_proc "SELECT * FROM pg_proc WHERE oid IN (SELECT unnest(ARRAY[typinput, typoutput, typreceive, typsend, typmodin, typmodout, typanalyze]::oid[]) FROM pg_type WHERE typrelid = 0) ORDER BY oid"
rows pg_range "SELECT * FROM pg_range ORDER BY rngtypid"
rows pg_am "SELECT * FROM pg_am ORDER BY oid"
rows pg_collation "SELECT * FROM pg_collation WHERE collname IN ('default', 'C', 'POSIX', 'ucs_basic') ORDER BY oid"
rows pg_language "SELECT * FROM pg_language ORDER BY oid"
rows pg_tablespace "SELECT * FROM pg_tablespace ORDER BY oid"
rows pg_encoding "SELECT e AS encoding, pg_encoding_to_char(e) AS name FROM generate_series(0, 41) e WHERE pg_encoding_to_char(e) <> ''"
# Comparison and pattern operators clients look up by name.
rows pg_operator "SELECT * FROM pg_operator WHERE oprname IN ('=', '<>', '<', '<=', '>', '>=', '~', '!~', '~~', '!~~', '~~*', '!~~*', '+', '-', '*', '/', '%', '||') AND oprleft IN (16, 20, 21, 23, 25, 700, 701, 1700, 1082, 1114, 1184, 17) ORDER BY oid"
