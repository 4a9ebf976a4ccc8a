import time

from django.core.management.base import BaseCommand

from webui.api.tasks import events_sweep


class Command(BaseCommand):
    help = (
        "Send the events to the subscribers: record late tasks, fan new events out to"
        " the subscriptions and hand the deliveries due now to the background worker"
        " (run_worker), which sends them signed and retries with back-off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="Keep running, sweeping every N seconds (for `make run`); 0 = once.",
        )

    def handle(self, *args, every: float = 0, **options):
        while True:
            try:
                handed = events_sweep()
            except Exception as exc:  # keep the periodic loop alive; report, retry
                if not every:
                    raise
                self.stderr.write(f"Gebeurtenissen versturen mislukt: {exc}")
            else:
                if handed or not every:
                    self.stdout.write(f"{handed} aflevering(en) aan de worker gegeven.")
            if not every:
                return
            time.sleep(every)
