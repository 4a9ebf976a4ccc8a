"""Background work of the reminders, on Django's task framework (django-tasks)."""

from django_tasks import task

from .services import digest_send


@task()
def send_digest(digest_id: int) -> int:
    """Send one user's daily digest; returns how many tasks it listed."""
    return digest_send(digest_id=digest_id)
