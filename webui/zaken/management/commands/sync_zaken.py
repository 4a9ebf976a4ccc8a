import time

from django.core.management.base import BaseCommand

from webui.zaken.sending import zaak_dossiers_due, zaak_updates_send
from webui.zaken.tasks import zaken_enqueue


class Command(BaseCommand):
    help = (
        "Send the dossiers' waiting updates to the gemeenten's zaaksystemen, in"
        " order per dossier. By default the background worker (run_worker) sends"
        " them; --now sends them here."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Send here instead of via the worker."
        )
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Keep running, checking every N seconds (for `make run`); 0 = once.",
        )

    def handle(self, *args, now: bool = False, every: int = 0, **options):
        while True:
            try:
                self._once(now)
            except Exception as exc:  # keep the periodic loop alive; report, retry
                if not every:
                    raise
                self.stderr.write(f"Zaaksysteem bijwerken mislukt: {exc}")
            if not every:
                return
            time.sleep(every)

    def _once(self, now: bool) -> None:
        if not now:
            queued = zaken_enqueue()
            self.stdout.write(
                f"{queued} dossier(s) klaargezet voor het zaaksysteem"
                " (achtergrondverwerking)."
            )
            return
        sent = waiting = 0
        for case_id in zaak_dossiers_due():
            result = zaak_updates_send(case_id=case_id)
            sent += result.sent
            waiting += result.failed
        self.stdout.write(
            f"{sent} bijwerking(en) verstuurd; {waiting} dossier(s) wachten op het"
            " zaaksysteem."
        )
