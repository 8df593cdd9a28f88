"""Database triggers that make the books append-only, on SQLite and PostgreSQL.

They live here (not inline in one migration) because SQLite drops a table's triggers whenever
Django rebuilds the table in a later migration: every migration that alters a ledger table
must call ``install`` again (a test checks that UPDATE and DELETE are refused after all
migrations).
"""

from __future__ import annotations

APPEND_ONLY_TABLES = (
    "ledger_journalentry",
    "ledger_journalline",
    "ledger_monthclose",
    "ledger_entryseal",
)


def _sqlite(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'kongtun: {table} is append-only'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'kongtun: {table} is append-only'); END",
    ]


POSTGRES_FUNCTIONS = [
    """
    CREATE OR REPLACE FUNCTION kongtun_append_only() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'kongtun: % is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001';
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION kongtun_entry_balances() RETURNS trigger AS $$
    DECLARE total bigint; n integer;
    BEGIN
      SELECT COALESCE(SUM(amount_satang), 0), COUNT(*) INTO total, n
        FROM ledger_journalline WHERE entry_id = NEW.id;
      IF n < 2 OR total <> 0 THEN
        RAISE EXCEPTION 'kongtun: journal entry % does not balance (% lines, residual % satang)',
          NEW.id, n, total USING ERRCODE = 'P0001';
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
]


def _postgres(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION kongtun_append_only()",
    ]


POSTGRES_BALANCE = [
    "DROP TRIGGER IF EXISTS ledger_entry_balances ON ledger_journalentry",
    # Checked at COMMIT, once every line of the entry has been inserted.
    "CREATE CONSTRAINT TRIGGER ledger_entry_balances AFTER INSERT ON ledger_journalentry "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kongtun_entry_balances()",
]


def statements(vendor: str, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> list[str]:
    if vendor == "sqlite":
        return [sql for table in tables for sql in _sqlite(table)]
    if vendor == "postgresql":
        return (
            POSTGRES_FUNCTIONS
            + [sql for table in tables for sql in _postgres(table)]
            + POSTGRES_BALANCE
        )
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def install(apps: object, schema_editor: object) -> None:
    """A RunPython body: (re)create the triggers for the current database."""
    install_on(schema_editor.connection)


def install_on(connection: object) -> None:
    """(Re)create the triggers on every append-only table that exists at this migration."""
    existing = set(connection.introspection.table_names())
    tables = tuple(t for t in APPEND_ONLY_TABLES if t in existing)
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, tables):
            cursor.execute(sql)


def uninstall_on(connection: object) -> None:
    """Only for test teardown: a transactional test's flush must empty the books. Django's
    flush then emits post_migrate, which installs the triggers again (see apps.py)."""
    with connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
