"""Single-row writes and reads on the intake path, with SQL built once instead of once per call.

Why: at surge rates the ORM's query compiler, not the database, was most of a report's cost (measured
in bench/intake.py: compiling an INSERT, an UPDATE and a SELECT took several times longer than SQLite
took to run them; docs/decisions.md). These helpers build each statement from the model's own metadata
once per model, column set and database, then only bind values. Values still go through each field's
`pre_save` and `get_db_prep_save`, as `Model.save` does (encrypted fields seal, defaults apply), except
for the plain types whose conversion is the identity (text, numbers, booleans); rows read back go
through the fields' own converters. Statements run inside Django's connection (its transaction, its
error classes), on SQLite straight on the driver's connection, skipping the debug and wrapper layers.

What they do not do: send model signals, run `Model.save` overrides, or show in Django's query log.
Callers are actions, which write the audit event themselves; models whose `save` or signals matter
must not be written here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.db import connections, models, router

_INSERTS: dict[tuple, tuple] = {}
_UPDATES: dict[tuple, tuple] = {}
_SELECTS: dict[tuple, list] = {}
_CONVERTERS: dict[tuple, tuple] = {}

# Field types whose database value is the Python value itself when it has the expected type.
_IDENTITY = {
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.FloatField: float,
    models.BooleanField: bool,
}


def _converter(field, connection) -> Callable:
    """How a Python value of `field` becomes a bound parameter: the field's own `get_db_prep_save`,
    short-circuited for values of the plain types (and UUIDs on SQLite, stored as hex)."""
    generic = field.get_db_prep_save
    target = field.target_field if field.is_relation else field
    plain = _IDENTITY.get(type(target))
    if plain is not None:
        return lambda value: value if value is None or type(value) is plain else generic(value, connection)
    if isinstance(target, models.UUIDField) and connection.vendor == "sqlite":
        return lambda value: value.hex if type(value) is uuid.UUID else generic(value, connection)
    if (
        type(target) is models.DateTimeField
        and connection.vendor == "sqlite"
        and settings.USE_TZ
        and connection.timezone_name == "UTC"
    ):
        # What Django's SQLite backend stores for an aware time: UTC, naive, as text.
        return lambda value: (
            str(value.replace(tzinfo=None))
            if type(value) is datetime and value.tzinfo is UTC
            else generic(value, connection)
        )
    return lambda value: generic(value, connection)


def _reader(field) -> Callable:
    """How `Model.save` takes the field's value from an instance: `pre_save`, or just the attribute
    where the field does not override it (and sets no auto_now)."""
    if type(field).pre_save is models.Field.pre_save:
        attname = field.attname
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.pre_save(obj, True)


def _run(connection, sql: str, params: list, *, fetch: str = ""):
    """Execute on the connection's open transaction and, with `fetch` ("one", "all", "pk"), read the
    result there too; database errors surface as Django's classes, as through the ORM."""
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        if connection.vendor == "sqlite":
            cursor = connection.connection.execute(sql, params)
        else:
            cursor = connection.connection.cursor()
            cursor.execute(sql, params)
        if fetch == "all":
            return cursor.fetchall()
        if fetch == "one":
            return cursor.fetchone()
        if fetch == "pk":
            return cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
        return cursor


def _placeholder(connection) -> str:
    return "?" if connection.vendor == "sqlite" else "%s"


def insert(obj: models.Model) -> models.Model:
    """INSERT `obj` as a new row; an auto-increment primary key is read back. Marks it as saved."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    sql, steps, auto_pk = _insert_statement(model, alias, connection)
    values = [convert(read(obj)) for _field, read, convert in steps]
    if auto_pk is None:
        _run(connection, sql, values)
    else:
        setattr(obj, auto_pk.attname, _run(connection, sql, values, fetch="pk"))
    obj._state.adding = False
    obj._state.db = alias
    return obj


def insert_values(model, values: dict):
    """INSERT a row of `model` from {attname: Python value}, without a model instance (whose creation
    costs more than the insert); fields not given take their defaults. Returns the new primary key.
    Only for models without encrypted or auto-now fields: no `pre_save` runs."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, steps, auto_pk = _insert_statement(model, alias, connection)
    params = []
    for field, _read, convert in steps:
        params.append(convert(values[field.attname] if field.attname in values else field.get_default()))
    if auto_pk is None:
        _run(connection, sql, params)
        return values.get(model._meta.pk.attname)
    return _run(connection, sql, params, fetch="pk")


