"""Many rows into one table at once: the import's batches (``services.imports.writer``).

SQLAlchemy's ``execute(insert(table), rows)`` builds each row's parameters through the
statement's compiled form (``construct_params``: a dictionary per row, every column's bind
processor looked up again): for the 761 activities and 5,400 laps of a three-year history
that cost the import's only writer about as much CPU as SQLite's own work storing them
(docs/decisions/0076). On SQLite, ``insert_many`` compiles the statement once per table and
set of columns and runs each column's own bind processor (the same ones SQLAlchemy applies:
``TypeEngine.bind_processor`` of the dialect's implementation, ``UTCDateTime`` included)
over plain tuples, then hands them to the driver's ``executemany``: the stored values are
the same, byte for byte (tested). PostgreSQL keeps SQLAlchemy's own path, which already sends
a batch as a few multi-row ``INSERT`` statements ("insertmanyvalues").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.engine import Dialect

_Processor = Callable[[Any], Any] | None


@lru_cache(maxsize=64)
def _plan(
    dialect: Dialect, table: Table, keys: tuple[str, ...]
) -> tuple[str, tuple[str, ...], tuple[_Processor, ...]] | None:
    """The driver's SQL, the keys in the order of its parameters (the table's) and each one's
    bind processor (None: the value goes as it is); None when a column left out of ``keys``
    has a default computed in Python (SQLAlchemy fills those in itself)."""
    given = set(keys)
    for column in table.columns:
        if column.key not in given and column.default is not None:
            return None
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or ())
    if sorted(order) != sorted(keys):
        return None
    processors = tuple(
        table.columns[key].type.dialect_impl(dialect).bind_processor(dialect) for key in order
    )
    return str(compiled), order, processors


def insert_many(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``INSERT`` every row of ``rows`` (dictionaries with the same keys) into ``table``."""
    if not rows:
        return
    keys = tuple(rows[0])
    plan = _plan(connection.dialect, table, keys) if connection.dialect.name == "sqlite" else None
    if plan is None or any(len(row) != len(keys) for row in rows):
        connection.execute(insert(table), list(rows))
        return
    sql, order, processors = plan
    values = itemgetter(*order)
    converted = [(i, process) for i, process in enumerate(processors) if process is not None]
    try:  # the same number of keys and each of them there: the same keys
        params: list[Any] = [values(row) for row in rows]
    except KeyError:  # other keys: SQLAlchemy says which one is missing
        connection.execute(insert(table), list(rows))
        return
    if len(order) == 1:
        params = [(value,) for value in params]
    if converted:
        for k, row_values in enumerate(params):
            listed = list(row_values)
            for i, process in converted:
                listed[i] = process(listed[i])
            params[k] = tuple(listed)
    connection.exec_driver_sql(sql, params)


__all__ = ["insert_many"]
