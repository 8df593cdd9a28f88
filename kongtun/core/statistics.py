"""Planner statistics after a bulk write (issue 17): a bulk import adds tens of thousands of
rows at once, and PostgreSQL plans with the old statistics until autovacuum gets to the table
(it may be off on a server). ``tables_analyze`` runs ANALYZE on the tables touched, once the
import has committed; on SQLite, ANALYZE and ``PRAGMA optimize`` do the same."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, models, transaction

#: While set, ``tables_analyze_on_commit`` collects tables here instead of analysing them.
_deferred: ContextVar[set[type[models.Model]] | None] = ContextVar("analyze_deferred", default=None)


def tables_analyze(*, tables: Iterable[type[models.Model]]) -> list[str]:
    """ANALYZE each model's table now; returns the table names analysed."""
    names = sorted({m._meta.db_table for m in tables})
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
    return names


def tables_analyze_on_commit(*, tables: Iterable[type[models.Model]]) -> None:
    """ANALYZE once the current transaction commits (never for a rolled-back import)."""
    tables = list(tables)
    deferred = _deferred.get()
    if deferred is not None:
        deferred.update(tables)
        return
    transaction.on_commit(lambda: tables_analyze(tables=tables))


@contextmanager
def analyze_deferred() -> Iterator[set[type[models.Model]]]:
    """For a writer that runs many bulk imports in a row (the synthetic network builds six per
    fund): the imports' ANALYZEs are collected, not run, and the caller analyses the returned
    set when it chooses. ANALYZE samples a big table's pages whatever was added, so one per
    import made each fund slower than the last."""
    tables: set[type[models.Model]] = set()
    token = _deferred.set(tables)
    try:
        yield tables
    finally:
        _deferred.reset(token)
