"""Background work of the zaaksysteem, on Django's task framework (django-tasks):
sending each dossier's waiting updates. ``zaken_enqueue`` (run by ``sync_zaken``,
every half minute in ``make run``) hands every dossier that is due to the worker."""

from django_tasks import task

from .sending import zaak_dossiers_due, zaak_updates_send


@task()
def send_zaak_updates(case_id: int) -> int:
    """Send one dossier's waiting updates, in order; returns how many went."""
    return zaak_updates_send(case_id=case_id).sent


def zaken_enqueue() -> int:
    """Hand every dossier with updates due to the worker; returns how many."""
    due = zaak_dossiers_due()
    for case_id in due:
        send_zaak_updates.enqueue(case_id)
    return len(due)
