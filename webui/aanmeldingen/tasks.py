"""Background work of the aanmelding in bulk, on Django's task framework
(django-tasks): a large file is checked, and registered, by the worker."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from django_tasks import task

from webui.access import RegistrationPlace
from webui.logs.context import Occasion

from .models import BulkAanmelding
from .services import INLINE_ROWS, bulk_check, bulk_confirm, bulk_record, bulk_register


@task()
def check_bulk(run_id: int) -> None:
    bulk_check(run_id=run_id)


@task()
def register_bulk(run_id: int) -> None:
    bulk_register(run_id=run_id)


def bulk_upload_start(
    *, place: RegistrationPlace, user: AbstractBaseUser, file_name: str, content: bytes
) -> BulkAanmelding:
    """Read the file; check a small one here, hand a large one to the worker."""
    run = bulk_record(place=place, user=user, file_name=file_name, content=content)
    if run.status != BulkAanmelding.Status.CHECKING:
        return run
    if run.total <= INLINE_ROWS:
        return bulk_check(run_id=run.pk)
    transaction.on_commit(lambda: check_bulk.enqueue(run.pk))
    return run


def bulk_confirm_start(
    *, run: BulkAanmelding, user: AbstractBaseUser, occasion: Occasion | None
) -> BulkAanmelding:
    """Confirm; register a small file here, hand a large one to the worker."""
    run = bulk_confirm(run=run, user=user, occasion=occasion)
    if run.total <= INLINE_ROWS:
        return bulk_register(run_id=run.pk)
    transaction.on_commit(lambda: register_bulk.enqueue(run.pk))
    return run
