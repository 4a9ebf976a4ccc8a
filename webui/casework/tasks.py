"""Background work of the cases app, on Django's task framework (django-tasks): the
tasks, and the functions that hand work to them. The services record the work and
never import this module, so the arrows run one way."""

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from django_tasks import task

from engine import Clock
from webui.cases.models import Case, MigrationRun
from webui.definitions.models import DefinitionVersion

from .services.migrating import (
    migration_run_execute,
    migration_run_record,
    migration_runs_claim,
)


@task()
def run_migration(run_id: int) -> int:
    """Move the cases of a bulk migration; returns how many moved."""
    return migration_run_execute(run_id=run_id).moved


def migration_run_start(
    *,
    cases: Iterable[Case],
    target: DefinitionVersion,
    user: AbstractBaseUser | None,
    clock: Clock | None = None,
) -> MigrationRun:
    """Record a bulk migration and hand it to the background worker."""
    run = migration_run_record(cases=cases, target=target, user=user, clock=clock)
    transaction.on_commit(lambda: run_migration.enqueue(run.pk))
    return run


def migration_runs_resume(*, now: datetime | None = None) -> int:
    """Hand the bulk migrations that stopped halfway to the worker again; they go on
    from the first case not yet done. Returns how many."""
    claimed = migration_runs_claim(now=now)
    for run_id in claimed:
        transaction.on_commit(partial(run_migration.enqueue, run_id))
    return len(claimed)
