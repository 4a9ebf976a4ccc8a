"""Background work of the reminders, on Django's task framework (django-tasks): the
task, and the function that hands work to it. The services never import this module,
so the arrows run one way."""

from datetime import datetime

from django_tasks import task

from .services import digest_send, digests_queue


@task()
def send_digest(digest_id: int) -> int:
    """Send one user's daily digest; returns how many tasks it listed."""
    return digest_send(digest_id=digest_id)


def digests_enqueue(*, now: datetime | None = None) -> int:
    """Queue today's digests and hand each to the background worker."""
    rows = digests_queue(now=now)
    for row in rows:
        send_digest.enqueue(row.pk)
    return len(rows)
