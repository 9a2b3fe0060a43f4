"""Connects to a PostgreSQL server with psycopg2 or psycopg 3 (Debian's packages), lists the
tables the way tools do, runs a typed query and prints what came back as JSON lines, so the
TypeScript test can assert real values.

usage: python3 psycopg_probe.py psycopg2|psycopg <port>
"""
import datetime
import decimal
import json
import sys

driver, port = sys.argv[1], int(sys.argv[2])
if driver == "psycopg2":
    import psycopg2 as db
    conn = db.connect(host="127.0.0.1", port=port, user="probe", dbname="deltasql")
else:
    import psycopg as db
    conn = db.connect(host="127.0.0.1", port=port, user="probe", dbname="deltasql")
conn.autocommit = True


def show(value):
    """A value with its Python type, so the test sees what the driver decoded."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, decimal.Decimal):
        return ["Decimal", str(value)]
    return [type(value).__name__, value]


cur = conn.cursor()
cur.execute("SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 2")
print(json.dumps({"tables": [list(r) for r in cur.fetchall()]}))
cur.execute("SELECT version(), current_database(), current_user")
print(json.dumps({"server": list(cur.fetchone())}))
cur.execute("SELECT id, name, weight, passed, DATE '2024-01-02' AS d, 1.50::numeric(5,2) AS n FROM scores WHERE id = %s", (2,))
print(json.dumps({"row": [show(v) for v in cur.fetchone()], "columns": [c[0] for c in cur.description]}))
cur.execute("SELECT ticker, date, close FROM prices WHERE ticker = %s ORDER BY date LIMIT 2", ("AAPL",))
print(json.dumps({"prices": [[show(v) for v in r] for r in cur.fetchall()]}))
conn.close()
