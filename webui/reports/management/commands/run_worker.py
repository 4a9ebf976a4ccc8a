"""The background worker (django-tasks' ``db_worker``) made steady: it never dies
silently.

``db_worker`` stops for good when recording a failed job fails too (SQLite busy,
a dropped connection): under ``--reload`` (the default with DEBUG) its thread dies
while the process stays up, and every later job waits for ever. This worker logs
such an error, takes a fresh connection, tries once more to mark the job failed,
and carries on; an error in its own loop is logged and the loop starts again.
When it starts and after every job it marks exports stuck past their time as
failed (``export_runs_sweep``), so that their page says so, and hands bulk
migrations that stopped halfway to the queue again (``migration_runs_resume``)."""

import logging
import os
import time

from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from webui.casework.tasks import migration_runs_resume
from webui.reports.services import export_runs_sweep

logger = logging.getLogger("webui.worker")


class LostJob(RuntimeError):
    """What a job is marked with when its own failure could not be recorded."""


class SteadyWorker(Worker):
    """A ``db_worker`` worker whose loop survives any error but a stop signal."""

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except Exception:
            logger.exception(
                "Achtergrondtaak %s: de afloop kon niet worden vastgelegd;"
                " opnieuw met een nieuwe verbinding.",
                db_task_result.id,
            )
            if not connection.in_atomic_block:
                connection.close()
            try:
                db_task_result.set_failed(LostJob("afloop niet vastgelegd"))
            except Exception:
                logger.exception(
                    "Achtergrondtaak %s blijft op 'bezig' staan.", db_task_result.id
                )
        self._sweep()

    def _sweep(self) -> None:
        try:
            export_runs_sweep()
            migration_runs_resume()
        except Exception:
            logger.exception("Vastgelopen achtergrondwerk: opruimen mislukt.")

    def run(self) -> None:
        self._sweep()
        while True:
            try:
                super().run()
                return  # --batch or --max-tasks: done
            except Exception:
                logger.exception(
                    "De achtergrondverwerking liep op een fout; over %s s gaat"
                    " hij verder.",
                    max(self.interval, 1),
                )
                connection.close()
                close_old_connections()
                time.sleep(max(self.interval, 1))
            if not self.running:
                return


class Command(DbWorkerCommand):
    help = (
        "Run the background worker (django-tasks' db_worker, same options) so that it"
        " never dies silently: a job whose end cannot be recorded is logged and"
        " marked failed, the loop goes on after any error, exports stuck past"
        " WEGWIJS_BACKGROUND_TIMEOUT_MINUTES are marked failed and bulk migrations"
        " that stopped halfway are resumed."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: object,
    ) -> None:
        self.configure_logging(verbosity)
        if not logger.hasHandlers():
            logger.addHandler(logging.StreamHandler(self.stderr))
        worker = SteadyWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
