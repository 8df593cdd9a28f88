"""A database trigger that refuses any change to an approved regulation version.

The service already refuses edits; the trigger makes it true for every write path (the Django
admin, a shell, a bug). Deleting is left to PROTECT foreign keys (claims point at the version
they were decided under), so a test flush can still empty the table. Reinstalled after every
migrate (SQLite drops a table's triggers when a migration rebuilds it).
"""

from __future__ import annotations

TABLE = "regulations_regulationversion"
MESSAGE = "kongtun: an approved regulation version cannot be changed; make an amendment"


def statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {TABLE}_frozen",
            f"CREATE TRIGGER {TABLE}_frozen BEFORE UPDATE ON {TABLE} "
            f"WHEN OLD.status = 'approved' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        ]
    if vendor == "postgresql":
        return [
            f"""
            CREATE OR REPLACE FUNCTION kongtun_regversion_frozen() RETURNS trigger AS $$
            BEGIN
              IF OLD.status = 'approved' THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'P0001';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql
            """,
            f"DROP TRIGGER IF EXISTS {TABLE}_frozen ON {TABLE}",
            f"CREATE TRIGGER {TABLE}_frozen BEFORE UPDATE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION kongtun_regversion_frozen()",
        ]
    raise NotImplementedError(f"no regulation trigger for {vendor}")


def install(apps: object, schema_editor: object) -> None:
    """A RunPython body."""
    install_on(schema_editor.connection)


def install_on(connection: object) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor):
            cursor.execute(sql)
