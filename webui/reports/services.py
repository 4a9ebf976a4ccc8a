"""The case-status export: written for one user with one filter, logged in the
processing log; big ones in the background, their files kept for a limited time and
for their requester only."""

import logging
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from exports import CaseStatusBook, case_status_workbook
from webui.accounts.models import Role
from webui.privacy.models import ProcessingRecord
from webui.privacy.services import processing_record

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
    request: HttpRequest | None = None,
    via: str = "pagina",
) -> ExportResult:
    """Write the case-status workbook of the cases the user reports on that match the
    filter, and record it in the processing log (who, when, filters, how many)."""
    if report_filter.met_namen and not names_allowed(user=user):
        raise ExportRefused(NAMES_REFUSED)
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
        # With names the export is about each statushouder in it; without, the
        # reference is all that identifies them.
        cases=cases.only("pk", "reference", "gemeente_id", "mb_organisation_id")
        if report_filter.met_namen
        else (),
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
        request=request,
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


def export_run_start(
    *, user: AbstractBaseUser, report_filter: ReportFilter, now: datetime | None = None
) -> ExportRun:
    """Record a big export and hand it to the background worker."""
    from .tasks import run_export  # the task imports these services

    if report_filter.met_namen and not names_allowed(user=user):
        raise ExportRefused(NAMES_REFUSED)
    now = now or timezone.now()
    run = ExportRun.objects.create(
        requested_by=user,
        filters=report_filter.as_data(),
        requested_at=now,
        expires_at=now + _keep(),
    )
    transaction.on_commit(lambda: run_export.enqueue(run.pk))
    return run


def record_progress(*, run_id: int, rows: int) -> None:
    """Another ``rows`` rows of a background export are written."""
    ExportRun.objects.filter(pk=run_id).update(done=F("done") + rows)


def export_run_execute(*, run_id: int) -> ExportRun:
    """Write a background export to a private file, with progress as it goes; a run
    that fails says so and leaves no half-written file."""
    export_runs_expire()
    claimed = ExportRun.objects.filter(
        pk=run_id, status=ExportRun.Status.WAITING
    ).update(status=ExportRun.Status.RUNNING)
    run = ExportRun.objects.select_related("requested_by").get(pk=run_id)
    if not claimed:
        return run  # done, failed, or another worker has it
    user = run.requested_by
    report_filter = ReportFilter.from_data(run.filters)
    directory = _export_dir()
    name = f"wegwijs-{run.pk}-{secrets.token_hex(12)}.xlsx"
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
        partial.unlink(missing_ok=True)
        ExportRun.objects.filter(pk=run.pk).update(
            status=ExportRun.Status.FAILED,
            error="Het bestand kon niet worden gemaakt. Probeer het opnieuw; lukt het"
            " weer niet, meld het dan bij de functioneel beheerder.",
            finished_at=timezone.now(),
        )
    else:
        ExportRun.objects.filter(pk=run.pk).update(
            status=ExportRun.Status.DONE,
            cases=result.cases,
            done=F("total"),
            file_name=name,
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


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
