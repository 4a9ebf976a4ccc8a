"""The two reads of a task completion as SQL written once per process.

A completion reads the task row with its case, version and engine state, and under
the lock the task row again with the case's open task rows, the case and its
organisations. Through the ORM every call builds the query, compiles it (the joins,
the columns of five models) and makes the instances: about a third of a
completion's CPU time. The SQL of the two reads does not change between calls, so it
is written once from the models' metadata; a call executes it with its parameters
and makes the instances as Django's own select_related does (``from_db``, the
backend's converters, the related objects cached on the instances).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import sql

from webui.accounts.models import Gemeente, MbOrganisation
from webui.cases.models import Case, CaseState
from webui.definitions.models import DefinitionVersion
from webui.tasks.models import TaskDraft, TaskItem

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Columns:
    """The columns one model contributes to a row, and how to make its instance."""

    model: type[models.Model]
    attnames: tuple[str, ...]
    # (position in the model's slice, column expression, converters)
    converters: tuple[tuple[int, Any, tuple[Converter, ...]], ...]
    sql: str

    def instance(self, row: Sequence[Any], start: int, connection: Any) -> Any:
        values = list(row[start : start + len(self.attnames)])
        for index, column, converters in self.converters:
            value = values[index]
            for convert in converters:
                value = convert(value, column, connection)
            values[index] = value
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


def _columns(
    model: type[models.Model], alias: str, leave_out: Iterable[str] = ()
) -> _Columns:
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if f.name not in set(leave_out)]
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(alias)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(
            connection
        )
        if found:
            converters.append((index, column, tuple(found)))
    return _Columns(
        model=model,
        attnames=tuple(f.attname for f in fields),
        converters=tuple(converters),
        sql=", ".join(f"{quote(alias)}.{quote(f.column)}" for f in fields),
    )


def _table(model: type[models.Model]) -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)


def _cache(field: Any, instance: Any, value: Any) -> None:
    """Hang a related object on an instance, as select_related does."""
    field.set_cached_value(instance, value)


@dataclass(frozen=True)
class _OpenItemRead:
    sql: str
    item: _Columns
    case: _Columns
    version: _Columns


@cache
def _open_item_read(vendor: str, leave_out: tuple[str, ...]) -> _OpenItemRead:
    item = _columns(TaskItem, "t")
    case = _columns(Case, "c")
    version = _columns(DefinitionVersion, "v", leave_out)
    sql = (
        f"SELECT {item.sql}, {case.sql}, {version.sql}, s.state"
        f" FROM {_table(TaskItem)} t"
        f" INNER JOIN {_table(Case)} c ON c.id = t.case_id"
        f" INNER JOIN {_table(DefinitionVersion)} v ON v.id = c.version_id"
        f" LEFT OUTER JOIN {_table(CaseState)} s ON s.case_id = t.case_id"
        " WHERE t.task_id = %s"
    )
    return _OpenItemRead(sql, item, case, version)


def open_item_row(task_id: str, *, leave_out: tuple[str, ...]) -> TaskItem | None:
    """The task row with its case, the case's version (without the fields in
    ``leave_out``, deferred) and the case's engine state as ``engine_state``; None
    when there is no such task."""
    connection = connections[DEFAULT_DB_ALIAS]
    read = _open_item_read(connection.vendor, leave_out)
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [task_id])
        row = cursor.fetchone()
    if row is None:
        return None
    item = read.item.instance(row, 0, connection)
    start = len(read.item.attnames)
    case = read.case.instance(row, start, connection)
    start += len(read.case.attnames)
    version = read.version.instance(row, start, connection)
    item.engine_state = row[-1]  # type: ignore[attr-defined]
    _cache(Case._meta.get_field("version"), case, version)
    _cache(TaskItem._meta.get_field("case"), item, case)
    return item


@dataclass(frozen=True)
class _LockRead:
    sql: str
    item: _Columns
    case: _Columns
    gemeente: _Columns
    mb_organisation: _Columns


@cache
def _lock_read(vendor: str, for_update_of: bool) -> _LockRead:
    item = _columns(TaskItem, "t")
    case = _columns(Case, "c")
    gemeente = _columns(Gemeente, "g")
    mb = _columns(MbOrganisation, "m")
    drafts = _table(TaskDraft)
    sql = (
        f"SELECT {item.sql}, {case.sql}, {gemeente.sql}, {mb.sql},"
        f" EXISTS(SELECT 1 FROM {drafts} d WHERE d.item_id = t.id)"
        f" FROM {_table(TaskItem)} t"
        f" INNER JOIN {_table(Case)} c ON c.id = t.case_id"
        f" INNER JOIN {_table(Gemeente)} g ON g.id = c.gemeente_id"
        f" LEFT OUTER JOIN {_table(MbOrganisation)} m"
        " ON m.id = c.mb_organisation_id"
        " WHERE t.id = %s OR (t.case_id = %s AND t.state = %s)"
    )
    if for_update_of:
        sql += " FOR UPDATE OF c"
    return _LockRead(sql, item, case, gemeente, mb)


def locked_task_rows(*, pk: int, case_id: int) -> list[TaskItem]:
    """Lock the case and read the task ``pk`` with the case's open task rows, each
    with its case (one instance, with its gemeente and MB organisation) and
    ``has_drafts``. Call it inside the transaction (FOR UPDATE OF the case on
    PostgreSQL; SQLite's transaction already holds the write lock)."""
    connection = connections[DEFAULT_DB_ALIAS]
    features = connection.features
    read = _lock_read(
        connection.vendor,
        features.has_select_for_update and features.has_select_for_update_of,
    )
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [pk, case_id, TaskItem.State.OPEN])
        rows = cursor.fetchall()
    if not rows:
        return []
    first = rows[0]
    start = len(read.item.attnames)
    case = read.case.instance(first, start, connection)
    start += len(read.case.attnames)
    gemeente = read.gemeente.instance(first, start, connection)
    start += len(read.gemeente.attnames)
    mb = None
    if case.mb_organisation_id is not None:
        mb = read.mb_organisation.instance(first, start, connection)
    _cache(Case._meta.get_field("gemeente"), case, gemeente)
    _cache(Case._meta.get_field("mb_organisation"), case, mb)
    items = []
    case_field = TaskItem._meta.get_field("case")
    for row in rows:
        item = read.item.instance(row, 0, connection)
        item.has_drafts = bool(row[-1])  # type: ignore[attr-defined]
        _cache(case_field, item, case)
        items.append(item)
    return items


