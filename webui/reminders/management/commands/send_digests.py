import time

from django.core.management.base import BaseCommand

from webui.reminders.services import digest_send, digests_queue
from webui.reminders.tasks import digests_enqueue


class Command(BaseCommand):
    help = (
        "Send today's digest (new, due this week, overdue tasks) to every user who"
        " wants one, once a day. By default the background worker (run_worker) sends"
        " them; --now sends them here, for a scheduler without a worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Send the e-mails in this process instead of via the worker.",
        )
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Keep running, checking every N seconds (for `make run`); 0 = once."
            " Each user still gets one digest a day.",
        )

    def handle(self, *args, now: bool = False, every: int = 0, **options):
        while True:
            try:
                self._once(now)
            except Exception as exc:  # keep the periodic loop alive; report, retry
                if not every:
                    raise
                self.stderr.write(f"Dagelijkse e-mails klaarzetten mislukt: {exc}")
            if not every:
                return
            time.sleep(every)

    def _once(self, now: bool) -> None:
        if not now:
            queued = digests_enqueue()
            self.stdout.write(
                f"{queued} dagelijkse e-mail(s) klaargezet voor de"
                " achtergrondverwerking."
            )
            return
        sent = empty = failed = 0
        for row in digests_queue():
            try:
                listed = digest_send(digest_id=row.pk)
            except Exception as exc:  # one address that fails never stops the rest
                failed += 1
                self.stderr.write(f"E-mail aan {row.user} mislukt: {exc}")
                continue
            if listed:
                sent += 1
            else:
                empty += 1
        self.stdout.write(
            f"{sent} dagelijkse e-mail(s) verstuurd; {empty} gebruiker(s) zonder"
            f" nieuws; {failed} mislukt."
        )
