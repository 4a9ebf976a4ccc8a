"""The case-status export: written for one user with one filter, logged in the
processing log; big ones in the background, their files kept for a limited time and
for their requester only."""

import logging
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import (
    DEFAULT_DB_ALIAS,
    OperationalError,
    connection,
    connections,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q
from django.utils import timezone

from exports import CaseStatusBook, case_status_workbook
from webui.accounts.models import Role
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import processing_record

from .filters import NAMES_REFUSED, ReportFilter
from .models import ExportRun
from .selectors import (
    REPORT_ROLE,
    dossier_rows,
    export_size,
    names_allowed,
    open_task_rows,
    pvt_rows,
    report_cases,
    report_scope,
    report_summary,
)

logger = logging.getLogger("webui.reports")
Row = TypeVar("Row")
PROGRESS_EVERY = 1000


class ExportRefused(Exception):
    """An export that may not be made, with the reason in Dutch."""


def export_refusal_record(
    *,
    user: AbstractBaseUser | None,
    reason: str,
    occasion: Occasion | None = None,
    username: str = "",
    via: str = "pagina",
) -> None:
    """A refused export in the processing log, findable by the privacy officer of
    the organisation the user works for (the log is searched by who, too)."""
    processing_record(
        user=user,
        username=username,
        action=ProcessingRecord.Action.REFUSED,
        detail={
            "export": reason[:300],
            "via": via,
            **({"path": occasion.full_path} if occasion else {}),
        },
        occasion=occasion,
    )


def _refuse(
    user: AbstractBaseUser, reason: str, occasion: Occasion | None, via: str
) -> None:
    export_refusal_record(user=user, reason=reason, occasion=occasion, via=via)
    raise ExportRefused(reason)


@dataclass(frozen=True)
class ExportResult:
    cases: int
    open_tasks: int
    pvt: int


def _wegwijs_version() -> str:
    try:
        return version("wegwijs")
    except PackageNotFoundError:
        return "onbekend"


def _counted(rows: Iterable[Row], tick: Callable[[int], None] | None) -> Iterator[Row]:
    """The rows, reporting progress every PROGRESS_EVERY of them."""
    if tick is None:
        yield from rows
        return
    n = 0
    for row in rows:
        yield row
        n += 1
        if n % PROGRESS_EVERY == 0:
            tick(PROGRESS_EVERY)


def _about(
    *, user: AbstractBaseUser, report_filter: ReportFilter, now: datetime, today: date
) -> list[tuple[str, Any]]:
    scope = report_scope(user=user)
    name = user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
    return [
        ("Gemaakt op", timezone.localtime(now).replace(tzinfo=None, microsecond=0)),
        ("Gemaakt door", f"{name} ({user.get_username()})"),
        ("Rol", str(Role(REPORT_ROLE).label)),
        ("Gemeenten waarover u rapporteert", ", ".join(n for _s, n in scope.gemeenten)),
        ("Peildatum", today),
        *[
            (f"Filter: {label}", value)
            for label, value in report_filter.describe(scope)
        ],
        (
            "Namen",
            "ja, in de laatste kolom van het blad Dossiers"
            if report_filter.met_namen
            else "nee: elk dossier staat er met zijn kenmerk in",
        ),
        ("Wegwijs-versie", _wegwijs_version()),
    ]


def cases_export(
    *,
    user: AbstractBaseUser,
    report_filter: ReportFilter,
    target: str | IO[bytes],
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    occasion: Occasion | None = None,
    via: str = "pagina",
) -> ExportResult:
    """Write the case-status workbook of the cases the user reports on that match the
    filter, and record it in the processing log (who, when, filters, how many)."""
    if report_filter.met_namen and not names_allowed(user=user):
        _refuse(user, NAMES_REFUSED, occasion, via)
    now = now or timezone.now()
    today = timezone.localdate(now)
    cases = report_cases(user=user, report_filter=report_filter)
    book = CaseStatusBook(
        dossiers=_counted(
            dossier_rows(cases=cases, today=today, with_names=report_filter.met_namen),
            progress,
        ),
        open_tasks=_counted(open_task_rows(cases=cases, today=today), progress),
        pvt=_counted(pvt_rows(cases=cases), progress),
        summary=report_summary(cases=cases, today=today),
        about=_about(user=user, report_filter=report_filter, now=now, today=today),
        with_names=report_filter.met_namen,
    )
    result = ExportResult(*case_status_workbook(book, target))
    categories = ["normaal"] + (["persoonsgegevens"] if report_filter.met_namen else [])
    processing_record(
        user=user,
        action=ProcessingRecord.Action.EXPORT,
        # Each dossier in the file, named by its kenmerk: a search by kenmerk finds
        # the export, with or without names in it.
        cases=cases.only("pk", "reference", "gemeente_id", "mb_organisation_id"),
        categories=categories,
        roles=[REPORT_ROLE],
        detail={
            "rows": result.cases,
            "open_tasks": result.open_tasks,
            "pvt_rows": result.pvt,
            "filters": report_filter.as_data(),
            "names": report_filter.met_namen,
            "via": via,
        },
        occasion=occasion,
    )
    return result


# ---- in the background -------------------------------------------------------------


def _export_dir() -> Path:
    return Path(settings.WEGWIJS_EXPORT_DIR)


def private_directory(path: Path) -> Path:
    """``path`` as a directory only its owner can list or enter (0700), whatever the
    umask or an earlier run left."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        path.chmod(0o700)
    except PermissionError:
        # Made by someone else for us: the files in it are 0600 all the same.
        logger.warning("cannot make %s private (0700): not its owner", path)
    return path


def private_file(path: Path) -> IO[bytes]:
    """``path`` opened for writing, readable by its owner only (0600) from its first
    byte: an export holds personal data, and other accounts on the host must not read
    it, whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode on O_CREAT
    return os.fdopen(descriptor, "wb")


def _keep() -> timedelta:
    return timedelta(hours=settings.WEGWIJS_EXPORT_KEEP_HOURS)


def export_run_record(
    *, user: AbstractBaseUser, report_filter: ReportFilter, now: datetime | None = None
) -> ExportRun:
    """Record a big export for the background worker (``export_run_start`` in
    webui.reports.tasks hands it over)."""
    if report_filter.met_namen and not names_allowed(user=user):
        _refuse(user, NAMES_REFUSED, None, "achtergrond")
    now = now or timezone.now()
    run = ExportRun.objects.create(
        requested_by=user,
        filters=report_filter.as_data(),
        requested_at=now,
        expires_at=now + _keep(),
    )
    return run


def export_run_download_record(
    *, run: ExportRun, user: AbstractBaseUser, occasion: Occasion
) -> None:
    """Each download of a background export's file in the processing log, naming
    the dossiers of its filters (as they are now: the file was made from the same
    need-to-know and filters, at most a day ago)."""
    report_filter = ReportFilter.from_data(run.filters)
    cases = report_cases(user=run.requested_by, report_filter=report_filter)
    processing_record(
        user=user,
        action=ProcessingRecord.Action.EXPORT,
        cases=cases.only("pk", "reference", "gemeente_id", "mb_organisation_id"),
        categories=["normaal"]
        + (["persoonsgegevens"] if report_filter.met_namen else []),
        roles=[REPORT_ROLE],
        detail={"run": run.pk, "rows": run.cases, "via": "download"},
        occasion=occasion,
    )


FAILED_TEXT = (
    "Het bestand kon niet worden gemaakt. Probeer het opnieuw; lukt het weer niet,"
    " meld het dan bij de functioneel beheerder."
)
NOT_PICKED_UP_TEXT = (
    "De achtergrondverwerking heeft deze export niet opgepakt. Probeer het opnieuw;"
    " lukt het weer niet, meld dan bij de functioneel beheerder dat de"
    " achtergrondverwerking niet draait."
)
STUCK_TEXT = (
    "De export is vastgelopen: er kwam te lang geen voortgang. Probeer het opnieuw;"
    " lukt het weer niet, meld het dan bij de functioneel beheerder."
)


@contextmanager
def _connection_apart() -> Iterator[BaseDatabaseWrapper]:
    """A database connection of its own, in autocommit, closed afterwards."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        yield other
    finally:
        other.close()


def record_progress(*, run_id: int, rows: int) -> None:
    """Another ``rows`` rows of a background export are written.

    While the workbook is built, the export's own connection is in the middle of
    reading (rows stream from open cursors), and SQLite refuses a write from a
    reading connection as soon as anyone else has written since ("database is
    locked"): someone opening a page would break the export. So, outside a
    transaction, the progress goes over a short connection of its own. (Inside one
    - a test, a caller's transaction - the connection already holds the lock.)"""
    now = timezone.now()
    if connection.in_atomic_block:
        ExportRun.objects.filter(pk=run_id).update(
            done=F("done") + rows, touched_at=now
        )
        return
    with _connection_apart() as other, other.cursor() as cursor:
        # Plain SQL: the ORM only speaks over the thread's own connections.
        table = other.ops.quote_name(ExportRun._meta.db_table)
        cursor.execute(
            f"UPDATE {table} SET done = done + %s, touched_at = %s WHERE id = %s",
            [rows, other.ops.adapt_datetimefield_value(now), run_id],
        )


def _run_update(run_id: int, **values: Any) -> None:
    """Record how a run ended; on a busy SQLite database once more on a fresh
    connection, so that a run is never left 'running' by a failure to say so."""
    runs = ExportRun.objects.filter(pk=run_id, status=ExportRun.Status.RUNNING)
    try:
        runs.update(**values)
    except OperationalError:
        if connection.in_atomic_block:
            raise
        logger.warning("export %s: status not written, retrying", run_id)
        connection.close()
        runs.update(**values)


def export_run_execute(*, run_id: int) -> ExportRun:
    """Write a background export to a private file, with progress as it goes; a run
    that fails says so and leaves no half-written file. No transaction is held while
    the workbook is built: everyone else keeps writing meanwhile."""
    export_runs_expire()
    export_runs_sweep()
    claimed = ExportRun.objects.filter(
        pk=run_id, status=ExportRun.Status.WAITING
    ).update(status=ExportRun.Status.RUNNING, touched_at=timezone.now())
    run = ExportRun.objects.select_related("requested_by").get(pk=run_id)
    if not claimed:
        return run  # done, failed, or another worker has it
    name = f"wegwijs-{run.pk}-{secrets.token_hex(12)}.xlsx"
    result = _export_to_file(run, name)
    if result is None:
        _run_update(
            run.pk,
            status=ExportRun.Status.FAILED,
            error=FAILED_TEXT,
            finished_at=timezone.now(),
        )
    else:
        _run_update(
            run.pk,
            status=ExportRun.Status.DONE,
            cases=result.cases,
            done=F("total"),
            file_name=name,
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    if run.status != ExportRun.Status.DONE:
        with suppress(OSError):  # swept as stuck meanwhile: no file to keep
            (_export_dir() / name).unlink(missing_ok=True)
    return run


def _export_to_file(run: ExportRun, name: str) -> ExportResult | None:
    """The workbook in the export directory; None when it failed (logged). The
    failure is recorded by the caller, once this frame and the open cursors of the
    half-read rows are gone."""
    user = run.requested_by
    report_filter = ReportFilter.from_data(run.filters)
    directory = _export_dir()
    partial = directory / f"{name}.part"
    try:
        cases = report_cases(user=user, report_filter=report_filter)
        total = sum(export_size(cases=cases))
        ExportRun.objects.filter(pk=run.pk).update(total=total)
        private_directory(directory)
        with private_file(partial) as target:
            result = cases_export(
                user=user,
                report_filter=report_filter,
                target=target,
                progress=lambda n: record_progress(run_id=run.pk, rows=n),
                via="achtergrond",
            )
        partial.rename(directory / name)
    except Exception:
        logger.exception("export %s failed", run.pk)
        with suppress(OSError):  # also when the directory itself is the trouble
            partial.unlink(missing_ok=True)
        return None
    return result


def export_runs_sweep(*, now: datetime | None = None) -> int:
    """Mark as failed, with a Dutch message on their page, the exports the worker
    never picked up or that show no progress for
    WEGWIJS_BACKGROUND_TIMEOUT_MINUTES (a worker that died, a machine restarted);
    returns how many. Their pages and the worker call it, and so does
    ``manage.py expire_exports``."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.WEGWIJS_BACKGROUND_TIMEOUT_MINUTES)
    stuck = {
        NOT_PICKED_UP_TEXT: Q(status=ExportRun.Status.WAITING, requested_at__lt=limit),
        STUCK_TEXT: Q(status=ExportRun.Status.RUNNING)
        & (Q(touched_at__lt=limit) | Q(touched_at=None, requested_at__lt=limit)),
    }
    swept = 0
    for message, condition in stuck.items():
        runs = ExportRun.objects.filter(condition)
        # Read first: the pages poll this, and a write (even of no rows) would
        # queue behind every other writer on SQLite.
        if runs.exists():
            swept += runs.update(
                status=ExportRun.Status.FAILED, error=message, finished_at=now
            )
    return swept


def export_runs_expire(*, now: datetime | None = None) -> int:
    """Delete the files (and records) of exports past their time, and what
    interrupted runs left behind; returns how many exports went."""
    now = now or timezone.now()
    expired = list(ExportRun.objects.filter(expires_at__lte=now))
    for run in expired:
        if run.path is not None:
            run.path.unlink(missing_ok=True)
    ExportRun.objects.filter(pk__in=[run.pk for run in expired]).delete()
    directory = _export_dir()
    if directory.is_dir():
        cutoff = (now - _keep()).timestamp()
        for leftover in directory.glob("*.part"):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
    return len(expired)