# An update not yet run: the rows and the values they get (QuerySet.update's).
Update = tuple["models.QuerySet[Any]", dict[str, Any]]


def _update_sql(
    rows: "models.QuerySet[Any]", values: dict[str, Any]
) -> tuple[str, Any]:
    """The SQL of ``rows.update(**values)``, as QuerySet.update compiles it."""
    query = rows.query.chain(sql.UpdateQuery)
    query.add_update_values(values)
    query.annotations = {}
    assert not query.related_updates, "an update of one table only"
    return query.get_compiler(rows.db).as_sql()


def _insert_sql(model: type[models.Model], objs: list[Any]) -> tuple[str, Any]:
    """The SQL of ``model.objects.bulk_create(objs)`` without reading back the keys,
    as bulk_create compiles it (keys with a default, such as a UUID, are set on the
    rows; an automatic key is left to the database and not read back)."""
    opts = model._meta
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        if obj.pk is None:
            obj.pk = opts.pk.get_pk_value_on_save(obj)
    keyed = all(obj.pk is not None for obj in objs)
    fields = [
        f
        for f in opts.concrete_fields
        if not f.generated and (keyed or not isinstance(f, models.AutoField))
    ]
    query = sql.InsertQuery(model)
    query.insert_values(fields, objs)
    [(text, params)] = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
    for obj in objs:
        obj._state.adding = False
    return text, params


def writes_run(updates: Sequence[Update], inserts: Iterable[Any] = ()) -> list[int]:
    """Run ``updates`` in order, then insert ``inserts`` (one INSERT per table, the
    tables in the order of their first row); how many rows each update changed.

    On PostgreSQL they go as one statement, each a data-modifying WITH query (a
    completion's case row, its engine state, its task rows and its audit event: one
    round trip instead of four). So they must not depend on each other: the updates
    touch different rows, no inserted row points to another of ``inserts``, and no
    inserted key is read back (the parts of one statement do not see each other's
    changes). Elsewhere they run one by one, as ``QuerySet.update`` and
    ``bulk_create``."""
    per_table: dict[type[models.Model], list[Any]] = {}
    for row in inserts:
        per_table.setdefault(type(row), []).append(row)
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or len(updates) + len(per_table) < 2:
        counts = [rows.update(**values) for rows, values in updates]
        for model, table_rows in per_table.items():
            model._default_manager.bulk_create(table_rows)
        return counts
    statements = [_update_sql(rows, values) for rows, values in updates]
    statements += [_insert_sql(model, objs) for model, objs in per_table.items()]
    parts, params = [], []
    for index, (statement, statement_params) in enumerate(statements):
        parts.append(f"w{index} AS ({statement} RETURNING 1)")
        params += statement_params
    counts = ", ".join(f"(SELECT count(*) FROM w{i})" for i in range(len(updates)))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {counts or 1}", params)
        row = cursor.fetchone()
    return list(row)[: len(updates)]
