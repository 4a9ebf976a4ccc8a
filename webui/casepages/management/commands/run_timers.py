import time

from django.core.management.base import BaseCommand

from webui.casework.services import timers_run


class Command(BaseCommand):
    help = (
        "Fire the workflow timers that are due (PIP deadlines, voortgangsgesprekken)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Keep running, checking every N seconds (for `make run`); 0 = once.",
        )

    def handle(self, *args, every: int = 0, **options):
        while True:
            try:
                moved = timers_run()
            except Exception as exc:  # keep the periodic loop alive; report, retry
                if not every:
                    raise
                self.stderr.write(f"Termijnen controleren mislukt: {exc}")
            else:
                self.stdout.write(
                    f"{moved} dossier(s) verder gezet door verlopen termijnen."
                )
            if not every:
                return
            time.sleep(every)
