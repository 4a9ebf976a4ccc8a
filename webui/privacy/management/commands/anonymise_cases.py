from django.core.management.base import BaseCommand
from django.utils import timezone

from webui.cases.models import Case
from webui.privacy.anonymisation import case_anonymise
from webui.privacy.services import retention_passed


class Command(BaseCommand):
    help = (
        "Anonymise closed cases past their gemeente's retention period: names and every"
        " answer that is not 'normaal' go; phases, dates and milestones (the figures)"
        " stay; the processing log keeps its records. --dry-run only lists them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--gemeente", default="", metavar="SLUG")

    def handle(self, *args, dry_run: bool, gemeente: str, **options):
        today = timezone.localdate()
        cases = Case.objects.filter(
            is_closed=True, anonymised_at__isnull=True
        ).select_related("gemeente")
        if gemeente:
            cases = cases.filter(gemeente__slug=gemeente)
        done = 0
        for case in cases.order_by("closed_at"):
            years = case.gemeente.bewaartermijn_jaren
            if not retention_passed(closed_at=case.closed_at, years=years, today=today):
                continue
            removed = case_anonymise(case=case, user=None, dry_run=dry_run)
            verb = "zou worden geanonimiseerd" if dry_run else "geanonimiseerd"
            self.stdout.write(f"{case.reference}: {verb} ({removed} antwoorden)")
            done += 1
        self.stderr.write(
            f"{done} dossier(s) {'te anonimiseren' if dry_run else 'geanonimiseerd'}."
        )
