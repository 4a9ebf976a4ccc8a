"""Background work keeps going while people work: an export runs while other users
write, a job that fails is marked failed with a Dutch message on its page, a job
stuck past its time is marked failed, and the worker never dies silently.

The tests that run the worker use real transactions (as the worker does), so they
run on SQLite and PostgreSQL alike."""

import io
import signal
import threading
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from webui.cases.models import Case, MigrationRun
from webui.casework.selectors import cases_for_migration
from webui.casework.tasks import migration_run_start
from webui.logs.models import ProcessingRecord
from webui.reports import services as report_services
from webui.reports.management.commands.run_worker import SteadyWorker
from webui.reports.models import ExportRun
from webui.reports.selectors import rows as report_rows
from webui.reports.tasks import run_export

from ..conftest import PASSWORD, World
from .test_migration import v2_without_legal_help_and_renamed_afspraken

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _worker() -> SteadyWorker:
    return SteadyWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def _run_worker_command() -> None:
    """``manage.py run_worker --batch``: every waiting job, then stop. The worker
    takes over the stop signals; this test run gets them back."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = [signal.getsignal(s) for s in signals]
    try:
        call_command(
            "run_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
            stdout=io.StringIO(),
        )
    finally:
        for s, handler in zip(signals, handlers, strict=True):
            signal.signal(s, handler)


def _references(path: Path) -> set[str]:
    sheet = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)["Dossiers"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Kenmerk")
    return {row[column] for row in rows[1:] if row[column]}


def test_every_sqlite_connection_runs_wal_with_immediate_transactions(db) -> None:
    """Also a connection opened elsewhere, as the worker's is (its own thread)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    seen: dict[str, object] = {}

    def elsewhere() -> None:
        try:
            with connection.cursor() as cursor:
                seen["journal"] = cursor.execute("PRAGMA journal_mode").fetchone()[0]
                seen["busy"] = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
            seen["mode"] = connection.transaction_mode
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join(30)
    assert seen == {"journal": "wal", "busy": 20000, "mode": "IMMEDIATE"}


@pytest.mark.django_db(transaction=True)
def test_an_export_in_the_background_finishes_while_other_users_write(
    settings, tmp_path: Path, monkeypatch
) -> None:
    world = World()
    cases = [world.coupled() for _ in range(3)]
    world.user("manager.beide", world.polderdam, "manager")
    settings.TASKS = DB_TASKS
    settings.WEGWIJS_EXPORT_DIRECT_MAX = 1
    settings.WEGWIJS_EXPORT_DIR = tmp_path / "exports"
    # Rows stream one at a time with progress after each: the export is always in
    # the middle of reading when someone else writes.
    monkeypatch.setattr(report_rows, "CHUNK", 1)
    monkeypatch.setattr(report_services, "PROGRESS_EVERY", 1)
    others: list[int] = []
    record = report_services.record_progress

    def someone_opens_a_page() -> None:
        try:
            client = _client("coordinator.polderdam")
            page = client.get(reverse("cases:detail", args=[cases[0].reference]))
            others.append(page.status_code)
        finally:
            connection.close()

    def progress_while_others_write(*, run_id: int, rows: int) -> None:
        thread = threading.Thread(target=someone_opens_a_page)
        thread.start()
        thread.join(60)
        record(run_id=run_id, rows=rows)

    monkeypatch.setattr(report_services, "record_progress", progress_while_others_write)
    manager = _client("manager.beide")
    response = manager.post(reverse("reports:download"))
    run = ExportRun.objects.get()
    assert response["Location"] == reverse("reports:run", args=[run.pk])

    _run_worker_command()

    run.refresh_from_db()
    assert (run.status, run.error) == (ExportRun.Status.DONE, "")
    assert run.path is not None
    assert _references(run.path) == {c.reference for c in Case.objects.all()}
    assert len(others) >= 3 and set(others) == {200}, others
    views = ProcessingRecord.objects.filter(
        action="inzien", subjects__case_reference=cases[0].reference
    )
    assert views.count() == len(others)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert "Klaar: 3 dossiers." in manager.get(response["Location"]).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_failure_cannot_be_recorded_does_not_stop_the_worker(
    settings, tmp_path: Path, monkeypatch
) -> None:
    world = World()
    world.start()
    manager = world.user("manager.beide", world.polderdam, "manager")
    settings.TASKS = DB_TASKS
    settings.WEGWIJS_EXPORT_DIR = tmp_path / "exports"
    now = timezone.now()
    run = ExportRun.objects.create(
        requested_by=manager, requested_at=now, expires_at=now + timedelta(hours=1)
    )
    lost = run_export.enqueue(run.pk + 1000)  # no such export: the job fails
    good = run_export.enqueue(run.pk)
    set_failed = DBTaskResult.set_failed
    calls: list[str] = []

    def busy_once(self, exc):  # type: ignore[no-untyped-def]
        calls.append(str(self.id))
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return set_failed(self, exc)

    monkeypatch.setattr(DBTaskResult, "set_failed", busy_once)

    _worker().run()

    assert DBTaskResult.objects.get(id=lost.id).status == "FAILED"
    assert DBTaskResult.objects.get(id=good.id).status == "SUCCESSFUL"
    run.refresh_from_db()
    assert run.status == ExportRun.Status.DONE


