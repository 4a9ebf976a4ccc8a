"""A user's background exports."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from ..models import ExportRun


def export_runs_of(*, user: AbstractBaseUser) -> QuerySet[ExportRun]:
    """The user's background exports still kept, newest first."""
    return ExportRun.objects.filter(
        requested_by_id=user.pk, expires_at__gt=timezone.now()
    ).order_by("-requested_at", "-id")


def export_run_for(*, user: AbstractBaseUser, run_id: int) -> ExportRun | None:
    """One of the user's own background exports (None for anyone else's)."""
    return export_runs_of(user=user).filter(pk=run_id).first()