def _insert_statement(model, alias: str, connection) -> tuple:
    built = _INSERTS.get((model, alias))
    if built is None:
        built = _INSERTS[(model, alias)] = _build_insert(model, connection)
    return built


def _build_insert(model, connection):
    quote = connection.ops.quote_name
    auto_pk = model._meta.pk if isinstance(model._meta.pk, models.AutoField) else None
    fields = [f for f in model._meta.local_concrete_fields if f is not auto_pk]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from model metadata, values bound)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join([_placeholder(connection)] * len(fields)),
    )
    if auto_pk is not None and connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {quote(auto_pk.column)}"
    return sql, [(f, _reader(f), _converter(f, connection)) for f in fields], auto_pk


def update(model, pk, values: dict) -> int:
    """UPDATE the row `pk` of `model` with {attname or field name: Python value}; returns rows changed."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    names = tuple(values)
    key = (model, alias, names)
    built = _UPDATES.get(key)
    if built is None:
        quote = connection.ops.quote_name
        mark = _placeholder(connection)
        fields = [model._meta.get_field(name) for name in names]
        sql = "UPDATE {} SET {} WHERE {} = {}".format(  # noqa: S608 (names from model metadata, values bound)
            quote(model._meta.db_table),
            ", ".join(f"{quote(f.column)} = {mark}" for f in fields),
            quote(model._meta.pk.column),
            mark,
        )
        built = _UPDATES[key] = (
            sql,
            [_converter(f, connection) for f in fields],
            _converter(model._meta.pk, connection),
        )
    sql, converters, pk_converter = built
    params = [convert(values[name]) for name, convert in zip(names, converters, strict=True)]
    params.append(pk_converter(pk))
    return _run(connection, sql, params).rowcount


def prep(model, name: str, value, *, using: str = "default"):
    """A Python value as the database takes it for a column of `model` (for hand-written WHERE clauses)."""
    return model._meta.get_field(name).get_db_prep_value(value, connections[using])


def select(
    model, names: tuple[str, ...], sql: str, params: list, *, using: str = "default", raw: bool = False
) -> list[tuple]:
    """Rows of a hand-written SELECT of the columns `names` of `model` (placeholders written `%s`),
    converted to Python values as the ORM would (UUIDs, JSON, booleans, datetimes); with `raw`, as the
    driver returns them, for a caller that converts only what it uses (`convert`)."""
    connection = connections[using]
    key = (model, using, names, sql)
    built = _SELECTS.get(key)
    if built is None:
        built = _SELECTS[key] = [
            sql.replace("%s", _placeholder(connection)),
            [_converters(model, name, connection) for name in names],
        ]
    driver_sql, converters = built
    fetched = _run(connection, driver_sql, params, fetch="all")
    if raw:
        return fetched
    out = []
    for row in fetched:
        converted = []
        for value, chain in zip(row, converters, strict=True):
            for fn, col in chain:
                value = fn(value, col, connection)
            converted.append(value)
        out.append(tuple(converted))
    return out


def convert(model, name: str, value, *, using: str = "default"):
    """One value of a `raw` select, converted as the ORM would."""
    connection = connections[using]
    for fn, col in _converters(model, name, connection):
        value = fn(value, col, connection)
    return value


def _converters(model, name: str, connection) -> tuple:
    key = (model, connection.alias, name)
    found = _CONVERTERS.get(key)
    if found is None:
        col = model._meta.get_field(name).get_col(model._meta.db_table)
        chain = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        found = _CONVERTERS[key] = tuple((fn, col) for fn in chain)
    return found


def table(model, *, using: str = "default") -> str:
    return connections[using].ops.quote_name(model._meta.db_table)


def column(model, name: str, *, using: str = "default") -> str:
    return connections[using].ops.quote_name(model._meta.get_field(name).column)