def test_an_export_that_fails_says_so_on_its_page(
    world: World, settings, tmp_path: Path
) -> None:
    manager = world.user("manager.beide", world.polderdam, "manager")
    # The export directory cannot be made (a file is in the way).
    (tmp_path / "blocked").write_text("")
    settings.WEGWIJS_EXPORT_DIR = tmp_path / "blocked" / "exports"
    world.start()
    now = timezone.now()
    run = ExportRun.objects.create(
        requested_by=manager, requested_at=now, expires_at=now + timedelta(hours=1)
    )

    report_services.export_run_execute(run_id=run.pk)

    client = _client("manager.beide")
    status = client.get(reverse("reports:run_status", args=[run.pk])).json()
    assert (status["status"], status["finished"]) == ("failed", True)
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert "Het bestand kon niet worden gemaakt. Probeer het opnieuw" in page


def test_an_export_stuck_past_its_time_is_marked_failed_on_its_page(
    world: World, settings
) -> None:
    manager = world.user("manager.beide", world.polderdam, "manager")
    settings.WEGWIJS_BACKGROUND_TIMEOUT_MINUTES = 30
    now = timezone.now()
    long_ago = now - timedelta(minutes=31)

    def run(**fields) -> ExportRun:  # type: ignore[no-untyped-def]
        fields.setdefault("requested_at", long_ago)
        return ExportRun.objects.create(
            requested_by=manager, expires_at=now + timedelta(hours=1), **fields
        )

    never_picked_up = run()
    silent = run(status=ExportRun.Status.RUNNING, touched_at=long_ago)
    busy = run(status=ExportRun.Status.RUNNING, touched_at=now)
    just_asked = run(requested_at=now)

    client = _client("manager.beide")
    status = client.get(reverse("reports:run_status", args=[silent.pk])).json()
    assert (status["status"], status["finished"]) == ("failed", True)
    page = client.get(reverse("reports:run", args=[never_picked_up.pk]))
    assert "heeft deze export niet opgepakt" in page.content.decode()
    silent.refresh_from_db()
    assert silent.error.startswith("De export is vastgelopen")
    for still in (busy, just_asked):
        still.refresh_from_db()
        assert still.status != ExportRun.Status.FAILED


def test_a_bulk_migration_that_stopped_halfway_goes_on_when_its_page_is_opened(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:
    """The worker was killed while moving cases: the run stays 'bezig' without
    progress. Past its time it is handed to the worker again and goes on from the
    first case not yet done."""
    settings.WEGWIJS_BACKGROUND_TIMEOUT_MINUTES = 30
    world.run_until(world.start(), "huisvesting_inschrijvingen")
    world.run_until(world.start(), "huisvesting_inschrijvingen")
    target = v2_without_legal_help_and_renamed_afspraken(world)
    cases = cases_for_migration(gemeente=world.polderdam)
    run = migration_run_start(cases=cases, target=target, user=None)  # not run yet
    long_ago = timezone.now() - timedelta(minutes=31)
    recent = migration_run_start(cases=cases, target=target, user=None)
    MigrationRun.objects.filter(pk=recent.pk).update(
        status=MigrationRun.Status.RUNNING, touched_at=timezone.now()
    )
    MigrationRun.objects.filter(pk=run.pk).update(
        status=MigrationRun.Status.RUNNING, touched_at=long_ago
    )

    beheerder = _client("beheerder.polderdam")
    page = reverse("studio:migration_run", args=["polderdam", run.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert beheerder.get(page).status_code == 200

    run.refresh_from_db()
    assert (run.status, run.done, run.moved) == ("done", 2, 2), run.refused
    recent.refresh_from_db()
    assert (recent.status, recent.done) == ("running", 0), "still in its time"
